"""The report as a Word document (.docx) in the form of a bureau's 情况报告 (GB/T 9704-2012).

The 正文 is what a bureau files: the title (二号 宋体 bold, centred: 方正小标宋 is not on every
machine, and the title must not change face from one office to the next), the body in 仿宋 三号
on a fixed 28 pt line (22 lines a page) with two-character indents, "一、" headings in 黑体, the
附件说明, and the 落款 (issuing unit, config.issuer, and the date in Chinese, right-aligned). The
charts and tables follow as 附件1 统计图 and 附件2 统计表, each from a new page with "附件N" and its
title, grouped under "（一）" sub-headings in 楷体; each figure captioned once under it (its
picture is drawn without the chart's own title), each table once above it. The 说明 closes the
document: where the data come from, the scope and filters, how rates are written, when it was made.

Chinese font names go into the East Asian slot of each style (w:eastAsia): Word otherwise draws
Chinese in whatever the theme says. A rate ("73.6%（335/455）"), a number with its unit ("170所")
and a date never break across lines: their characters are tied by U+2060 WORD JOINER, which
LibreOffice honours (checked on the converted pages, docs/report.md) and which is invisible.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from dashboard import config
from dashboard.metrics import DASH, Rate, count
from dashboard.report.content import ALL, Report
from dashboard.report.render import Image
from dashboard.report.workbook import heading
from dashboard.sections.blocks import RATE, Table

BODY_FONT, HEADING_FONT, SUB_FONT, TABLE_FONT, TITLE_FONT = "仿宋", "黑体", "楷体", "宋体", "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)         # 三号
TITLE_SIZE = Pt(22)        # 二号
CAPTION_SIZE = Pt(14)      # 四号
TABLE_SIZE = Pt(10.5)      # 五号
SMALL_TABLE_SIZE = Pt(9)   # 小五, for a table whose numbers would not fit in 五号
CELL_MARGINS = Cm(0.38)    # a cell's left and right margins, 0.19 cm each (Word's default)
SHORT_LABEL = 10           # a cell of up to five characters is a word that does not wrap
WIDTH_SLACK = 1.08         # Latin glyphs ("%" is wider than half an em) and rounding
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE = Pt(28)              # 22 lines of 28 characters on the 156 × 225 mm text block
TEXT_WIDTH = Cm(15.6)      # A4 (21 cm) less the 2.8 cm and 2.6 cm side margins
# A ranking of many units shrinks to this height, which leaves room above it on the attachment's
# first page for "附件", its title and the first heading, and below it for the caption.
MAX_PICTURE_HEIGHT = Cm(15)
TITLE_CHARS = 20           # characters of 二号 in one line of the text block
BLACK = RGBColor(0, 0, 0)
CELL_STYLE_ID = "表格文字"
KEEP_WHOLE_ROWS = 15       # a table this short is kept on one page
WJ = "\u2060"              # WORD JOINER: no break here, no width
NUMERALS = "一二三四五六七八九十"

# What must stay on one line: ranges ("2018—2023年", "3—50人"), dates, a rate with its counts, a
# number with its unit.
_UNBREAKABLE = re.compile(
    r"\d+—\d+(?:个百分点|[%所个名年月日岁项次倍人])?|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日"
    r"|\d+(?:\.\d+)?%（\d+/\d+）|\d+(?:\.\d+)?(?:个百分点|[%所个名年月日岁项次倍人])?")
_HEADING_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
_LATIN_WORD = re.compile(r"[A-Za-z0-9._%/-]+")
# What follows w:autoSpaceDN in a w:pPr (the schema's order, which Word enforces).
_AFTER_AUTOSPACE = ("w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def nobreak(text: str) -> str:
    """The text with every rate, number-with-unit and date tied together by word joiners, between
    every two of its characters: LibreOffice breaks a line even between two digits ("1" / "1个")
    when a number sits in Chinese text."""
    return _UNBREAKABLE.sub(lambda m: WJ.join(m.group()), text)


def chinese_date(d: dt.date) -> str:
    """"2026年12月1日", as the 成文日期 and running text write a date."""
    return f"{d.year}年{d.month}月{d.day}日"


def issuer(report: Report) -> str:
    rows = dict(report.filters)
    county = rows.get("县区") if report.scope.county else None
    return config.issuer(None if report.city == "全辖区" else report.city, county)


def write_docx(report: Report, images: dict[int, Image], sources: list[tuple[str, object]],
               problems: list[str]) -> bytes:
    """The document; `images` maps a chart's index in `report.charts` to its rendered image."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    # The template's own properties say "python-docx", 2013; Word shows them under 信息.
    props = doc.core_properties
    props.title, props.subject, props.author = report.title, report.subject, issuer(report)
    props.last_modified_by, props.revision = "中小学校党建数据看板", 1
    props.created = props.modified = dt.datetime.combine(report.generated, dt.time())
    props.comments, props.keywords = "由中小学校党建数据看板自动生成", "党建，统计，报告"

    _title(doc, report.title, "Title")
    if report.demo:
        # Under the title, in brackets, where a filed document marks what it is ("（征求意见稿）"):
        # it survives black-and-white printing and copying and stays with the title when quoted.
        _para(doc, "（本材料由演示数据生成，内容均为虚构）", "题注")
    _para(doc, "", "Normal")  # GB/T 9704: a blank line under the title

    figures = [] if report.empty else _figures(report, images)
    tables = [] if report.empty else report.tables
    stem = report.title.removesuffix("情况报告")
    attachments = ([(f"{stem}统计图", lambda: _figure_pages(doc, report, figures))] if figures else []) + \
                  ([(f"{stem}统计表", lambda: _table_pages(doc, report))] if tables else [])
    last = _para(doc, report.empty_message, "Normal") if report.empty else None
    for section in report.sections:
        _para(doc, section.heading, "Heading1")
        for text in section.paragraphs:
            last = _para(doc, text, "Normal")
    if last is not None:
        # The 落款 never stands alone on a page: the text's last lines come along.
        last.paragraph_format.keep_with_next = True
    _enclosures(doc, [name for name, _ in attachments])
    _signature(doc, issuer(report), report.generated)
    for n, (name, write) in enumerate(attachments, start=1):
        p = _para(doc, f"附件{n}" if len(attachments) > 1 else "附件", "附件")
        p.paragraph_format.page_break_before = True
        _title(doc, name, "附件标题")
        write()
    _explanation(doc, report, sources, problems, bool(attachments))
    return _bytes(doc)


