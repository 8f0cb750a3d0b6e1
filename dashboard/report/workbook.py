"""Tables as files that calculate: one writer of a typed `sections.blocks.Table` to XLSX and CSV,
used by every page table's download (`table_xlsx`, `table_csv`) and by the report pack's workbook
(`write_xlsx`: a 说明 sheet, then one sheet per table).

Staff re-sort, sum and chart these, so values are numbers, not text: a rate is stored as its
exact fraction with a percentage format (one decimal, as the reports write it), beside the
numerator and denominator it is made of; a per-100 figure is a number with one decimal; the
合计 row holds the rates recomputed from the sums (blocks.with_total); a missing count is a blank
cell, an undefined rate a dash. Text is always written as text: a name that starts like a formula
("=HYPERLINK(…)") is stored as a string, marked with Excel's quote prefix, and in CSV gets a
leading apostrophe (text.cell). The CSV has the XLSX's columns, rates in per cent with one
decimal ("党组织覆盖率（%）" 73.6), UTF-8 with a BOM so Excel reads the Chinese.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import xlsxwriter

from dashboard import rules, text
from dashboard.metrics import DASH, Rate
from dashboard.sections.blocks import COUNT, RATE, Col, Table

if TYPE_CHECKING:
    from dashboard.report.content import Report

DEFINITIONS = [
    ("学校数", "当年在办的学校：开办年份不晚于当年，且未撤并或撤并年份晚于当年。"),
    ("党组织覆盖率", "有党组织覆盖（单独建立、联合建立或挂靠建立）的学校数 ÷ 学校数。"),
    ("党的工作覆盖率", "有党组织覆盖或选派党建指导员的学校数 ÷ 学校数。"),
    ("党组织数", "一级党组织数，不含党委、党总支下设的党支部。"),
    ("“一肩挑”比例", "书记、校长“一肩挑”的一级党组织数 ÷ 依托学校建立的一级党组织数；分设、书记空缺比例同。"),
    ("党建示范校", "截至当年底持有未撤销党建示范校称号的学校，每校按所获最高级别计一次；当年新增按授予年份计。"),
    ("党员数", "各校年末党员数之和；净增 = 年末党员数 − 年初党员数；增长率 = 净增 ÷ 年初党员数。"),
    ("每百名教职工党员数", "100 × 党员数 ÷ 教职工数。"),
    ("换届提醒", f"应换届日期 = 上次换届日期 + 任期（{rules.term_rule_text()}）；早于当年底为已逾期，"
             f"此后{rules.due_soon_words()}到期为即将到期。"),
    ("组织类型与党员规模", rules.size_rule_text()),
    ("比例的写法", "单元格存储为数值，以百分比格式显示一位小数；分子、分母列在其旁；合计行的比例由合计的分子、分母计算，"
               "不是各行比例的平均数；没有分母的比例记为“—”。"),
]

MAX_SHEET_NAME = 31
# Excel refuses these in a sheet name; their full-width forms read the same and are allowed.
_SHEET_CHARS = str.maketrans({"[": "［", "]": "］", ":": "：", "*": "＊", "?": "？", "/": "／", "\\": "＼"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "（%）"


# Columns as the files write them ---------------------------------------------------------------
def heading(col: Col) -> str:
    """A column's header with its unit in full-width brackets: "学校数（所）"."""
    return f"{col.header}（{col.unit}）" if col.unit and col.unit != "%" else col.header


@dataclass(frozen=True)
class Out:
    """One column of the written file: its header and how each row gives its cell."""
    title: str
    kind: str                       # COUNT, RATE, or the column's own kind
    value: Callable[[list], object]


def out_columns(table: Table) -> list[Out]:
    """The table's columns, with 分子 and 分母 after each rate whose counts the table lacks."""
    keys = table.keys
    taken = {heading(c) for c in table.columns}
    out: list[Out] = []
    for j, col in enumerate(table.columns):
        rates = [r[j] for r in table.rows if isinstance(r[j], Rate)]
        title = heading(col)
        # A column of percentages only says so in its header, as the CSV holds bare numbers.
        if col.kind == RATE and rates and all(isinstance(r[j], Rate) or r[j] is None for r in table.rows) \
                and all(r.unit == "%" for r in rates):
            title += PERCENT
        out.append(Out(title, col.kind, lambda row, j=j: row[j]))
        if col.kind != RATE or not rates or _has_counts(table, j, col, keys):
            continue
        for part, attr in (("分子", "num"), ("分母", "den")):
            name = part if part not in taken else f"{col.header}{part}"
            taken.add(name)
            out.append(Out(name, COUNT, lambda row, j=j, attr=attr:
                           getattr(row[j], attr) if isinstance(row[j], Rate) else None))
    return out


