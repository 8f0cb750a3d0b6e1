"""The workbooks a bureau fills in, and the same format filled with an extract's rows.

One workbook per table: a sheet named after the table with the contract's Chinese labels as the
header, drop-down lists of the allowed values, number and length checks, identifiers formatted as
text (so Excel keeps 学校标识码 as typed instead of turning it into 2.16E+09), one example row, and
a 填表说明 sheet. Exporting an extract in this format is how the round trip is tested and how a
bureau moves its existing data into the templates.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pandas as pd
import xlsxwriter

from dashboard import contract

D = dt.date.fromisoformat
# Province code 00 does not exist, so the example can never be a real school's 学校标识码.
EXAMPLE_SCHOOL = "2100000001"
# Kept as first published: templates already handed out carry it, and their untouched example
# rows must still be recognised.
EXAMPLE_MARK = "(示例行,请删除)"

# One valid row per table: shown in the template and skipped on import when left unchanged.
# Each carries the fake school or the mark, so a real row never equals it.
EXAMPLES: dict[str, dict] = {
    "regions": dict(county_code="619901", county_name="示例县" + EXAMPLE_MARK, city_code="619900", city_name="示例市", sort_order=1),
    "schools": dict(school_id=EXAMPLE_SCHOOL, school_name="示例小学" + EXAMPLE_MARK, county_code="611024",
                    township="城关街道", stage="小学", ownership="公办", locale="城区", opened_year=2000, closed_year=None),
    "school_years": dict(school_id=EXAMPLE_SCHOOL, year=2024, staff=60, students=900, coverage="单独建立", org_id="示例-001"),
    "orgs": dict(org_id="示例-001", year=2024, org_name="中共示例小学支部委员会" + EXAMPLE_MARK, org_type="党支部",
                 parent_org_id=None, formation="单独建立", host_school_id=EXAMPLE_SCHOOL, leadership="一肩挑",
                 established_date=D("2005-06-01"), last_election_date=D("2023-03-01"), term_years=3, star_rating=4,
                 full_members=12, probationary_members=1, secretary_appointed_date=D("2021-09-01")),
    "member_flows": dict(school_id=EXAMPLE_SCHOOL, year=2024, members_start=12, admitted=2, transferred_in=1,
                         transferred_out=1, deceased=0, other_exits=0, members_end=14, probationary=1, female=8,
                         aged_35_or_under=4, applicants=6, activists=3, candidates=2, admitted_backbone=1),
    "honors": dict(honor_id="611024-2024-001", school_id=EXAMPLE_SCHOOL, org_id=None, kind="党建示范校", level="县级",
                   year_awarded=2024, title="县级党建示范校" + EXAMPLE_MARK, revoked_year=None),
    "org_activities": dict(org_id="示例-001", year=2024, month=3, kind="主题党日", times=1),
}

NOTES = {
    "regions": "商洛市、济宁市的县区已内置，无需填写；其他城市每个县区填一行。",
    "schools": "每所学校一行（含已撤并的学校，填写撤并年份）。县区可填代码或名称。",
    "school_years": "每所学校每年一行；覆盖方式为单独/联合/挂靠建立时填写覆盖党组织编号。",
    "orgs": "每个党组织每年一行；编号由县区自定，同一组织历年保持不变。挂靠建立的可不填依托学校；书记任职日期可不填。",
    "member_flows": "每所学校每年一行；年末党员数 = 年初 + 新发展 + 转入 − 转出 − 死亡 − 其他减少。",
    "honors": "每项荣誉一行；学校荣誉填学校标识码，党组织荣誉填党组织编号；被撤销的填撤销年份。级别“系统级”指教育系统党组织（教育工委）授予的荣誉。",
    "org_activities": "每个党组织每月每类活动一行，填写当月开展的次数；当月未开展的填0，或不填该行。月份可写“3”或“3月”。",
}

LAST_ROW = 1_048_575  # Excel's last row: checks cover every row a user may fill


def file_name(table: str) -> str:
    return f"{contract.TABLES[table].label}.xlsx"


def _describe(col: contract.Column) -> str:
    parts = ["必填" if not col.nullable else "可空"]
    if col.allowed:
        parts.append("从下拉列表选择：" + "、".join(col.allowed))
    elif col.digits:
        parts.append(f"{col.digits} 位数字，按文本填写")
    elif col.dtype == contract.DATE:
        parts.append("日期，如 2021-03-01")
    elif col.min_value == contract.MIN_YEAR:
        parts.append("四位年份，如 2024")
    elif col.dtype == contract.INT:
        lo, hi = col.min_value, col.max_value
        parts.append("整数" + (f"，{lo}–{hi}" if hi is not None else ("，不小于 0" if lo == 0 else "")))
    return "；".join(parts)


def _validation(col: contract.Column) -> dict | None:
    if col.allowed:
        return {"validate": "list", "source": list(col.allowed)}
    if col.digits:
        return {"validate": "length", "criteria": "==", "value": col.digits}
    if col.dtype == contract.DATE:
        return {"validate": "date", "criteria": "between",
                "minimum": dt.date(contract.MIN_YEAR, 1, 1), "maximum": dt.date(contract.MAX_YEAR, 12, 31)}
    if col.dtype == contract.INT and col.min_value is not None:
        return {"validate": "integer", "criteria": "between", "minimum": col.min_value,
                "maximum": col.max_value if col.max_value is not None else 2_000_000_000}
    return None


def _write_sheet(book: xlsxwriter.Workbook, table: contract.Table, rows: pd.DataFrame | None, formats: dict) -> None:
    ws = book.add_worksheet(table.label)
    col_formats = []
    for j, col in enumerate(table.columns):
        fmt = formats["text"] if col.dtype == contract.STRING else formats["date"] if col.dtype == contract.DATE else formats["int"]
        col_formats.append(fmt)
        ws.set_column(j, j, max(12, 2 * len(col.label) + 2), fmt)
        ws.write_string(0, j, col.label, formats["header"])
        ws.write_comment(0, j, f"{col.label}（{col.name}）：{_describe(col)}", {"x_scale": 2})
        rule = _validation(col)
        if rule:
            rule.update(error_title=col.label, error_message=_describe(col)[:255], ignore_blank=True)
            ws.data_validation(1, j, LAST_ROW, j, rule)
    ws.freeze_panes(1, 0)
    if rows is None:
        example = pd.DataFrame([EXAMPLES[table.name]], columns=table.names)
        _write_rows(ws, table, example, formats, example_row=True)
    else:
        _write_rows(ws, table, rows, formats)


def _write_rows(ws, table: contract.Table, rows: pd.DataFrame, formats: dict, example_row: bool = False) -> None:
    kinds = [c.dtype for c in table.columns]
    cols = []
    for c in table.columns:
        s = rows[c.name]
        if c.dtype == contract.DATE:
            s = pd.to_datetime(s)
            cols.append([None if pd.isna(v) else v.to_pydatetime() for v in s])
        else:
            cols.append([None if pd.isna(v) else v for v in s.astype(object)])
    style = formats
    for i, values in enumerate(zip(*cols), start=1):
        for j, (v, kind) in enumerate(zip(values, kinds)):
            if v is None:
                continue
            if kind == contract.STRING:
                ws.write_string(i, j, str(v), style["example_text"] if example_row else style["text"])
            elif kind == contract.DATE:
                ws.write_datetime(i, j, v, style["example_date"] if example_row else style["date"])
            else:
                ws.write_number(i, j, int(v), style["example_int"] if example_row else style["int"])


def _write_notes(book: xlsxwriter.Workbook, table: contract.Table, formats: dict) -> None:
    ws = book.add_worksheet("填表说明")
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 80)
    ws.write_string(0, 0, f"{table.label}：{NOTES.get(table.name, table.description)}", formats["bold"])
    ws.write_string(1, 0, "第 2 行是示例行，填报时请删除或直接覆盖；保持第 1 行表头不变，可在表头上方加标题行。")
    ws.write_row(3, 0, ["列名", "字段名", "填写要求"], formats["header"])
    for i, col in enumerate(table.columns, start=4):
        ws.write_row(i, 0, [col.label, col.name, _describe(col)])


def _formats(book: xlsxwriter.Workbook) -> dict:
    grey = {"font_color": "#808080", "italic": True}
    return {
        "header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "vcenter"}),
        "bold": book.add_format({"bold": True}),
        "text": book.add_format({"num_format": "@"}),
        "int": book.add_format({"num_format": "0"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "example_text": book.add_format({"num_format": "@", **grey}),
        "example_int": book.add_format({"num_format": "0", **grey}),
        "example_date": book.add_format({"num_format": "yyyy-mm-dd", **grey}),
    }


def workbook_bytes(table: str, rows: pd.DataFrame | None = None) -> bytes:
    """A table's template (rows=None) or the same workbook filled with rows."""
    buf = io.BytesIO()
    write_workbook(buf, table, rows)
    return buf.getvalue()