def _figures(report: Report, images: dict[int, Image]) -> list[tuple[str, list]]:
    """The drawn figures by section, numbered in order: [(group, [(number, chart, image)])]."""
    groups, number = [], 0
    index = {id(c): i for i, c in enumerate(report.charts)}
    for section in report.sections:
        drawn = []
        for chart in section.charts:
            image = images.get(index[id(chart)])
            if image is not None and image.doc_png:
                number += 1
                drawn.append((number, chart, image))
        if drawn:
            groups.append((_HEADING_NUMBER.sub("", section.heading), drawn))
    return groups


def _figure_pages(doc, report: Report, groups) -> None:
    for g, (group, drawn) in enumerate(groups):
        _para(doc, f"（{NUMERALS[g]}）{group}", "Heading2")
        for number, chart, image in drawn:
            p = _para(doc, "", "图片")
            width = min(TEXT_WIDTH, Emu(int(MAX_PICTURE_HEIGHT * image.width / image.height)))
            p.add_run().add_picture(io.BytesIO(image.doc_png), width=width)
            _para(doc, f"图{number} {figure_title(chart)}", "图题")


def _table_pages(doc, report: Report) -> None:
    numbers = {id(t): i + 1 for i, t in enumerate(report.tables)}
    groups = []
    if report.key_figures is not None:
        groups.append(("主要指标", [report.key_figures]))
    groups += [(_HEADING_NUMBER.sub("", s.heading), s.tables) for s in report.sections if s.tables]
    for g, (group, tables) in enumerate(groups):
        _para(doc, f"（{NUMERALS[g]}）{group}", "Heading2")
        for table in tables:
            _table(doc, table, numbers[id(table)])


def _enclosures(doc, names: list[str]) -> None:
    """The 附件说明 under the text: "附件：" then the names, numbered when there are several, the
    later ones aligned under the first (GB/T 9704-2012 7.3.4)."""
    if not names:
        return
    if len(names) == 1:
        _para(doc, f"附件：{names[0]}", "附件说明")
        return
    for i, name in enumerate(names, start=1):
        p = _para(doc, f"{'附件：' if i == 1 else ''}{i}．{name}", "附件说明")
        if i > 1:
            p.paragraph_format.first_line_indent = BODY_SIZE * 5  # under the first name: 2 + "附件："
            p.paragraph_format.space_before = Pt(0)


