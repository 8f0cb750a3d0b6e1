"""Tables as files that calculate (dashboard/report/workbook.py): the XLSX and CSV of one table, as
every page's download makes them, and the report pack's workbook.

Figures are the hand-made extract's (tests/handmade.py): in 2023 商州区 has 3 of 3 schools covered
by an organisation and 山阳县 1 of 2, so the 合计 row holds 4/5 = 80.0%, where an average of the two
rates would say 75.0%.
"""
import csv
import datetime as dt
import io
import re
import zipfile

import docx
import openpyxl
import pytest

from dashboard.metrics import Rate
from dashboard.report.pack import make_pack
from dashboard.report.word import WJ
from dashboard.report.workbook import sheet_name, table_csv, table_xlsx
from dashboard.sections import coverage, members
from dashboard.sections.blocks import COUNT, DATE, RATE, TEXT, Col, Table
from dashboard.sections.context import Context
from tests import handmade as h
from tests.conftest import scope

HOSTILE = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2"]
TODAY = dt.date(2025, 1, 15)


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def by_first_cell(ws) -> dict:
    header = [c.value for c in ws[1]]
    return {row[0].value: dict(zip(header, row)) for row in ws.iter_rows(min_row=2) if row[0].value is not None}


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def county_coverage(get) -> Table:
    return coverage.build(Context.of(get, scope(2023))).tables["by_unit"]


# Totals and rates ------------------------------------------------------------------------------
def test_total_rate_is_the_rate_of_the_summed_counts(county_coverage):
    rows = by_first_cell(sheet(table_xlsx(county_coverage)))
    assert list(rows) == ["商州区", "山阳县", "合计"]
    assert [rows["合计"][c].value for c in ("学校数（所）", "党组织覆盖学校数（所）")] == [5, 4]
    total = rows["合计"]["党组织覆盖率（%）"]
    assert total.value == pytest.approx(4 / 5) and total.value != pytest.approx((3 / 3 + 1 / 2) / 2)
    assert total.number_format == "0.0%" and total.font.b
    assert rows["山阳县"]["党组织覆盖率（%）"].value == pytest.approx(0.5)
    assert rows["山阳县"]["党的工作覆盖率（%）"].value == pytest.approx(1.0)


def test_csv_has_the_xlsx_columns_with_rates_in_per_cent(county_coverage):
    ws = sheet(table_xlsx(county_coverage))
    rows = csv_rows(table_csv(county_coverage))
    assert rows[0] == [c.value for c in ws[1]]
    assert rows[0] == ["县区", "学校数（所）", "党组织覆盖学校数（所）", "党组织覆盖率（%）", "党的工作覆盖学校数（所）",
                       "党的工作覆盖率（%）"]
    assert rows[1:] == [["商州区", "3", "3", "100.0", "3", "100.0"],
                        ["山阳县", "2", "1", "50.0", "2", "100.0"],
                        ["合计", "5", "4", "80.0", "5", "100.0"]]


def test_counts_the_table_lacks_are_written_beside_the_rate():
    t = Table("t", "占比", [Col("name", "名称", TEXT), Col("share", "占比", RATE), Col("per", "每百名教职工党员数", RATE, unit="名")],
              [["甲", Rate(1, 3), Rate(68, 184, unit="")], ["乙", Rate(0, 0), Rate(0, 0, unit="")]])
    ws = sheet(table_xlsx(t))
    assert [c.value for c in ws[1]] == ["名称", "占比（%）", "分子", "分母", "每百名教职工党员数（名）",
                                        "每百名教职工党员数分子", "每百名教职工党员数分母"]
    a = [c for c in ws[2]]
    assert a[1].value == pytest.approx(1 / 3) and a[1].number_format == "0.0%"
    assert (a[2].value, a[3].value) == (1, 3)
    # Per 100 staff: a number with one decimal, not a percentage.
    assert a[4].value == pytest.approx(6800 / 184) and a[4].number_format == "0.0" and (a[5].value, a[6].value) == (68, 184)
    b = [c.value for c in ws[3]]
    assert b == ["乙", "—", 0, 0, "—", 0, 0]  # no denominator: a dash for the rate, never 0.0%
    assert csv_rows(table_csv(t))[1:] == [["甲", "33.3", "1", "3", "37.0", "68", "184"],
                                          ["乙", "—", "0", "0", "—", "0", "0"]]


def test_key_figures_keep_their_own_numerator_and_denominator_columns(get):
    from dashboard.sections.overview import key_figures

    t = key_figures(Context.of(get, scope(2024)))
    ws = sheet(table_xlsx(t))
    header = [c.value for c in ws[1]]
    assert header == ["指标", "单位", "2024年", "分子", "分母", "2023年", "2023年分子", "2023年分母", "较上年"]
    row = by_first_cell(ws)["党员增长率"]
    assert (row["分子"].value, row["分母"].value, row["2024年"].number_format) == (11, 57, "0.0%")
    assert (row["2023年分子"].value, row["2023年分母"].value) == (2, 55)
    assert row["2023年"].value == pytest.approx(2 / 55)


def test_missing_counts_are_blank_and_dates_are_dates():
    t = Table("t", "换届", [Col("org", "党组织名称", TEXT), Col("members", "党员数", COUNT, unit="名"),
                          Col("due", "应换届日期", DATE)],
              [["中共城关街道幼儿园联合支部委员会", None, dt.date(2022, 9, 1)], ["乙", 4, None]])
    ws = sheet(table_xlsx(t))
    first, second = [c for c in ws[2]], [c for c in ws[3]]
    assert first[1].value is None  # a missing count is left blank, never "—" in a numeric column
    assert first[2].value == dt.datetime(2022, 9, 1) and first[2].is_date and first[2].number_format == "yyyy-mm-dd"
    assert second[1].value == 4 and second[2].value is None
    assert csv_rows(table_csv(t))[1:] == [["中共城关街道幼儿园联合支部委员会", "", "2022-09-01"], ["乙", "4", ""]]
    # The header stays in view, the names too; widths count a Chinese character twice.
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["A"].width >= 2 * 16