def write_workbook(target, table: str, rows: pd.DataFrame | None = None) -> None:
    t = contract.TABLES[table]
    # constant_memory keeps a province's sheets out of RAM while writing; rows go in order.
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False, "strings_to_numbers": False})
    formats = _formats(book)
    _write_sheet(book, t, rows, formats)
    _write_notes(book, t, formats)
    book.close()


def write_templates(out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in contract.TABLES:
        p = out / file_name(name)
        write_workbook(str(p), name)
        paths.append(p)
    return paths


def templates_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in contract.TABLES:
            z.writestr(file_name(name), workbook_bytes(name))
    return buf.getvalue()


def export_tables(tables: dict[str, pd.DataFrame], out_dir: Path | str, fmt: str = "xlsx") -> list[Path]:
    """An extract in the template format: one workbook (or UTF-8 CSV with BOM) per table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        t = contract.TABLES[name]
        if fmt == "xlsx":
            p = out / file_name(name)
            write_workbook(str(p), name, df)
        else:
            p = out / f"{t.label}.csv"
            frame = pd.DataFrame({c.label: _csv_column(df[c.name], c) for c in t.columns})
            frame.to_csv(p, index=False, encoding="utf-8-sig")
        paths.append(p)
    return paths


def _csv_column(s: pd.Series, col: contract.Column) -> pd.Series:
    if col.dtype == contract.DATE:
        return pd.to_datetime(s).dt.strftime("%Y-%m-%d")
    if col.dtype == contract.INT:
        return s.astype("Int64").astype("str").replace("<NA>", "")
    return s
