"""The report pack on the hand-made extract: the document's paragraphs and the workbook's cells
state the figures worked out by hand in tests/handmade.py, an empty scope gives a pack that
says so, and the command line picks its scopes without ever widening what may be seen.

These build packs without chart images (fast); test_report_render.py covers the images."""
import argparse
import datetime as dt
import io
import re
import zipfile

import docx
import openpyxl
import pytest

from dashboard import figures, summary
from dashboard.report import cli
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from dashboard.report import render
from dashboard.report.pack import make_pack
from dashboard.report.word import WJ
from dashboard.scope import Scope
from tests import handmade as h
from tests.conftest import BOTH, scope

TODAY = dt.date(2025, 1, 15)


@pytest.fixture(scope="module")
def pack_for(get, handmade_dir):
    made = {}

    def build(sc):
        if sc not in made:
            made[sc] = make_pack(get, sc, data_dir=handmade_dir, charts=False, today=TODAY)
        return made[sc]
    return build


def paragraphs(pack) -> list[str]:
    """The document's paragraphs as read aloud: without the word joiners that keep numbers whole."""
    return [plain(p.text) for p in docx.Document(io.BytesIO(pack.files[pack.docx_name])).paragraphs]


def doc_tables(pack) -> list[list[list[str]]]:
    d = docx.Document(io.BytesIO(pack.files[pack.docx_name]))
    return [[[plain(c.text) for c in r.cells] for r in t.rows] for t in d.tables]


def plain(text: str) -> str:
    return text.replace(WJ, "")


def workbook(pack):
    return openpyxl.load_workbook(io.BytesIO(pack.files[pack.xlsx_name]))


def sheet_rows(wb, title: str) -> dict:
    """A sheet (found by its title after "表N ") as {first cell: {header: cell}}."""
    ws = next(ws for ws in wb.worksheets if ws.title.split(" ", 1)[-1] == title)
    header = [c.value for c in ws[1]]
    return {row[0].value: dict(zip(header, row)) for row in ws.iter_rows(min_row=2)}


# The document ------------------------------------------------------------------------------------
def test_docx_paragraphs_state_the_hand_worked_figures(pack_for):
    text = "\n".join(paragraphs(pack_for(scope(2024))))
    for fragment in (
            "2024年全市中小学校党建工作情况报告",
            "截至2024年底，全市共有中小学校（幼儿园）5所，与上年持平",
            "党组织覆盖5所，覆盖率100.0%，较上年提高20.0个百分点", "实现党的组织和工作全覆盖",
            # No 党委 in the extract: said in words, never "党委0个".
            "全市建立一级党组织4个，较上年增加1个，其中党总支1个、党支部3个（未设党委）",
            "单独建立党组织2个，通过联合组建、挂靠组建等形式建立党组织2个",
            "公办学校党组织2个，民办学校党组织1个",
            "全市依托学校建立的一级党组织3个，其中书记、校长“一肩挑”的1个，占33.3%，较上年下降33.4个百分点",
            "书记、校长分设的1个，占33.3%；书记空缺的1个，占33.3%",
            "全市累计创建党建示范校2所（省级1所、县级1所），其中2024年新增2所（省级1所、县级1所）；"
            "参加星级评定的党组织3个，其中五星级党组织2个",
            "全市学校共有党员68名，较上年增加11名；2024年发展党员7名，其中业务骨干4名，占57.1%",
            "党员净增11名，增长率19.3%；每百名教职工中有党员37.0名",
            # action lists: O2 overdue; O1 a 党总支 of 48; S2 with 4 full members in a joint branch
            "1个党组织任期已满尚未换届；1个一级党组织的组织类型与党员规模不相符；"
            "1所学校有3名以上正式党员但未单独建立党组织"):
        assert fragment in text, fragment


def test_docx_paragraphs_are_the_overview_pages(pack_for, get):
    """The document and the overview page write from the same functions, so they cannot disagree."""
    sc = scope(2024)
    overview = summary.overview_paragraph(figures.headline(get, sc), "全市", sc)
    body = [p for p in paragraphs(pack_for(sc)) if p.startswith(("截至", "全市"))]
    assert "".join(body[:5]) == overview