def _has_counts(table: Table, j: int, col: Col, keys: list[str]) -> bool:
    """Whether the rate's numerator and denominator are columns of the table already: named by
    `Col.of`, or (a table that does not name them) the two count columns right after it holding
    each row's numerator and denominator, as the key-figures table lays them out."""
    if col.of is not None and all(k in keys for k in col.of):
        return True
    following = table.columns[j + 1: j + 3]
    if len(following) < 2 or any(c.kind != COUNT for c in following):
        return False
    return all(r[j + 1] == r[j].num and r[j + 2] == r[j].den for r in table.rows if isinstance(r[j], Rate))


def is_total(table: Table, i: int) -> bool:
    return table.total and i == len(table.rows) - 1


# XLSX ------------------------------------------------------------------------------------------
def table_xlsx(table: Table, sheet: str | None = None) -> bytes:
    """One table as a workbook of one sheet (a page's "下载 Excel")."""
    buf = io.BytesIO()
    wb = _workbook(buf, table.title)
    _table_sheet(wb, _formats(wb), sheet_name(sheet or table.title), table, note=True)
    wb.close()
    return buf.getvalue()


def table_csv(table: Table) -> bytes:
    """One table as CSV with the XLSX's columns: UTF-8 with BOM, rates in per cent, one decimal."""
    cols = out_columns(table)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([text.cell(c.title) for c in cols])
    for row in table.rows:
        w.writerow([_csv_cell(c.value(row)) for c in cols])
    return buf.getvalue().encode("utf-8-sig")


def _csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Rate):
        # The rounded figure the reports print, in the unit of the header ("（%）" or its own unit).
        return str(v.rounded()) if v.defined else DASH
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.strftime("%Y-%m-%d")
    return str(text.cell(v)) if isinstance(v, str) else str(v)


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts: none of []:*?/\\ (their full-width forms instead), no leading or
    trailing apostrophe, at most 31 characters, not "History", unique among `taken` (compared
    without case, as Excel does)."""
    name = title.translate(_SHEET_CHARS).strip().strip("'").strip() or "表"
    if name.lower() == "history":
        name += "表"
    name = name[:MAX_SHEET_NAME]
    taken_lower = {t.lower() for t in taken or ()}
    base, n = name, 2
    while name.lower() in taken_lower:
        suffix = f"（{n}）"
        name, n = base[:MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
    if taken is not None:
        taken.add(name)
    return name


def write_xlsx(report: "Report", sources: list[tuple[str, object]]) -> bytes:
    """The report's workbook: a 说明 sheet (scope, source, contents, definitions), then one sheet per table."""
    buf = io.BytesIO()
    wb = _workbook(buf, report.title, report.subject)
    f = _formats(wb)
    tables = report.tables
    taken = {"说明"}
    names = [sheet_name(f"表{i + 1} {t.title}", taken) for i, t in enumerate(tables)]
    _about_sheet(wb, f, report, sources, list(zip(names, tables)))
    for name, table in zip(names, tables):
        _table_sheet(wb, f, name, table)
    wb.close()
    return buf.getvalue()


def _workbook(buf, title: str, subject: str = ""):
    # Belt and braces: every cell below is written with a typed method, and these keep
    # xlsxwriter from ever turning a string into a formula, a link or a number.
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": title, "subject": subject, "author": "中小学校党建数据看板",
                       "comments": "中小学校党建数据看板导出"})
    return wb


def _formats(wb) -> dict:
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}

    def fmt(**kw):
        return wb.add_format({**base, **kw})

    f = {"header": fmt(bold=True, bg_color="#F2F2F2", border=1, text_wrap=True, align="center"),
         "title": fmt(bold=True, font_size=14), "label": fmt(bold=True, valign="top"),
         "plain": fmt(text_wrap=True, valign="top"), "note": fmt(text_wrap=False, font_color="#424242"),
         "warn": fmt(bold=True, font_color="#B71C1C", text_wrap=True, valign="top"),
         "about_date": fmt(num_format="yyyy-mm-dd", align="left", valign="top"),
         "about_time": fmt(num_format="yyyy-mm-dd hh:mm", align="left", valign="top"),
         "link": fmt(font_color="#1F4E79", underline=1)}
    cells = {"text": {}, "quoted": {"quote_prefix": True}, "int": {"num_format": "0"},
             "pct": {"num_format": "0.0%"}, "dec": {"num_format": "0.0"}, "num": {"num_format": "General"},
             "date": {"num_format": "yyyy-mm-dd", "align": "center"}, "dash": {"align": "center"}}
    for name, kw in cells.items():
        f[name] = fmt(border=1, **kw)
        f[name + "_b"] = fmt(border=1, bold=True, **kw)
    return f