def figure_title(chart) -> str:
    """The caption of a figure: its title as the figure has it, with any note the figure adds
    ("（共20个，显示排名前15和后15位）"), as plain text."""
    drawn = chart.figure.layout.title.text or ""
    drawn = html.unescape(re.sub(r"<[^>]+>", "", drawn))
    return drawn if drawn.startswith(chart.title) else chart.title


def _signature(doc, unit: str, date: dt.date) -> None:
    """The 落款: the unit two characters from the right edge, the date under it starting two
    characters to the right of the unit's first character; a date longer than that keeps two
    characters from the edge and pushes the unit left instead (GB/T 9704-2012 7.3.5.2)."""
    day = chinese_date(date)
    wu, wd = _chars(unit), _chars(day)
    date_right = max(wu - wd, 2)
    unit_right = date_right + wd + 2 - wu
    for text, right, before in ((unit, unit_right, LINE), (day, date_right, Pt(0))):
        p = _para(doc, text, "落款")
        p.paragraph_format.right_indent = Emu(int(BODY_SIZE * right))
        p.paragraph_format.space_before = before
        p.paragraph_format.keep_with_next = text == unit


def _chars(text: str) -> float:
    """Width in characters of 三号: a Chinese character is one, a digit half."""
    return _display_width(text) / 2


def _explanation(doc, report: Report, sources, problems: list[str], attached: bool) -> None:
    """The 说明 that closes the document: source, scope and filters, how figures are written."""
    src = dict(sources)
    updated = src.get("数据更新时间")
    kind = "演示数据" if report.demo else str(src.get("数据来源", "各校填报并经审核发布的党建统计数据"))
    when = f"（{chinese_date(updated)}更新）" if isinstance(updated, dt.datetime) else ""
    fiction = "，学校、党组织和各项数字均为虚构，不代表任何真实情况" if report.demo else ""
    items = [f"数据来源：{kind}{when}{fiction}。", f"统计范围：{scope_sentence(report)}。"]
    if attached:
        items.append("比例保留一位小数，四舍五入；括号内为分子和分母，如“73.6%（335/455）”；表中已列出分子、分母的，"
                     "比例栏只写百分数；合计行的比例由合计数计算。各项指标的口径见统计表（Excel）中的“说明”工作表。")
    if problems:
        items.append("本材料未包含部分或全部图表图片：" + "；".join(p.rstrip("。") for p in problems) + "。")
    items.append(f"本材料由{config.APP_TITLE}于{chinese_date(report.generated)}生成。")
    p = _para(doc, "说明：", "说明标题")
    p.paragraph_format.space_before = LINE
    for i, item in enumerate(items, start=1):
        # Kept together: a 说明 is read as one block, never a lone item on the last page.
        _para(doc, f"{i}．{item}", "说明").paragraph_format.keep_with_next = i < len(items)


def scope_sentence(report: Report) -> str:
    """"2023年，山阳县；乡镇（街道）、学段、办学性质、城乡分类不限": the filters in words."""
    rows = report.filters
    year = next(v for k, v in rows if k == "年度")
    chosen = [v for k, v in rows if k not in ("年度", "包含的县区") and v != ALL]
    unlimited = [k for k, v in rows if k not in ("年度", "包含的县区", "县区") and v == ALL]
    included = next((v for k, v in rows if k == "包含的县区"), None)
    parts = [year, *chosen]
    if included:
        parts.append(f"包括{included}")
    text = "，".join(parts)
    return text + (f"；{'、'.join(unlimited)}不限" if unlimited else "")