def test_docx_tables_carry_denominators_and_changes(pack_for):
    tables = doc_tables(pack_for(scope(2024)))
    key = {r[0]: r for r in next(t for t in tables if t[0][0] == "指标")}
    assert key["党组织覆盖率"][2:] == ["100.0%（5/5）", "80.0%（4/5）", "较上年提高20.0个百分点"]
    assert key["书记、校长“一肩挑”比例"][2:4] == ["33.3%（1/3）", "66.7%（2/3）"]
    assert key["党员数（年末）"][1:] == ["名", "68", "57", "较上年增加11名"]
    assert key["每百名教职工党员数"][2:] == ["37.0", "31.3", "较上年增加5.7名"]
    # The counts are columns of the same table, so the rate beside them is written alone.
    by_county = next(t for t in tables if t[0][:2] == ["县区", "学校数（所）"])
    assert by_county[1:] == [["商州区", "3", "3", "100.0%", "3", "100.0%"],
                             ["山阳县", "2", "2", "100.0%", "2", "100.0%"],
                             ["合计", "5", "5", "100.0%", "5", "100.0%"]]


def test_first_year_has_no_comparison_and_county_rates(pack_for):
    pack = pack_for(scope(2023))
    text = "\n".join(paragraphs(pack))
    assert "截至2023年底，全市共有中小学校（幼儿园）5所。其中，党组织覆盖4所，覆盖率80.0%；" in text
    assert "较上年" not in text.split("一、")[1]  # the first year of the extract has nothing to compare with
    # O2 overdue (due 2022-09-01), O1 due 2024-03-01, O1 a 党总支 of 42, S5 with an adviser only.
    assert ("截至2023年底，全市有1个党组织任期已满尚未换届；1个党组织将于2024年6月底前任期届满；"
            "1个一级党组织的组织类型与党员规模不相符；1所学校未被党组织覆盖，需跟进落实。") in text
    assert "没有需要跟进的问题" in summary.action_lists_paragraph(2023, "全市", 0, 0, 0, 0, 0)
    wb = workbook(pack)
    cov = sheet_rows(wb, "各县区党组织覆盖情况")
    assert (cov["山阳县"]["党组织覆盖学校数（所）"].value, cov["山阳县"]["学校数（所）"].value) == (1, 2)
    assert cov["山阳县"]["党组织覆盖率（%）"].value == pytest.approx(0.5)
    assert cov["合计"]["党组织覆盖率（%）"].value == pytest.approx(0.8)
    uncovered = sheet_rows(wb, "未被党组织覆盖的学校")
    assert list(uncovered) == ["戊小学"] and uncovered["戊小学"]["覆盖方式"].value == "党建指导员"
    due = sheet_rows(wb, "换届提醒")
    assert [r["党组织名称"].value for r in due.values()] == ["中共城关街道幼儿园联合支部委员会", "中共甲小学总支部委员会"]
    assert [r["状态"].value for r in due.values()] == ["已逾期", "即将到期"]