def _about_sheet(wb, f, report: "Report", sources, sheets: list[tuple[str, Table]]) -> None:
    ws = wb.add_worksheet("说明")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 80)
    ws.set_column(2, 2, 50)
    r = 0
    ws.write_string(r, 0, report.title, f["title"])
    r += 2
    if report.demo:
        ws.write_string(r, 0, "演示数据", f["label"])
        ws.write_string(r, 1, "本材料由演示数据生成，学校、党组织和各项数字均为虚构，不代表任何真实情况。", f["warn"])
        r += 1
    for k, v in [("范围", report.subject), *report.filters, *sources, ("生成日期", report.generated)]:
        ws.write_string(r, 0, k, f["label"])
        if isinstance(v, dt.datetime):
            ws.write_datetime(r, 1, v, f["about_time"])
        elif isinstance(v, dt.date):
            ws.write_datetime(r, 1, dt.datetime(v.year, v.month, v.day), f["about_date"])
        else:
            ws.write_string(r, 1, str(v), f["plain"])
        r += 1
    if report.empty:
        r += 1
        ws.write_string(r, 0, "结果", f["label"])
        ws.write_string(r, 1, report.empty_message, f["warn"])
        return
    r += 1
    ws.write_string(r, 0, "表格目录", f["title"])
    r += 1
    for name, table in sheets:
        ws.write_url(r, 0, f"internal:'{name.replace(chr(39), chr(39) * 2)}'!A1", f["link"], string=name)
        ws.write_string(r, 1, table.title, f["plain"])
        if table.note:
            ws.write_string(r, 2, table.note, f["plain"])
        r += 1
    r += 1
    ws.write_string(r, 0, "口径说明", f["title"])
    r += 1
    for k, v in DEFINITIONS:
        ws.write_string(r, 0, k, f["label"])
        ws.write_string(r, 1, v, f["plain"])
        r += 1


def _table_sheet(wb, f, name: str, table: Table, note: bool = False) -> None:
    ws = wb.add_worksheet(name)
    cols = out_columns(table)
    # Headers wrap onto two lines, so a long header need not widen its column on its own.
    widths = [min(_width(c.title), max(_width(c.title) // 2 + 1, 10)) for c in cols]
    for j, c in enumerate(cols):
        ws.write_string(0, j, c.title, f["header"])
    for i, row in enumerate(table.rows):
        bold = "_b" if is_total(table, i) else ""
        for j, c in enumerate(cols):
            v = c.value(row)
            _write(ws, i + 1, j, v, f, bold)
            widths[j] = max(widths[j], _width(_shown(v)))
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(max(w + 2, 8), 60))
    ws.set_row(0, 36 if any(_width(c.title) > widths[j] for j, c in enumerate(cols)) else 20)
    ws.freeze_panes(1, 1)
    body = len(table.rows) - (1 if table.total and table.rows else 0)
    if body:
        # Not over the 合计 row: sorting the units must leave it at the bottom.
        ws.autofilter(0, 0, body, len(cols) - 1)
    if note and table.note:
        ws.write_string(len(table.rows) + 2, 0, "注：" + table.note, f["note"])


def _write(ws, r: int, c: int, v, f, bold: str) -> None:
    if v is None:
        ws.write_blank(r, c, None, f["text" + bold])
    elif isinstance(v, Rate):
        if not v.defined:
            ws.write_string(r, c, DASH, f["dash" + bold])
        elif v.unit == "%":
            ws.write_number(r, c, v.num / v.den, f["pct" + bold])
        else:
            ws.write_number(r, c, v.num * v.per / v.den, f["dec" + bold])
    elif isinstance(v, bool):
        ws.write_string(r, c, "是" if v else "否", f["text" + bold])
    elif isinstance(v, int):
        ws.write_number(r, c, v, f["int" + bold])
    elif isinstance(v, float):
        ws.write_number(r, c, v, f["num" + bold])
    elif isinstance(v, (dt.date, dt.datetime)):
        when = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        ws.write_datetime(r, c, when, f["date" + bold])
    else:
        s = str(v)
        ws.write_string(r, c, s, f[("quoted" if s.startswith(_FORMULA_START) else "text") + bold])


def _shown(v) -> str:
    if isinstance(v, Rate):
        return v.pct
    if isinstance(v, (dt.date, dt.datetime)):
        return "2000-01-01"
    return "" if v is None else str(v)


def _width(s: str) -> int:
    """Excel column width in characters: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(s))
