"""The report as a Word document (.docx), laid out like a bureau's written material.

A4 with the margins of the national standard for official documents (GB/T 9704), 仿宋 body
text in 三号, 黑体 headings and 宋体 tables. Chinese font names go into the East Asian slot of
each style (w:eastAsia): Word otherwise draws Chinese in whatever the theme says.
"""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.metrics import DASH, Rate, count
from dashboard.report.content import Report
from dashboard.sections.blocks import Table
from dashboard.report.render import Image

BODY_FONT, HEADING_FONT, TABLE_FONT, TITLE_FONT, CAPTION_FONT = "仿宋", "黑体", "宋体", "宋体", "楷体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TEXT_WIDTH = Cm(15.6)  # A4 (21 cm) less the 2.8 cm and 2.6 cm side margins
BLACK = RGBColor(0, 0, 0)
CELL_STYLE_ID = "表格文字"


def write_docx(report: Report, images: dict[int, Image], sources: list[tuple[str, str]],
               problems: list[str]) -> bytes:
    """The document; `images` maps a chart's index in `report.charts` to its rendered image."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    # The template's own properties say "python-docx", 2013; Word shows them under 信息.
    props = doc.core_properties
    props.title, props.subject, props.author = report.title, report.subject, "中小学校党建数据看板"
    props.last_modified_by, props.revision = "中小学校党建数据看板", 1
    props.created = props.modified = dt.datetime.combine(report.generated, dt.time())
    props.comments, props.keywords = "由中小学校党建数据看板自动生成", "党建，统计，报告"

    _para(doc, report.title, "Title")
    _para(doc, report.subtitle, "Subtitle")
    if report.demo:
        p = _para(doc, "", "说明")
        run = p.add_run("本材料由演示数据生成，学校、党组织和各项数字均为虚构，不代表任何真实情况。")
        run.bold, run.font.color.rgb = True, RGBColor(0xB7, 0x1C, 0x1C)
    _filters_table(doc, report.filters + sources)

    if report.empty:
        doc.add_paragraph(report.empty_message)
        _problems(doc, problems)
        return _bytes(doc)

    numbers = {id(t): i + 1 for i, t in enumerate(report.tables)}
    if report.key_figures is not None:
        _para(doc, "主要指标", "Heading1")
        _table(doc, report.key_figures, numbers[id(report.key_figures)])
    chart_no = 0
    for section in report.sections:
        _para(doc, section.heading, "Heading1")
        for text in section.paragraphs:
            doc.add_paragraph(text)
        for chart in section.charts:
            chart_no += 1
            image = images.get(chart_no - 1)
            if image is not None:
                p = _para(doc, "", "图片")
                p.add_run().add_picture(io.BytesIO(image.png), width=TEXT_WIDTH)
                _para(doc, f"图{chart_no} {chart.title}", "图题")
        for table in section.tables:
            _table(doc, table, numbers[id(table)])
    _problems(doc, problems)
    return _bytes(doc)


def _table(doc, table: Table, number: int) -> None:
    _para(doc, f"表{number} {table.title}", "Caption")
    if not table.rows:
        _para(doc, "（无）", "表注")
        return
    keys = table.keys
    cols = [keys.index(k) for k in (table.doc_columns or keys)]
    shown = table.rows[: table.doc_max_rows] if table.doc_max_rows else table.rows
    t = doc.add_table(rows=1 + len(shown), cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    _repeat_header(header)
    texts = [[cell_text(values[i]) for i in cols] for values in shown]
    titles = [c.title for c in table.columns]
    for cell, i in zip(header.cells, cols):
        _cell(cell, titles[i], bold=True, shade=True)
    widest = [max(_display_width(r[j]) for r in texts) for j in range(len(cols))]
    # Names read from the left; codes, counts, rates and dates line up centred.
    left = [j == 0 or (w > 16 and all(isinstance(v[i], str) for v in shown))
            for j, (i, w) in enumerate(zip(cols, widest))]
    for row, values, row_texts in zip(t.rows[1:], shown, texts):
        for j, (cell, text) in enumerate(zip(row.cells, row_texts)):
            _cell(cell, text, bold=values[0] == "合计", left=left[j])
    # Headers may wrap onto two or three lines, and long names wrap rather than squeeze every
    # other column; the rest is as wide as its longest value (+2: the cell's own margins).
    _widths(t, [min(max(min(_display_width(titles[i]), 10), w, 4), 24) + 2 for i, w in zip(cols, widest)])
    notes = []
    if len(shown) < len(table.rows):
        notes.append(f"仅列出前{len(shown)}条，共{len(table.rows)}条，完整名单见统计表中的“表{number} {table.title}”。")
    # A table whose own note already points to the workbook needs no second pointer.
    if table.doc_columns and len(cols) < len(table.columns) and "统计表" not in table.note:
        notes.append(f"更多栏目见统计表中的“表{number}”。")
    if table.note:
        notes.append(table.note)
    if notes:
        _para(doc, "注：" + "".join(notes), "表注")


def cell_text(v) -> str:
    """A cell as the document writes it: rates with numerator and denominator, counts with
    thousands separators past 10,000, a dash for nothing."""
    if v is None:
        return DASH
    if isinstance(v, Rate):
        return v.pct if v.unit != "%" else str(v)
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return count(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _filters_table(doc, rows: list[tuple[str, str]]) -> None:
    _para(doc, "筛选条件与数据来源", "Caption")
    t = doc.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (k, v) in zip(t.rows, rows):
        _cell(row.cells[0], k, bold=True, shade=True)
        _cell(row.cells[1], v, left=True)
    _widths(t, [1, 3])


def _widths(t, weights: list[float]) -> None:
    """Fixed column widths across the text column, in proportion to `weights`. Word reads the
    cells' widths and LibreOffice the table grid's, so both are set."""
    t.autofit = False
    total = sum(weights)
    widths = [int(TEXT_WIDTH * w / total) for w in weights]
    for col, w in zip(t.columns, widths):
        col.width = w
    for row in t.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def _display_width(text: str) -> int:
    """Width in half-width characters: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _problems(doc, problems: list[str]) -> None:
    if problems:
        _para(doc, "说明：本材料未包含部分或全部图表图片。" + ";".join(problems), "表注")