# The workbook ----------------------------------------------------------------------------------
def test_workbook_cells_equal_the_hand_worked_figures(pack_for):
    wb = workbook(pack_for(scope(2024)))
    assert wb.sheetnames[0] == "说明"
    key = sheet_rows(wb, "主要指标")
    cov = key["党组织覆盖率"]
    assert (cov["2024年"].value, cov["分子"].value, cov["分母"].value, cov["2023年"].value) == (1, 5, 5, 0.8)
    assert cov["2024年"].number_format == "0.0%"
    comb = key["书记、校长“一肩挑”比例"]
    assert (comb["分子"].value, comb["分母"].value) == (1, 3)
    assert round(comb["2024年"].value * 100, 1) == 33.3 and round(comb["2023年"].value * 100, 1) == 66.7
    members = key["党员数（年末）"]
    assert (members["2024年"].value, members["2023年"].value, members["较上年"].value) == (68, 57, "较上年增加11名")
    growth = key["党员增长率"]
    assert (growth["分子"].value, growth["分母"].value, round(growth["2024年"].value * 100, 1)) == (11, 57, 19.3)
    per100 = key["每百名教职工党员数"]
    assert (per100["分子"].value, per100["分母"].value, round(per100["2024年"].value, 1)) == (68, 184, 37.0)
    assert per100["2024年"].number_format == "0.0"  # per 100 staff is not a percentage

    lead = sheet_rows(wb, "各县区书记校长设置情况")
    assert [lead["合计"][c].value for c in ("依托学校的一级党组织（个）", "一肩挑（个）", "分设（个）", "书记空缺（个）")] == [3, 1, 1, 1]
    demo = sheet_rows(wb, "各县区党建示范校")
    assert [demo["商州区"][c].value for c in ("示范校（所）", "省级（所）", "县级（所）", "2024年新增（所）")] == [2, 1, 1, 2]
    mem = sheet_rows(wb, "各县区党员队伍情况")
    assert (mem["合计"]["年末党员数（名）"].value, mem["合计"]["年初党员数（名）"].value) == (68, 57)
    assert mem["合计"]["增长率（%）"].value == pytest.approx(11 / 57)
    due = sheet_rows(wb, "换届提醒")
    o2 = due["已逾期"]
    assert o2["党组织名称"].value == "中共城关街道幼儿园联合支部委员会"
    assert o2["应换届日期"].value == dt.datetime(2022, 9, 1)
    need = sheet_rows(wb, "应单独建立党组织的学校")
    assert need["乙幼儿园"]["正式党员（名）"].value == 4 and need["乙幼儿园"]["学校标识码"].value == h.S2
    about = {r[0].value: r[1].value for r in wb["说明"].iter_rows() if r[0].value}
    assert about["年度"] == "2024年" and about["范围"] == "全市" and about["生成日期"] == dt.datetime(2025, 1, 15)


def test_every_rate_in_the_workbook_is_a_formatted_number_beside_counts(pack_for):
    wb = workbook(pack_for(scope(2024)))
    for ws in wb.worksheets[1:]:
        header = [c.value for c in ws[1]]
        for j, name in enumerate(header):
            if name.removesuffix("（%）").endswith(("率", "比例")):
                for row in ws.iter_rows(min_row=2, min_col=j + 1, max_col=j + 1):
                    cell = row[0]
                    if cell.value not in (None, "—"):
                        assert isinstance(cell.value, float | int) and cell.number_format == "0.0%", (ws.title, name)
        assert all(ws.column_dimensions[c].width >= 8 for c in "AB"), ws.title


# The form of the document (GB/T 9704) ----------------------------------------------------------
def document(pack):
    return docx.Document(io.BytesIO(pack.files[pack.docx_name]))


def styled(d, style_name: str) -> list[str]:
    return [plain(p.text) for p in d.paragraphs if p.style.name == style_name]