def test_sorting_leaves_the_total_row_at_the_bottom(county_coverage):
    ws = sheet(table_xlsx(county_coverage))
    assert ws.auto_filter.ref == "A1:F3"  # the header and both counties; 合计 is row 4


# Text stays text -------------------------------------------------------------------------------
def test_a_hostile_name_is_a_string_in_xlsx_and_prefixed_in_csv():
    t = Table("t", "学校", [Col("name", "学校名称", TEXT), Col("n", "正式党员", unit="名")],
              [[name, i] for i, name in enumerate(HOSTILE)])
    data = table_xlsx(t)
    ws = sheet(data)
    for row, name in zip(ws.iter_rows(min_row=2), HOSTILE):
        assert row[0].value == name and row[0].data_type == "s", name
        assert row[0].quotePrefix  # Excel keeps it text when the cell is edited
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any("<f>" in z.read(n).decode("utf-8") or "<f " in z.read(n).decode("utf-8")
                       for n in z.namelist() if n.endswith(".xml"))
    assert [r[0] for r in csv_rows(table_csv(t))[1:]] == ["'" + name for name in HOSTILE]


def test_sheet_names_are_valid_whatever_the_title():
    name = sheet_name("a/b:c[d]*?e\\f")
    assert not re.search(r"[\[\]:*?/\\]", name) and len(name) <= 31
    assert name == "a／b：c［d］＊？e＼f"
    long = "某某县某某镇某某村某某某某某某某某某某九年一贯制学校党员名单（按年度）"
    taken = set()
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == len(second) == 31 and first != second
    assert sheet_name("'History'") == "History表"
    t = Table("t", "a/b:c[d]*?e\\f", [Col("name", "名称", TEXT)], [["甲"]])
    assert openpyxl.load_workbook(io.BytesIO(table_xlsx(t))).sheetnames == [name]


# Official typography in every generated text ---------------------------------------------------
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_ASCII_BY_CJK = re.compile(rf"[{_CJK}][,;:()!?.\"'\[\]]|[,;:()!?.\"'\[\]][{_CJK}]")


def ascii_by_chinese(text: str) -> list[str]:
    return _ASCII_BY_CJK.findall(text.replace(WJ, ""))


def workbook_texts(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb.sheetnames + [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                            if isinstance(c.value, str)]


def document_texts(data: bytes) -> list[str]:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    footers = [p.text for s in d.sections for f in (s.footer, s.even_page_footer) for p in f.paragraphs]
    return [p.text for p in d.paragraphs] + cells + footers


def test_the_check_finds_ascii_punctuation_next_to_chinese():
    assert ascii_by_chinese("截至2023年底,山阳县共有学校(幼儿园)") == ["底,", "校(", "园)"]
    assert ascii_by_chinese("截至2023年底，山阳县共有中小学校（幼儿园）170所，占73.6%（335/455）") == []
    assert ascii_by_chinese("1.数据来源") == [".数"]


@pytest.mark.parametrize("sc", [scope(2024), scope(2023, county=h.SHANYANG)], ids=["citywide-2024", "shanyang-2023"])
def test_no_ascii_punctuation_next_to_chinese_in_the_pack(get, handmade_dir, sc):
    pack = make_pack(get, sc, data_dir=handmade_dir, charts=False, today=TODAY)
    found = {t: ascii_by_chinese(t) for t in workbook_texts(pack.files[pack.xlsx_name])
             + document_texts(pack.files[pack.docx_name]) if ascii_by_chinese(t)}
    assert not found


def test_no_ascii_punctuation_next_to_chinese_in_page_downloads(get, county_coverage):
    section = members.build(Context.of(get, scope(2024)))
    for table in [county_coverage, *section.tables.values()]:
        texts = workbook_texts(table_xlsx(table)) + [c for r in csv_rows(table_csv(table)) for c in r]
        assert not [t for t in texts if ascii_by_chinese(t)], table.title


def test_a_pages_downloads_are_the_workbooks_and_keep_a_hostile_name_text(tmp_path, monkeypatch):
    """The 组织覆盖 page's list of schools not covered, downloaded: 戊小学 (S5, adviser only) renamed
    to a formula is an apostrophe-prefixed cell in the CSV and a plain string in the XLSX."""
    from streamlit.testing.v1 import AppTest

    from dashboard import config, extract
    from tests.access_support import Downloads

    t = h.build_tables()
    t["schools"].loc[t["schools"]["school_id"] == h.S5, "school_name"] = HOSTILE[0]
    extract.write_tables(t, tmp_path)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    downloads = Downloads(monkeypatch)
    at = AppTest.from_file(str(config.PROJECT_DIR / "app.py"), default_timeout=60)
    at.query_params["year"] = "2023年"
    at.switch_page("dashboard/pages/coverage.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    files = downloads.contents()
    rows = csv_rows(files["未被党组织覆盖的学校_2023年_全市.csv"])
    assert ["'" + HOSTILE[0]] == [r[0] for r in rows[1:] if HOSTILE[0] in r[0]]
    ws = sheet(files["未被党组织覆盖的学校_2023年_全市.xlsx"])
    [cell] = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == HOSTILE[0]]
    assert cell.data_type == "s" and cell.quotePrefix
