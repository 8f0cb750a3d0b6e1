"""The report's tables as an Excel workbook: a 说明 sheet, then one sheet per table.

Staff re-sort, sum and chart these, so values are numbers, not text: a rate is stored as its
exact fraction with a percentage format (one decimal, as the reports write it), and its
numerator and denominator stay in the columns beside it.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import xlsxwriter

from dashboard.metrics import DASH, Rate
from dashboard.report.content import Report
from dashboard.sections.blocks import Table

DEFINITIONS = [
    ("学校数", "当年在办的学校：开办年份不晚于当年，且未撤并或撤并年份晚于当年。"),
    ("党组织覆盖率", "有党组织覆盖（单独建立、联合建立或挂靠建立）的学校数 ÷ 学校数。"),
    ("党的工作覆盖率", "有党组织覆盖或选派党建指导员的学校数 ÷ 学校数。"),
    ("党组织数", "一级党组织数，不含党委、党总支下设的党支部。"),
    ("“一肩挑”比例", "书记、校长“一肩挑”的一级党组织数 ÷ 依托学校建立的一级党组织数；分设、书记空缺比例同。"),
    ("党建示范校", "截至当年底持有未撤销党建示范校称号的学校，每校按所获最高级别计一次；当年新增按授予年份计。"),
    ("党员数", "各校年末党员数之和；净增 = 年末党员数 − 年初党员数；增长率 = 净增 ÷ 年初党员数。"),
    ("每百名教职工党员数", "100 × 党员数 ÷ 教职工数。"),
    ("换届提醒", "应换届日期 = 上次换届日期 + 任期；早于当年底为已逾期，此后6个月内为即将到期。"),
    ("比例的写法", "保留一位小数，四舍五入；单元格存储为数值（百分比格式），分子、分母列在其旁。"),
]
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(number: int, title: str) -> str:
    """"表3 各县区党组织覆盖情况": Excel allows 31 characters and none of []:*?/\\ ."""
    return _SHEET_BAD.sub("_", f"表{number} {title}")[:31]


def write_xlsx(report: Report, sources: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": report.title, "subject": report.subject, "comments": "中小学校党建数据看板导出"})
    f = _formats(wb)
    tables = report.tables
    names = [sheet_name(i + 1, t.title) for i, t in enumerate(tables)]
    _about_sheet(wb, f, report, sources, list(zip(names, tables)))
    for name, table in zip(names, tables):
        _table_sheet(wb, f, name, table)
    wb.close()
    return buf.getvalue()


def _formats(wb) -> dict:
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}

    def fmt(**kw):
        return wb.add_format({**base, **kw})

    return {
        "header": fmt(bold=True, bg_color="#F2F2F2", border=1, text_wrap=True, align="center"),
        "text": fmt(border=1), "int": fmt(border=1, num_format="#,##0"),
        "pct": fmt(border=1, num_format="0.0%"), "dec": fmt(border=1, num_format="0.0"),
        "date": fmt(border=1, num_format="yyyy-mm-dd", align="center"), "dash": fmt(border=1, align="center"),
        "text_b": fmt(border=1, bold=True), "int_b": fmt(border=1, num_format="#,##0", bold=True),
        "pct_b": fmt(border=1, num_format="0.0%", bold=True), "dec_b": fmt(border=1, num_format="0.0", bold=True),
        "dash_b": fmt(border=1, align="center", bold=True),
        "title": fmt(bold=True, font_size=14), "label": fmt(bold=True), "plain": fmt(text_wrap=True),
        "warn": fmt(bold=True, font_color="#B71C1C", text_wrap=True),
    }


def _about_sheet(wb, f, report: Report, sources, sheets: list[tuple[str, Table]]) -> None:
    ws = wb.add_worksheet("说明")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 50)
    r = 0
    ws.write(r, 0, report.title, f["title"])
    r += 2
    if report.demo:
        ws.write(r, 0, "演示数据", f["label"])
        ws.write(r, 1, "本材料由演示数据生成，学校、党组织和各项数字均为虚构，不代表任何真实情况。", f["warn"])
        r += 1
    for k, v in [("范围", report.subject), *report.filters, *sources,
                 ("生成日期", report.generated.isoformat())]:
        ws.write(r, 0, k, f["label"])
        ws.write(r, 1, v, f["plain"])
        r += 1
    if report.empty:
        r += 1
        ws.write(r, 0, "结果", f["label"])
        ws.write(r, 1, report.empty_message, f["warn"])
        return
    r += 1
    ws.write(r, 0, "表格目录", f["title"])
    r += 1
    for name, table in sheets:
        ws.write_url(r, 0, f"internal:'{name}'!A1", string=name)
        ws.write(r, 1, table.title, f["plain"])
        if table.note:
            ws.write(r, 2, table.note, f["plain"])
        r += 1
    r += 1
    ws.write(r, 0, "口径说明", f["title"])
    r += 1
    for k, v in DEFINITIONS:
        ws.write(r, 0, k, f["label"])
        ws.write(r, 1, v, f["plain"])
        r += 1


def _table_sheet(wb, f, name: str, table: Table) -> None:
    ws = wb.add_worksheet(name)
    # Headers wrap onto two lines, so a long header need not widen its column on its own.
    titles = [c.title for c in table.columns]
    widths = [min(_width(c), 16) for c in titles]
    for j, c in enumerate(titles):
        ws.write(0, j, c, f["header"])
    for i, row in enumerate(table.rows, start=1):
        bold = "_b" if row and row[0] == "合计" else ""
        for j, v in enumerate(row):
            _write(ws, i, j, v, f, bold)
            widths[j] = max(widths[j], _width(_shown(v)))
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(max(w + 2, 8), 60))
    ws.set_row(0, 36)
    ws.freeze_panes(1, 1)
    if table.rows:
        ws.autofilter(0, 0, len(table.rows), len(table.columns) - 1)


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
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, f["int" + bold])
    elif isinstance(v, (dt.date, dt.datetime)):
        ws.write_datetime(r, c, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day), f["date"])
    else:
        ws.write_string(r, c, str(v), f["text" + bold])


def _shown(v) -> str:
    if isinstance(v, Rate):
        return v.pct
    if isinstance(v, (dt.date, dt.datetime)):
        return "2000-01-01"
    return "" if v is None else str(v)


def _width(text: str) -> int:
    """Excel column width in characters: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))
