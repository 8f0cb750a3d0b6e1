"""The report page and the command line make the same pack for the same scope: the same document
paragraphs and tables and the same workbook cells (images are left out to keep this fast;
test_report_render.py covers them)."""
import io
import zipfile

import docx
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.__main__ import main
from dashboard.report.word import WJ
from tests import handmade as h
from tests.browser_support import shown_text


def docx_content(data: bytes):
    """Paragraphs and tables as read (the word joiners that keep numbers whole left out)."""
    d = docx.Document(io.BytesIO(data))
    return ([p.text.replace(WJ, "") for p in d.paragraphs],
            [[[c.text.replace(WJ, "") for c in r.cells] for r in t.rows] for t in d.tables])


def xlsx_content(data: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def page_pack(handmade_dir, monkeypatch, **params):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    at = AppTest.from_file(str(config.PROJECT_DIR / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("dashboard/pages/report_export.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.toggle(key="report_charts").set_value(False).run()
    at.button(key="report_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    made = at.session_state["report_pack"]
    files = {n.split("/", 1)[1]: z.read(n) for z in [zipfile.ZipFile(io.BytesIO(made["zip"]))] for n in z.namelist()}
    return at, made, files


def cli_pack(handmade_dir, out, *args):
    assert main(["report", "--data", str(handmade_dir), "--out", str(out), "--no-charts", *args]) == 0
    zips = list(out.glob("*.zip"))
    assert len(zips) == 1
    z = zipfile.ZipFile(zips[0])
    return zips[0].name, {n.split("/", 1)[1]: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("params, cli_args", [
    ({}, ["--year", "2024"]),
    ({"year": "2023年", "county": "山阳县", "stage": "小学"}, ["--year", "2023", "--county", h.SHANYANG, "--stage", "小学"]),
], ids=["citywide-2024", "shanyang-primary-2023"])
def test_page_and_cli_make_the_same_pack(handmade_dir, monkeypatch, tmp_path, params, cli_args):
    at, made, page_files = page_pack(handmade_dir, monkeypatch, **params)
    zip_name, cli_files = cli_pack(handmade_dir, tmp_path, *cli_args)
    assert made["zip_name"] == zip_name
    assert sorted(page_files) == sorted(cli_files)
    docx_name = next(n for n in page_files if n.endswith(".docx"))
    xlsx_name = next(n for n in page_files if n.endswith(".xlsx"))
    assert docx_content(page_files[docx_name]) == docx_content(cli_files[docx_name])
    assert xlsx_content(page_files[xlsx_name]) == xlsx_content(cli_files[xlsx_name])
    # The page offers the pack for download and shows the document's paragraphs.
    assert at.get("download_button")
    body = [p for _, paragraphs in made["sections"] for p in paragraphs]
    page_text = "\n".join(shown_text(m.value) for m in at.markdown)
    assert body and all(p in docx_content(page_files[docx_name])[0] and p in page_text for p in body)
    # It ends saying how long it took, in Chinese.
    assert any(s.label.startswith("报告材料已生成，用时") and s.label.endswith("秒") for s in at.status)


def test_page_with_an_empty_scope_offers_a_pack_that_says_so(handmade_dir, monkeypatch):
    at, made, files = page_pack(handmade_dir, monkeypatch, year="2023年", stage="特殊教育学校")
    assert "当前筛选范围内没有学校" in made["empty_message"]
    assert any("当前筛选范围内没有学校" in i.value for i in at.info)
    paragraphs, _ = docx_content(files[made["docx"]])
    assert any("当前筛选范围内没有学校" in p for p in paragraphs)


def test_page_without_chromium_says_what_to_install_and_still_makes_the_pack(handmade_dir, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    at = AppTest.from_file(str(config.PROJECT_DIR / "app.py"), default_timeout=60)
    at.switch_page("dashboard/pages/report_export.py")
    at.run()
    assert any("apt-get install -y chromium fonts-noto-cjk" in w.value for w in at.warning)
    assert at.toggle(key="report_charts").disabled and at.toggle(key="report_charts").value is False
    at.button(key="report_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    made = at.session_state["report_pack"]
    assert made["docx"].endswith(".docx") and not [f for f in made["files"] if f.endswith(".png")]
    assert any("apt-get install -y chromium fonts-noto-cjk" in p for p in made["problems"])