# Tables ------------------------------------------------------------------------------------------
def _table(doc, table: Table, number: int) -> None:
    _para(doc, f"表{number} {table.title}", "Caption")
    if not table.rows:
        _para(doc, "（无）", "无表")
        return
    keys = table.keys
    cols = [keys.index(k) for k in (table.doc_columns or keys)]
    shown_keys = {keys[i] for i in cols}
    shown = table.rows[: table.doc_max_rows] if table.doc_max_rows else table.rows
    # A rate whose counts are columns of the same table is written as its percentage alone.
    short = [table.columns[i].kind == RATE and table.columns[i].of is not None
             and set(table.columns[i].of) <= shown_keys for i in cols]
    texts = [[cell_text(values[i], sh) for i, sh in zip(cols, short)] for values in shown]
    titles = [heading(table.columns[i]) for i in cols]
    widths, size = column_widths(titles, texts)
    t = doc.add_table(rows=1 + len(shown), cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    _repeat_header(header)
    for cell, title in zip(header.cells, titles):
        _cell(cell, title, bold=True, shade=True, size=size)
    widest = [max(_display_width(r[j]) for r in texts) for j in range(len(cols))]
    # Names read from the left; codes, counts, rates and dates line up centred.
    left = [j == 0 or (w > 16 and all(isinstance(v[i], str) for v in shown))
            for j, (i, w) in enumerate(zip(cols, widest))]
    total = table.total and len(shown) == len(table.rows)
    for r, (row, row_texts) in enumerate(zip(t.rows[1:], texts)):
        for j, (cell, text) in enumerate(zip(row.cells, row_texts)):
            _cell(cell, text, bold=total and r == len(shown) - 1, left=left[j], size=size)
    _widths(t, widths)
    notes = []
    if len(shown) < len(table.rows):
        notes.append(f"仅列出前{len(shown)}条，共{len(table.rows)}条，完整名单见统计表（Excel）中的“表{number}”。")
    # A table whose own note already points to the workbook needs no second pointer.
    if table.doc_columns and len(cols) < len(table.columns) and "统计表" not in table.note:
        notes.append(f"更多栏目见统计表（Excel）中的“表{number}”。")
    if table.note:
        notes.append(table.note)
    _keep_together(t, bool(notes))
    if notes:
        _para(doc, "注：" + "".join(notes), "表注")
    else:
        _para(doc, "", "表后")


def cell_text(v, short: bool = False) -> str:
    """A cell as the document writes it: a rate with its numerator and denominator (or its
    percentage alone when the table has them as columns), a dash for nothing."""
    if v is None:
        return DASH
    if isinstance(v, Rate):
        return v.pct if short or v.unit != "%" else str(v)
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return count(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _keep_together(t, noted: bool) -> None:
    """No row splits across pages. A short table stays on one page with its caption; a long one
    keeps its caption, header and first two rows together, and its last two rows with its note,
    so no page holds a lone row."""
    rows = list(t.rows)
    for row in rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
    n = len(rows)
    if n <= KEEP_WHOLE_ROWS + 1:
        kept = range(n - (0 if noted else 1))
    else:
        kept = [*range(3), *range(n - (2 if noted else 1) - 1, n - (0 if noted else 1))]
    for i in kept:
        for cell in rows[i].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def column_widths(titles: list[str], texts: list[list[str]]) -> tuple[list[int], Pt]:
    """Column widths (EMU) across the text block and the type size of a table.

    Each column gets at least its widest unbreakable piece (a rate, a number with its unit, a
    date: what must not wrap) and a header of at most three lines; what is left goes to the
    columns whose text would like more room (names wrap, numbers do not). When even the minimums
    do not fit in 五号, the table is set in 小五."""
    columns = [[row[j] for row in texts] for j in range(len(titles))]
    want = [max([_display_width(c) for c in col] + [_header_want(title)]) for title, col in zip(titles, columns)]
    need = [max([_unbreakable_width(c) for c in col] + [_header_need(title)]) for title, col in zip(titles, columns)]
    want = [max(w, n) for w, n in zip(want, need)]
    for size in (TABLE_SIZE, SMALL_TABLE_SIZE):
        half = size * WIDTH_SLACK / 2                  # one half-width character of this size
        margin = CELL_MARGINS / half                   # each cell's left and right margins
        room = TEXT_WIDTH / half - margin * len(titles)
        if sum(need) <= room:
            break
    spare, extra = room - sum(need), [w - n for w, n in zip(want, need)]
    if spare <= 0:
        chars = need                                   # too wide even in 小五: shrink in proportion
    elif sum(extra) <= spare:
        # Everything fits on one line: the rest of the block is shared in proportion to the text.
        chars = [w + (spare - sum(extra)) * w / sum(want) for w in want]
    else:
        chars = [n + spare * e / sum(extra) for n, e in zip(need, extra)]
    total = sum(c + margin for c in chars)
    return [int(TEXT_WIDTH * (c + margin) / total) for c in chars], size


def _unbreakable_width(text: str) -> int:
    """The widest piece of a cell that may not wrap: a short label whole ("即将到期", "党总支"),
    else a rate, a number with its unit or a Latin word, or one Chinese character."""
    if _display_width(text) <= SHORT_LABEL:
        return _display_width(text)
    pieces = [m.group() for m in _UNBREAKABLE.finditer(text) if m.group()] + _LATIN_WORD.findall(text)
    return max([_display_width(p) for p in pieces] + [2])


def _header_want(title: str) -> int:
    """A header of up to six characters on one line, a longer one on two."""
    w = _display_width(title)
    return w if w <= 12 else -(-w // 4) * 2


def _header_need(title: str) -> int:
    """At most three lines of at least three characters."""
    w = _display_width(title)
    return min(w, max(6, -(-w // 6) * 2))


def _widths(t, widths: list[int]) -> None:
    """Fixed column widths. Word reads the cells' widths and LibreOffice the table grid's, so
    both are set."""
    t.autofit = False
    for col, w in zip(t.columns, widths):
        col.width = w
    for row in t.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def _display_width(text: str) -> int:
    """Width in half-width characters: a Chinese character takes two."""
    return sum(0 if ch == WJ else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _title(doc, text: str, style_id: str) -> None:
    """A title centred, broken (if it must be) between its subject and "…党建工作情况报告"
    rather than wherever the line ends."""
    p = _para(doc, "", style_id)
    if _chars(text) <= TITLE_CHARS:
        p.add_run(nobreak(text))
        return
    for suffix in ("中小学校党建工作情况报告", "党建工作情况报告", "中小学校党建工作统计表", "党建工作统计表"):
        if text.endswith(suffix) and len(text) > len(suffix):
            p.add_run(nobreak(text[: -len(suffix)]))
            p.add_run().add_break(WD_BREAK.LINE)
            p.add_run(nobreak(suffix))
            return
    p.add_run(nobreak(text))


def _para(doc, text: str, style_id: str):
    """A paragraph in a style given by id (python-docx finds a style by name by scanning them
    all), its text in one run with numbers and rates unbreakable."""
    p = doc.add_paragraph()
    p._p.get_or_add_pPr().style = style_id
    if text:
        p.add_run(nobreak(text))
    return p


def _cell(cell, text: str, bold: bool = False, shade: bool = False, left: bool = False, size=None) -> None:
    p = cell.paragraphs[0]
    # By id, not by name: python-docx looks a name up by scanning every style, per cell.
    p._p.get_or_add_pPr().style = CELL_STYLE_ID
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(nobreak(text))
    run.bold = bold or None
    if size is not None and size != TABLE_SIZE:
        run.font.size = size
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
    """A4, the margins of GB/T 9704 (天头 37 mm, 订口 28 mm: a 156 × 225 mm text block), and page
    numbers "— 1 —" in 4号 宋体 7 mm under the text block: odd pages on the right, even pages on
    the left, each one character in from the edge."""
    s = doc.sections[0]
    s.start_type = WD_SECTION.NEW_PAGE
    s.page_width, s.page_height = Cm(21), Cm(29.7)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    s.footer_distance = Cm(2.3)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        p = footer.paragraphs[0]
        p.alignment = align
        pf = p.paragraph_format
        pf.first_line_indent = Pt(0)
        setattr(pf, f"{side}_indent", PAGE_NUMBER_SIZE)
        for run in (p.add_run("— "), _page_field(p.add_run()), p.add_run(" —")):
            _run_font(run, TABLE_FONT, PAGE_NUMBER_SIZE)


def _page_field(run):
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    return run


def _run_font(run, east_asian: str, size) -> None:
    run.font.name, run.font.size = LATIN_FONT, size
    r_fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), east_asian)


def _styles(doc) -> None:
    st = doc.styles
    normal = st["Normal"]
    _font(normal, BODY_FONT, BODY_SIZE)
    pf = normal.paragraph_format
    pf.first_line_indent = BODY_SIZE * 2  # two characters, as official text is indented
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = True
    # No automatic space between Chinese and digits: the word joiners (which are neither) would
    # leave it on one side of a number and not the other ("至 2018年底").
    p_pr = normal.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "0")
        p_pr.insert_element_before(el, *_AFTER_AUTOSPACE)
    # No w:lang of zh-CN: LibreOffice's Chinese line breaking then splits numbers anywhere
    # ("124" / "0名", "73." / "6%") and ignores word joiners; under the template's default it keeps
    # them whole (docs/report.md). Word breaks Chinese text by script, whatever the tag says.

    title = st["Title"]
    _font(title, TITLE_FONT, TITLE_SIZE, bold=True)
    _plain_paragraph(title, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.keep_with_next = True
    _no_border(title)

    # The attachment's title on the third line of its first page, a blank line under it; held
    # with "附件" above and the first heading below, so no page carries a title alone.
    attachment_title = st.add_style("附件标题", 1)
    attachment_title.base_style = title
    attachment_title.paragraph_format.space_before = LINE
    attachment_title.paragraph_format.space_after = LINE
    attachment_title.paragraph_format.keep_with_next = True

    # Under the title, the demonstration note, as a draft's "（征求意见稿）" is set.
    note_line = st.add_style("题注", 1)
    note_line.base_style = normal
    _font(note_line, SUB_FONT, BODY_SIZE)
    note_line.paragraph_format.first_line_indent = Pt(0)
    note_line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    h1 = st["Heading 1"]
    _font(h1, HEADING_FONT, BODY_SIZE, bold=False)
    _body_paragraph(h1, normal)

    h2 = st["Heading 2"]
    _font(h2, SUB_FONT, BODY_SIZE, bold=False)
    _body_paragraph(h2, normal)

    caption = st["Caption"]
    _font(caption, HEADING_FONT, CAPTION_SIZE, bold=False)
    _plain_paragraph(caption, WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(6), space_after=Pt(6))
    caption.paragraph_format.keep_with_next = True

    # A figure's caption sits under it, so unlike a table's it must not hold on to what follows:
    # a chain of kept paragraphs would push a whole section onto the next page.
    figure_title = st.add_style("图题", 1)
    figure_title.base_style = caption
    figure_title.paragraph_format.keep_with_next = False
    figure_title.paragraph_format.space_before = Pt(4)
    figure_title.paragraph_format.space_after = Pt(12)

    cell = st.add_style("表格文字", 1)
    assert cell.style_id == CELL_STYLE_ID
    cell.base_style = normal
    _font(cell, TABLE_FONT, TABLE_SIZE)
    _plain_paragraph(cell, WD_ALIGN_PARAGRAPH.CENTER)

    note = st.add_style("表注", 1)
    note.base_style = normal
    _font(note, BODY_FONT, Pt(12))
    _plain_paragraph(note, WD_ALIGN_PARAGRAPH.JUSTIFY, space_before=Pt(4), space_after=Pt(14))

    nothing = st.add_style("无表", 1)  # an empty table: "（无）" under its caption
    nothing.base_style = note
    nothing.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    after = st.add_style("表后", 1)  # the space under a table without a note
    after.base_style = note
    after.paragraph_format.space_before = Pt(0)
    after.font.size = Pt(6)

    # The 附件说明: a blank line under the text, then two characters in (GB/T 9704 7.3.4).
    enclosure = st.add_style("附件说明", 1)
    enclosure.base_style = normal
    enclosure.paragraph_format.space_before = LINE
    enclosure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    enclosure.paragraph_format.keep_with_next = True

    sign = st.add_style("落款", 1)
    sign.base_style = normal
    sign.paragraph_format.first_line_indent = Pt(0)
    sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    # "附件" at the top left of the attachment's first page, in 黑体 (GB/T 9704 8).
    mark = st.add_style("附件", 1)
    mark.base_style = normal
    _font(mark, HEADING_FONT, BODY_SIZE)
    mark.paragraph_format.first_line_indent = Pt(0)
    mark.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    mark.paragraph_format.keep_with_next = True

    explain_head = st.add_style("说明标题", 1)
    explain_head.base_style = normal
    _font(explain_head, HEADING_FONT, BODY_SIZE)
    explain_head.paragraph_format.keep_with_next = True

    explain = st.add_style("说明", 1)
    explain.base_style = normal

    # Exact line spacing would crop an inline picture to one line's height.
    picture = st.add_style("图片", 1)
    picture.base_style = normal
    _plain_paragraph(picture, WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(10))
    picture.paragraph_format.keep_with_next = True


def _body_paragraph(style, normal) -> None:
    """A heading set like body text: same line, same indent, no space around it, and never
    the last line of a page."""
    style.base_style = normal
    pf = style.paragraph_format
    pf.first_line_indent = BODY_SIZE * 2
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.keep_with_next = True
    style.font.color.rgb = BLACK


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
    font.italic = False
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