def _para(doc, text: str, style_id: str):
    """A paragraph in a style given by id: python-docx finds a style by name by scanning them all."""
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().style = style_id
    return p


def _cell(cell, text: str, bold: bool = False, shade: bool = False, left: bool = False) -> None:
    p = cell.paragraphs[0]
    # By id, not by name: python-docx looks a name up by scanning every style, per cell.
    p._p.get_or_add_pPr().style = CELL_STYLE_ID
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold or None
    if shade:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), "F2F2F2")
        cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    """A long table repeats its header row on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


# Page and styles ------------------------------------------------------------------------------
def _page_setup(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Cm(21), Cm(29.7)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    s.footer_distance = Cm(2.5)
    p = s.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    _page_field(p.add_run())
    p.add_run(" —")


def _page_field(run) -> None:
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _styles(doc) -> None:
    st = doc.styles
    normal = st["Normal"]
    _font(normal, BODY_FONT, BODY_SIZE)
    pf = normal.paragraph_format
    pf.first_line_indent = BODY_SIZE * 2  # two characters, as official text is indented
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = st["Title"]
    _font(title, TITLE_FONT, Pt(22), bold=True)
    _plain_paragraph(title, WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(6))
    _no_border(title)
    subtitle = st["Subtitle"]
    _font(subtitle, CAPTION_FONT, Pt(14))
    subtitle.font.italic = False
    _plain_paragraph(subtitle, WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(12))

    h1 = st["Heading 1"]
    _font(h1, HEADING_FONT, BODY_SIZE, bold=False)
    h1.paragraph_format.first_line_indent = BODY_SIZE * 2
    h1.paragraph_format.space_before, h1.paragraph_format.space_after = Pt(12), Pt(0)
    h1.paragraph_format.line_spacing_rule, h1.paragraph_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)

    caption = st["Caption"]
    _font(caption, HEADING_FONT, Pt(12), bold=False)
    _plain_paragraph(caption, WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(6), space_after=Pt(4))
    caption.paragraph_format.keep_with_next = True

    # A figure's title sits under it, so unlike a table's it must not hold on to what follows:
    # a chain of kept paragraphs would push a whole section onto the next page.
    figure_title = st.add_style("图题", 1)
    figure_title.base_style = caption
    figure_title.paragraph_format.keep_with_next = False
    figure_title.paragraph_format.space_after = Pt(10)

    cell = st.add_style("表格文字", 1)
    assert cell.style_id == CELL_STYLE_ID
    cell.base_style = normal
    _font(cell, TABLE_FONT, Pt(10.5))
    _plain_paragraph(cell, WD_ALIGN_PARAGRAPH.CENTER)

    note = st.add_style("表注", 1)
    note.base_style = normal
    _font(note, CAPTION_FONT, Pt(10.5))
    _plain_paragraph(note, WD_ALIGN_PARAGRAPH.LEFT, space_before=Pt(2), space_after=Pt(8))

    explain = st.add_style("说明", 1)
    explain.base_style = normal
    _font(explain, BODY_FONT, Pt(12))
    _plain_paragraph(explain, WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(8))

    # Exact line spacing would crop an inline picture to one line's height.
    picture = st.add_style("图片", 1)
    picture.base_style = normal
    _plain_paragraph(picture, WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(6))
    picture.paragraph_format.keep_with_next = True


def _plain_paragraph(style, align, space_before=Pt(0), space_after=Pt(0)) -> None:
    pf = style.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.alignment = align
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.SINGLE, 1.0
    pf.space_before, pf.space_after = space_before, space_after


def _font(style, east_asian: str, size, bold: bool | None = None) -> None:
    font = style.font
    font.name, font.size, font.color.rgb = LATIN_FONT, size, BLACK
    if bold is not None:
        font.bold = bold
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    # Theme font attributes override explicit names, so the template's must go.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        r_fonts.attrib.pop(qn(attr), None)
    r_fonts.set(qn("w:eastAsia"), east_asian)
    r_fonts.set(qn("w:ascii"), LATIN_FONT)
    r_fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _no_border(style) -> None:
    """The template's Title has a blue rule under it; an official title has none."""
    p_pr = style.element.get_or_add_pPr()
    for el in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(el)


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