def east_asian(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_document_is_set_as_an_official_report(pack_for, monkeypatch):
    d = document(pack_for(scope(2024)))
    normal = d.styles["Normal"]
    assert east_asian(normal) == "仿宋" and normal.font.size == Pt(16)  # 三号
    pf = normal.paragraph_format
    assert (pf.line_spacing_rule, pf.line_spacing, pf.first_line_indent) == (WD_LINE_SPACING.EXACTLY, Pt(28), Pt(32))
    title = d.styles["Title"]
    assert (east_asian(title), title.font.size, title.font.bold) == ("宋体", Pt(22), True)  # 二号, bold
    assert east_asian(d.styles["Heading 1"]) == "黑体" and east_asian(d.styles["Heading 2"]) == "楷体"
    texts = [plain(p.text) for p in d.paragraphs]
    assert texts[0] == "2024年全市中小学校党建工作情况报告"
    # No dashboard-style filter table or "…生成" subtitle up front: the body opens with scope and date.
    assert texts[2] == "一、党组织覆盖情况" and texts[3].startswith("截至2024年底，全市")
    assert "筛选条件" not in "".join(texts) and not any("生成" in t for t in texts[:3])
    assert styled(d, "Heading 1")[:2] == ["一、党组织覆盖情况", "二、党组织设置情况"]
    assert styled(d, "Heading 2")[0] == "（一）主要指标"
    # 附件说明, then the issuing unit and the date in Chinese, right-aligned, before the attachment.
    assert styled(d, "附件说明") == ["附件：2024年全市中小学校党建工作统计表"]
    signature = [p for p in d.paragraphs if p.style.name == "落款"]
    assert [plain(p.text) for p in signature] == ["商洛市教育局", "2025年1月15日"]
    assert all(p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in signature)
    assert texts.index("商洛市教育局") < texts.index("附件") < texts.index("表1 主要指标")
    # The 说明 closes the document: source, scope and filters, when it was made.
    explained = styled(d, "说明")
    assert explained[0].startswith("1．数据来源：各校填报并经审核发布的党建统计数据（")
    assert explained[1] == "2．统计范围：2024年，包括全部2个县区；乡镇（街道）、学段、办学性质、城乡分类不限。"
    assert explained[-1] == "4．本材料由中小学校党建数据看板于2025年1月15日生成。"
    assert texts.index("说明：") > texts.index("表1 主要指标")


def test_issuer_is_set_once_or_named_after_the_region(get, handmade_dir, monkeypatch):
    monkeypatch.delenv("DASHBOARD_ISSUER", raising=False)
    county = make_pack(get, scope(2023, county=h.SHANYANG), data_dir=handmade_dir, charts=False, today=TODAY)
    assert styled(document(county), "落款") == ["山阳县教育局", "2025年1月15日"]
    monkeypatch.setenv("DASHBOARD_ISSUER", "商洛市教育局党工委")
    both = make_pack(get, scope(2023, county=h.SHANYANG), data_dir=handmade_dir, charts=False, today=TODAY)
    assert styled(document(both), "落款") == ["商洛市教育局党工委", "2025年1月15日"]


RATE_TEXT = re.compile(r"\d+(?:\.\d+)?%（\d+/\d+）")
COUNTED = re.compile(r"\d+(?:\.\d+)?(?:个百分点|[%所个名])")


def test_no_rate_or_number_can_break_across_lines(pack_for):
    """Each rate and each number with its unit is in one run with a word joiner between every two
    characters, so no line breaks inside it (LibreOffice honours it: docs/report.md)."""
    d = document(pack_for(scope(2024)))
    runs = [r.text for p in d.paragraphs for r in p.runs]
    runs += [r.text for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    rates = counted = 0
    for text in runs:
        bare = plain(text)
        for pattern in (RATE_TEXT, COUNTED):
            for m in pattern.finditer(bare):
                assert WJ.join(m.group()) in text, (m.group(), text)
                rates += pattern is RATE_TEXT
                counted += pattern is COUNTED
    assert rates >= 20 and counted >= 30  # the key-figures table and the paragraphs are full of them


def test_rates_are_written_alone_only_beside_their_counts(pack_for):
    tables = doc_tables(pack_for(scope(2023)))
    by_stage = next(t for t in tables if t[0][0] == "学段")
    # The document shows this table without its covered-schools column, so the rate keeps its counts.
    assert by_stage[0][:3] == ["学段", "学校数（所）", "党组织覆盖率"]
    assert by_stage[-1][:3] == ["合计", "5", "80.0%（4/5）"]


def test_progress_says_which_chart_of_how_many(get, handmade_dir, monkeypatch):
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (8, 4), "white").save(buf, "PNG")

    class Renderer:  # stands in for Chromium: the steps are what is tested here
        def render(self, fig):
            return render.Image(png=buf.getvalue(), svg=b"<svg/>", doc_png=buf.getvalue(), width=800, height=400)

    monkeypatch.setattr(render, "check_renderer", lambda: [])
    steps = []
    pack = make_pack(get, scope(2024), data_dir=handmade_dir, renderer=Renderer(), today=TODAY,
                     progress=lambda fraction, text: steps.append((fraction, text)))
    n = len(pack.report.charts)
    charts_ = [t for _, t in steps if t.startswith("图表 ")]
    assert charts_ == [f"图表 {i}/{n}：{c.title}" for i, c in enumerate(pack.report.charts, start=1)]
    assert [t for _, t in steps[-3:-1]] == ["Word 文档：正在生成……", "Excel 统计表：正在生成……"]
    assert re.fullmatch(r"已完成，用时\d+\.\d秒", steps[-1][1])
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    # One caption per figure, under it, numbered as the pack's image files are.
    d = document(pack)
    captions = styled(d, "图题")
    assert len(captions) == len(d.inline_shapes) == len([p for p in pack.files if p.endswith(".png")])
    assert captions[0] == "图1 2024年全市各县区党组织覆盖率"


# Scopes ------------------------------------------------------------------------------------------
def test_empty_scope_says_so_instead_of_failing(pack_for):
    pack = pack_for(scope(2024, stage="特殊教育学校"))
    assert pack.report.empty and not pack.problems
    assert sorted(p.rsplit(".", 1)[-1] for p in pack.files) == ["docx", "xlsx"]
    assert paragraphs(pack)[0] == "2024年全市特殊教育学校党建工作情况报告"
    assert any("当前筛选范围内没有学校" in p for p in paragraphs(pack))
    wb = workbook(pack)
    assert wb.sheetnames == ["说明"]
    assert any("当前筛选范围内没有学校" in str(c.value) for row in wb["说明"].iter_rows() for c in row)
    names = zipfile.ZipFile(io.BytesIO(pack.zip_bytes())).namelist()
    assert names == [f"{pack.name}/{p}" for p in pack.files]
    assert pack.zip_name == "2024年_全市特殊教育学校_党建工作报告材料.zip"


def test_county_scope_names_the_county_and_drops_county_breakdowns(pack_for):
    pack = pack_for(scope(2023, county=h.SHANYANG))
    assert pack.zip_name == "2023年_山阳县_党建工作报告材料.zip"
    text = "\n".join(paragraphs(pack))
    assert "截至2023年底，山阳县共有中小学校（幼儿园）2所。其中，党组织覆盖1所，覆盖率50.0%" in text
    assert not [s for s in workbook(pack).sheetnames if "各县区" in s]


def test_a_caller_who_sees_one_county_gets_that_county_only(pack_for):
    """A 县区 user (visible set narrowed by access control) is never shown the city's figures,
    and the pack does not call their county "全市"."""
    pack = pack_for(scope(2024, visible=(h.SHANYANG,)))
    text = "\n".join(paragraphs(pack))
    assert pack.report.subject == "山阳县" and "全市" not in text
    assert "截至2024年底，山阳县共有中小学校（幼儿园）2所" in text
    assert "商州区" not in text
    nobody = pack_for(scope(2024, visible=()))  # e.g. a user whose counties are not in this extract
    assert nobody.report.empty and nobody.report.subject == "（无可查看的县区）"


def _args(**kw):
    base = dict(year=2024, county=[], combined=False, township=None, stage=None, ownership=None, locale=None)
    return argparse.Namespace(**{**base, **kw})


def test_cli_scopes_never_widen_the_visible_counties():
    whole = cli.scopes(_args(), BOTH)
    assert [(s.county, s.visible_counties) for s in whole] == [(None, BOTH)]
    one_each = cli.scopes(_args(county=[h.SHANYANG, h.SHANGZHOU]), BOTH)
    assert [(s.county, s.visible_counties) for s in one_each] == [
        (h.SHANYANG, (h.SHANYANG, h.SHANGZHOU)), (h.SHANGZHOU, (h.SHANYANG, h.SHANGZHOU))]
    together = cli.scopes(_args(county=[h.SHANYANG], combined=False, township="高坝店镇"), BOTH)
    assert [(s.county, s.township, s.visible_counties) for s in together] == [(h.SHANYANG, "高坝店镇", (h.SHANYANG,))]
    combined = cli.scopes(_args(county=[h.SHANGZHOU, h.SHANYANG], combined=True, stage="小学"), BOTH)
    assert [(s.county, s.stage, s.visible_counties) for s in combined] == [(None, "小学", (h.SHANGZHOU, h.SHANYANG))]
    by_name = cli.scopes(_args(county=["山阳县"]), BOTH, {h.SHANGZHOU: "商州区", h.SHANYANG: "山阳县"})
    assert [(s.county, s.visible_counties) for s in by_name] == [(h.SHANYANG, (h.SHANYANG,))]
    for bad in (_args(county=["999999"]), _args(township="城关街道"), _args(county=[h.SHANYANG], combined=True)):
        with pytest.raises(ValueError):
            cli.scopes(bad, BOTH)


def test_cli_writes_the_pack(handmade_dir, tmp_path, capsys):
    from dashboard.__main__ import main

    out = tmp_path / "out"
    assert main(["report", "--year", "2024", "--data", str(handmade_dir), "--out", str(out), "--no-charts",
                 "--county", h.SHANGZHOU, "--county", h.SHANYANG, "--combined"]) == 0
    zip_path = out / "2024年_全市_党建工作报告材料.zip"
    assert zip_path.is_file()
    folder = out / "2024年_全市_党建工作报告材料"
    assert (folder / "2024年_全市_党建工作报告.docx").is_file()
    assert (folder / "2024年_全市_党建工作统计表.xlsx").is_file()
    shown = capsys.readouterr().out.splitlines()
    steps = [line.split("] ", 1)[1] for line in shown if line.startswith("  [")]
    assert steps[0] == "正在汇总数据……" and steps[-3:-1] == ["Word 文档：正在生成……", "Excel 统计表：正在生成……"]
    assert re.fullmatch(r"已完成，用时\d+\.\d秒", steps[-1])
    assert re.fullmatch(r"全部完成，共1份材料，全部用时\d+\.\d秒", shown[-1])
    assert main(["report", "--year", "1999", "--data", str(handmade_dir), "--out", str(out)]) == 2
    assert "可用的年度：2023、2024" in capsys.readouterr().err


def test_demo_pack_states_the_published_2018_figures(tmp_path_factory):
    """The demo extract reproduces 商洛市's published figures (seed 000); the pack must say them."""
    from dashboard import db, demo, extract

    d = tmp_path_factory.mktemp("demo")
    extract.write_tables(demo.generate(), d, demo=True)
    con = db.open_extract(d)
    counties = db.all_county_codes(con)
    pack = make_pack(db.runner(con), Scope(2018, visible_counties=counties, all_visible=True), data_dir=d, charts=False)
    text = "\n".join(paragraphs(pack))
    for fragment in ("本材料由演示数据生成", "全市建立一级党组织455个，其中党委5个、党总支53个",
                     "单独建立党组织241个，通过联合组建、挂靠组建等形式建立党组织214个",
                     "公办学校党组织418个，民办学校党组织37个", "实现党的组织和工作全覆盖",
                     "全市依托学校建立的一级党组织455个，其中书记、校长“一肩挑”的335个，占73.6%",
                     "全市累计创建党建示范校46所", "全市学校共有党员7152名"):
        assert fragment in text, fragment
    assert pack.zip_name == "2018年_全市_党建工作报告材料.zip"


def test_a_scope_without_any_combined_post_says_so_in_words(get):
    """山阳县 2024: its one organisation's secretary post is vacant (2023: 一肩挑), so none is
    combined; a report writes that, not "“一肩挑”的0个，占0.0%"."""
    text = summary.leadership_paragraph(figures.headline(get, scope(2024, county=h.SHANYANG)), "山阳县")
    assert text == ("山阳县依托学校建立的一级党组织1个，没有书记、校长“一肩挑”的党组织，较上年下降100.0个百分点；"
                    "书记空缺的1个，占100.0%。")
