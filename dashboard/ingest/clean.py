"""Cleaning one sheet's rows into the contract's columns: vectorised per column, never per cell.

Each column is first normalised the way people type it (full-width digits, stray spaces, “2023年”,
“1,234”, “3月”, numbers stored as text, “12.0”, Excel date numbers), documented synonyms are mapped
and reported, and cells that cannot be read get a hint on what to write instead (an Excel error
value, a percentage in a count, a yes/no answer). What is left is checked against the column's
declaration by the one interpreter the validator uses too (dashboard/columns.py). A row with any
reason is rejected whole, with its values as written, so it can be corrected and imported again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import columns, contract
from dashboard.findings import ERROR, INFO, SOURCE_COLUMNS, WARNING, Finding
from dashboard.ingest import headers as hdr
from dashboard.ingest.issues import TableCount
from dashboard.ingest.read import RawSheet, cell_text
from dashboard.ingest.regions import CountyLookup

META = list(SOURCE_COLUMNS)  # provenance carried by every accepted and rejected row
PROBLEM_COLUMNS = ["_row", "column", "value", "message"]

# Words a bureau writes for "not applicable" in an optional column (撤并年份 "否", 星级 "无").
EMPTY_MARKERS = frozenset({"无", "否", "-", "--", "—", "——", "–", "/", "空", "null", "NULL", "None", "none",
                           "NaN", "nan", "N/A", "n/a", "不适用"})
EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
TOTAL_ROW = re.compile(r"^(全[县区市省]|本[县区市])?(合计|总计|小计|汇总)[:：]?$")
NOTE_ROW = re.compile(r"^(填报人|填表人|审核人|负责人|单位负责人|联系人|联系电话|填报日期|填表日期|制表|说明|注[:：]|备注|填表说明)")

# Spellings seen in bureau forms for the contract's values, by column or by "table.column" where
# one column name means different things in two tables. Each use is reported; anything else
# outside the allowed list is rejected, so no value is ever matched by resemblance.
SYNONYMS: dict[str, dict[str, str]] = {
    "coverage": {"单独组建": "单独建立", "联合组建": "联合建立", "挂靠组建": "挂靠建立",
                 "指导员": "党建指导员", "选派党建指导员": "党建指导员", "派驻党建指导员": "党建指导员"},
    "formation": {"单独组建": "单独建立", "联合组建": "联合建立", "挂靠组建": "挂靠建立"},
    "leadership": {"是": "一肩挑"},
    "stage": {"九年制学校": "九年一贯制学校", "九年一贯制": "九年一贯制学校", "十二年一贯制": "十二年一贯制学校",
              "完中": "完全中学", "中职": "中等职业学校", "中职学校": "中等职业学校", "特校": "特殊教育学校",
              "特教学校": "特殊教育学校", "普通高中": "高中", "初级中学": "初中"},
    "ownership": {"公立": "公办", "私立": "民办"},
    "locale": {"城市": "城区", "农村": "乡村", "镇": "镇区"},
    "org_type": {"党支部委员会": "党支部", "支部": "党支部", "总支": "党总支", "党总支部": "党总支",
                 "党总支部委员会": "党总支", "党委员会": "党委", "基层党委": "党委"},
    "level": {"国家": "国家级", "省": "省级", "市": "市级", "县": "县级", "区级": "县级", "县区级": "县级",
              "系统": "系统级", "教育系统级": "系统级"},
    "honors.kind": {"示范校": "党建示范校", "党建示范学校": "党建示范校"},
    "org_activities.kind": {"党员大会": "支部党员大会", "支部大会": "支部党员大会",
                            "支委会": "支部委员会", "支委会议": "支部委员会", "支部委员会会议": "支部委员会",
                            # A 党总支's or 党委's own committee meeting is recorded as 支部委员会
                            # (docs/data-contract.md, 组织生活).
                            "总支委员会": "支部委员会", "党总支委员会": "支部委员会", "总支委员会会议": "支部委员会",
                            "党委会": "支部委员会", "党委会议": "支部委员会",
                            "党小组会议": "党小组会", "讲党课": "党课",
                            "主题党日活动": "主题党日", "固定主题党日": "主题党日",
                            "专题组织生活会": "组织生活会", "民主评议": "民主评议党员"},
}
# A "是/否" answer that cannot be mapped without choosing for the user.
AMBIGUOUS = {"leadership": {"否": "“否”无法区分“分设”和“书记空缺”，请填写其中之一"}}
YES_NO = frozenset({"是", "否", "TRUE", "FALSE"})

ID_COLUMNS = frozenset({"org_id", "parent_org_id", "honor_id"})
COUNT_UNITS = r"(人|名|个|所|次)$"
# A month written in words: “三月”, “十二月”.
MONTH_WORDS = {w: str(i) for i, w in enumerate("一 二 三 四 五 六 七 八 九 十 十一 十二".split(), 1)}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class SheetResult:
    table: str
    file: str
    sheet: str
    accepted: pd.DataFrame            # contract columns, typed, plus META
    rejected: pd.DataFrame            # contract columns as written (text), plus META and _reason
    problems: pd.DataFrame            # PROBLEM_COLUMNS: one line per rejected cell
    issues: list[Finding] = field(default_factory=list)
    count: TableCount | None = None


@dataclass
class Cleaned:
    values: pd.Series
    problems: pd.Series               # object: a reason or None
    notes: list[tuple[str, str]] = field(default_factory=list)   # (severity, message)


# ---------------------------------------------------------------- text helpers

def _text_series(s: pd.Series) -> pd.Series:
    invisible = s.str.contains("[\u200b\ufeff]").fillna(False).astype(bool)
    if invisible.any():
        s = s.mask(invisible, s[invisible].str.replace("[\u200b\ufeff]", "", regex=True))
    s = s.str.strip()
    return s.mask(s == "")


def _compact(s: pd.Series) -> pd.Series:
    """For codes, numbers, dates and allowed values: full-width forms and every space removed."""
    return s.str.normalize("NFKC").str.replace(r"\s+", "", regex=True)


def _flag(problems: pd.Series, mask, message) -> pd.Series:
    """Give rows in mask a reason unless they already have one (the first reason is the clearest).
    `message` is a string or a function of the mask, so per-row texts are built only for the
    rows that need one."""
    mask = pd.Series(mask, index=problems.index).fillna(False).astype(bool) & problems.isna()
    if mask.any():
        problems = problems.copy()
        problems[mask] = message(mask).to_numpy(dtype=object) if callable(message) else message
    return problems


def _quoted(s: pd.Series, suffix: str, prefix: str = ""):
    return lambda mask: prefix + "“" + s[mask].astype("str") + "”" + suffix


def _none(index) -> pd.Series:
    return pd.Series(None, index=index, dtype=object)


# ---------------------------------------------------------------- normalising, per type
# Each returns the cells in the contract's own spelling (text), the reasons for cells that cannot
# be read that way, and notes on what was converted; the declaration is checked afterwards.

def _blank_rules(col: contract.Column, s: pd.Series, t: pd.Series, problems: pd.Series):
    """Shared by every type: Excel error values, "无/否" in optional cells."""
    notes = []
    problems = _flag(problems, s.isin(EXCEL_ERRORS), _quoted(s, "是 Excel 的错误值（公式出错），请填写实际数值", "单元格"))
    if col.nullable:
        marker = t.isin(EMPTY_MARKERS)
        if marker.any():
            notes.append((INFO, f"{int(marker.sum())} 个单元格填写的“{'、'.join(sorted(set(t[marker])))}”按空值导入"))
            t = t.mask(marker)
    return t, problems, notes


def clean_int(col: contract.Column, s: pd.Series) -> Cleaned:
    problems = _none(s.index)
    t = _compact(s)
    t, problems, notes = _blank_rules(col, s, t, problems)
    if col.min_value == contract.MIN_YEAR:
        t = t.str.replace(r"(?<=\d)年度?$", "", regex=True)
    elif col.name == "month":
        t = t.str.replace(r"月份?$", "", regex=True)
        t = t.mask(t.isin(MONTH_WORDS), t.map(MONTH_WORDS))
    elif col.min_value == 0:
        t = t.str.replace(r"(?<=\d)" + COUNT_UNITS, "", regex=True)
    t = t.str.replace(r"(?<=\d)[,，](?=\d{3}(\D|$))", "", regex=True)
    int_like = t.str.fullmatch(r"[+-]?\d{1,15}(\.0*)?").fillna(False).astype(bool)
    bad = t.notna() & ~int_like & problems.isna()
    if bad.any():
        percent = t.str.endswith("%").fillna(False).astype(bool)
        problems = _flag(problems, bad & percent, _quoted(s, "是百分比，此列应填整数（人数、个数或年份）"))
        if col.nullable:
            problems = _flag(problems, bad & (t == "是"), "填写了“是”，此列应填具体数值，没有请留空")
        problems = _flag(problems, bad & t.str.fullmatch(r"[+-]?\d{16,}").fillna(False).astype(bool), _quoted(s, "数值过大"))
    return Cleaned(t, problems, notes)


_DATE_YMD = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"
_DATE_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"


def clean_date(col: contract.Column, s: pd.Series) -> Cleaned:
    problems = _none(s.index)
    t = s.str.normalize("NFKC").str.strip().str.replace(r"[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", regex=True)
    t = t.str.replace(r"\s+", "", regex=True)
    t, problems, notes = _blank_rules(col, s, t, problems)
    parts = t.str.extract(_DATE_YMD).fillna(t.str.extract(_DATE_COMPACT))
    matched = parts[0].notna()
    # Written as a date: the contract's spelling, even for a day that does not exist (2005-02-30),
    # which the check then names as such.
    iso = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)
    t = t.mask(matched, iso)
    serial = t.str.fullmatch(r"\d{5}(\.0+)?").fillna(False).astype(bool)
    if serial.any():
        days = pd.to_numeric(t.where(serial), errors="coerce")
        in_range = serial & days.between(20000, 80000)
        if in_range.any():
            dates = EXCEL_EPOCH + pd.to_timedelta(days.where(in_range), unit="D")
            t = t.mask(in_range, dates.dt.strftime("%Y-%m-%d"))
            notes.append((WARNING, f"{int(in_range.sum())} 个日期是 Excel 日期序号，已换算为日期"))
    return Cleaned(t, problems, notes)


def clean_enum(col: contract.Column, s: pd.Series, table: str | None = None) -> Cleaned:
    problems = _none(s.index)
    t = _compact(s)
    t, problems, notes = _blank_rules(col, s, t, problems)
    for word, reason in AMBIGUOUS.get(col.name, {}).items():
        problems = _flag(problems, t == word, reason)
    synonyms = SYNONYMS.get(f"{table}.{col.name}") or SYNONYMS.get(col.name, {})
    if synonyms:
        mapped = t.map(synonyms)
        used = mapped.notna() & problems.isna()
        if used.any():
            for written, n in t[used].value_counts().items():
                notes.append((WARNING, f"“{written}”按“{synonyms[written]}”导入（{n} 行）"))
            t = t.mask(used, mapped)
    choices = "、".join(col.allowed)
    problems = _flag(problems, t.isin(YES_NO), _quoted(s, f"是“是/否”答案，此列应填：{choices}", "填写了"))
    return Cleaned(t, problems, notes)


def clean_id(col: contract.Column, s: pd.Series, counties: CountyLookup | None = None) -> Cleaned:
    problems = _none(s.index)
    t = _compact(s).str.lstrip("'")
    t, problems, notes = _blank_rules(col, s, t, problems)
    if col.digits:
        t = t.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
        bad = t.notna() & ~t.str.fullmatch(rf"\d{{{col.digits}}}").fillna(False).astype(bool)
        if bad.any() and col.name == "county_code" and counties is not None:
            t, problems, more = _county_names(s, t, bad, problems, counties)
            notes += more
            bad = t.notna() & ~t.str.fullmatch(rf"\d{{{col.digits}}}").fillna(False).astype(bool)
        scientific = t.str.fullmatch(r"\d+(\.\d+)?[eE][+]?\d+").fillna(False).astype(bool)
        problems = _flag(problems, bad & scientific,
                         _quoted(s, "被 Excel 显示成了科学计数法，数字已失真：请把该列设为“文本”格式后重新填写"))
    return Cleaned(t, problems, notes)


def _county_names(s, t, bad, problems, counties: CountyLookup):
    """County written by name: converted through the regions, each conversion reported."""
    notes = []
    todo = bad & problems.isna()
    found = {name: counties.lookup(name) for name in t[todo].unique()}
    codes = {name: code for name, (code, _) in found.items() if code}
    reasons = {name: reason for name, (code, reason) in found.items() if not code}
    if reasons:
        problems = _flag(problems, todo & t.isin(list(reasons)), lambda m: t[m].map(reasons))
    if codes:
        hit = todo & t.isin(list(codes))
        t = t.mask(hit, t.map(codes))
        summary = "、".join(f"{k}→{v}" for k, v in codes.items())
        notes.append((WARNING, f"县区代码列填写的是县区名称，已按行政区划换算：{summary}（{int(hit.sum())} 行）"))
    return t, problems, notes


def clean_text(col: contract.Column, s: pd.Series) -> Cleaned:
    problems = _none(s.index)
    t, problems, notes = _blank_rules(col, s, s, problems)
    return Cleaned(t, problems, notes)


def _matches(s: pd.Series, pattern: str) -> pd.Series:
    """Whole-cell regular expression match in Arrow (RE2); False for missing cells."""
    hit = pc.match_substring_regex(pa.array(s, from_pandas=True), f"^(?:{pattern})$")
    return pd.Series(hit.fill_null(False).to_numpy(zero_copy_only=False), index=s.index)


def _fast(col: contract.Column, s: pd.Series) -> pd.Series:
    """Cells already in the contract's form, which most cells of a real file are: they skip the
    normalising (whose regular expressions run in Python, not in Arrow)."""
    if col.dtype == contract.INT:
        ok = _matches(s, r"[0-9]{1,15}")
    elif col.dtype == contract.DATE:
        ok = _matches(s, r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    elif col.allowed:
        ok = s.isin(col.allowed)
    elif col.digits:
        ok = _matches(s, rf"[0-9]{{{col.digits}}}")
    elif col.name in ID_COLUMNS:
        ok = _matches(s, r"[\x21-\x7e]+")
    else:
        ok = s.notna()
    ok = ok.fillna(False).astype(bool) & ~s.isin(EMPTY_MARKERS | EXCEL_ERRORS)
    return ok | s.isna() if col.nullable else ok


def _normalise(col: contract.Column, s: pd.Series, counties: CountyLookup | None, table: str | None) -> Cleaned:
    if col.dtype == contract.INT:
        return clean_int(col, s)
    if col.dtype == contract.DATE:
        return clean_date(col, s)
    if col.allowed:
        return clean_enum(col, s, table)
    if col.digits or col.name in ID_COLUMNS:
        return clean_id(col, s, counties)
    return clean_text(col, s)


def clean_column(col: contract.Column, s: pd.Series, counties: CountyLookup | None = None,
                 table: str | None = None) -> Cleaned:
    """One sheet column (stripped text, missing where blank) as the contract's values, a reason
    for each cell that cannot be one, and notes on the conversions."""
    fast = _fast(col, s)
    text, problems, notes = s, _none(s.index), []
    if not fast.all():
        slow = _normalise(col, s[~fast], counties, table)
        text = s.astype(object).where(fast)
        text.loc[slow.values.index] = slow.values.astype(object)
        text = text.astype("str")
        problems.loc[slow.problems.index] = slow.problems.to_numpy(dtype=object)
        notes = slow.notes
    checked = columns.check(col, text, shown=s, cell=True)
    for v in checked.violations:
        problems = _flag(problems, v.mask, lambda m, v=v: pd.Series(v.messages(np.flatnonzero(m.to_numpy())),
                                                                    index=m.index[m.to_numpy()]))
    return Cleaned(checked.values, problems, notes)


# ---------------------------------------------------------------- a whole sheet

def _fill_merged(sheet: RawSheet, start: int) -> list[tuple[int, int, int, int]]:
    """Merged cells in the data area read as one value then blanks; a merge is the user's explicit
    statement that the cells share the value, so each row gets it."""
    filled = []
    for r1, c1, r2, c2 in sheet.merged:
        if r1 < start or r1 >= len(sheet.rows):
            continue
        value = sheet.rows[r1][c1] if c1 < len(sheet.rows[r1]) else None
        for r in range(r1, min(r2, len(sheet.rows) - 1) + 1):
            row = sheet.rows[r]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                row[c] = value
        if r2 > r1:
            filled.append((r1, c1, r2, c2))
    return filled


def clean_sheet(sheet: RawSheet, header: hdr.Header, counties: CountyLookup) -> SheetResult:
    table = contract.TABLES[header.table]
    issues: list[Finding] = []
    where = dict(file=sheet.file, sheet=sheet.sheet, table=table.name)

    def issue(severity: str, message: str, **more) -> None:
        issues.append(Finding(severity, message=message, **where, **more))

    filled = _fill_merged(sheet, header.data_start)
    cells = sheet.text_columns(header.data_start, max(header.columns, default=-1) + 1)
    width = len(cells)
    text = {j: _text_series(c) for j, c in enumerate(cells)}
    n = len(cells[0]) if cells else 0
    rownum = pd.Series(np.arange(header.data_start + 1, header.data_start + 1 + n), dtype="int64")

    for r1, c1, r2, c2 in filled:
        name = header.columns.get(c1)
        place = "" if name else f"第 {c1 + 1} 列"
        issue(WARNING, f"{place}第 {r1 + 1}–{r2 + 1} 行为合并单元格，已把合并单元格的值“{cell_text(sheet.rows[r1][c1]) or ''}”填入每一行",
              row=r1 + 1, column=name or "")

    # Blank rows are layout; 合计 and note lines are listed as skipped, never counted as data.
    ignored = {j for j, t in header_titles(sheet, header).items() if hdr.norm(t) in hdr.IGNORED}
    content = [j for j in range(width) if j not in ignored]
    nonblank = pd.concat([text[j].notna() for j in content], axis=1).any(axis=1) if content and n else pd.Series(False, index=range(n))
    total = pd.Series(False, index=range(n))
    for j in range(width):
        # Cheap test in Arrow first; the exact pattern only on the few cells that mention 计/汇总.
        maybe = text[j].str.contains("计|汇总").fillna(False).astype(bool)
        if maybe.any():
            compact = text[j][maybe].str.replace(r"\s+", "", regex=True)
            total.loc[compact.index] |= compact.str.fullmatch(TOTAL_ROW.pattern).fillna(False).astype(bool)
    first = pd.Series(pd.NA, index=range(n), dtype="str")
    for j in reversed(range(width)):
        first = text[j].where(text[j].notna(), first)
    note = first.str.match(NOTE_ROW.pattern).fillna(False).astype(bool)
    skip_total = total  # even with 序号 as its only other cell, a 合计 line is listed, not dropped
    skip_note = nonblank & ~total & note
    for kind, mask in (("合计行", skip_total), ("说明或签字行", skip_note)):
        for r in rownum[mask]:
            issue(INFO, f"{kind}，不是数据，未导入", row=int(r))
    keep = nonblank & ~skip_total & ~skip_note

    idx = keep[keep].index
    raw = pd.DataFrame({table.label_of(name): text[j][idx].reset_index(drop=True) for j, name in header.columns.items()})
    rows = rownum[idx].reset_index(drop=True)
    m = len(idx)
    problems = pd.DataFrame(columns=PROBLEM_COLUMNS)
    row_reasons = pd.Series(pd.NA, index=range(m), dtype="str")
    parts = []
    values = {}

    sheet_reason = None
    if header.duplicates:
        dup = "、".join(f"“{table.label_of(c)}”（第 {'、'.join(str(j + 1) for j in cols)} 列）" for c, cols in header.duplicates.items())
        sheet_reason = f"表头中重复出现{dup}，无法确定用哪一列"
    elif header.missing:
        sheet_reason = "缺少必填列：" + "、".join(f"“{table.label_of(c)}”" for c in header.missing)
    if sheet_reason:
        issue(ERROR, f"{sheet_reason}；本表 {m} 行全部未导入")
        row_reasons = pd.Series([sheet_reason] * m, dtype="str")
        parts.append(pd.DataFrame({"_row": rows, "column": "", "value": "", "message": sheet_reason}))
    else:
        by_name = {name: j for j, name in header.columns.items()}
        for col in table.columns:
            if col.name not in by_name:
                issue(INFO, f"表中没有“{col.label}”列，按空值导入", column=col.name)
                values[col.name] = pd.Series([None] * m, dtype=object)
                continue
            s = text[by_name[col.name]][idx].reset_index(drop=True)
            c = clean_column(col, s, counties, table.name)
            values[col.name] = c.values
            for severity, message in c.notes:
                issue(severity, message, column=col.name)
            bad = c.problems.notna()
            if bad.any():
                parts.append(pd.DataFrame({"_row": rows[bad], "column": col.label,
                                           "value": s[bad].fillna(""), "message": c.problems[bad]}))
                reason = (col.label + "：" + c.problems.astype("str")).where(bad)
                row_reasons = _join(row_reasons, reason)
    if parts:
        problems = pd.concat(parts, ignore_index=True)

    rejected_mask = row_reasons.notna()
    meta = pd.DataFrame({"_file": sheet.file, "_sheet": sheet.sheet, "_row": rows})
    if sheet_reason:
        accepted = _empty_accepted(table)
    else:
        accepted = pd.concat([pd.DataFrame(values), meta], axis=1)[~rejected_mask.to_numpy()].reset_index(drop=True)
    rejected = pd.concat([raw, meta], axis=1)[rejected_mask.to_numpy()].reset_index(drop=True)
    rejected["_reason"] = row_reasons[rejected_mask].to_numpy()
    count = TableCount(table.name, read=m, accepted=len(accepted), rejected=len(rejected),
                       skipped=int(skip_total.sum() + skip_note.sum()))
    for j, title in header.unknown:
        has_data = bool(text[j][idx].notna().any()) if j in text else False
        other = next((t for t in hdr.TITLES.values() if t.table != table.name and t.match(title)), None)
        if other is not None:
            # 学校名称 beside 学校标识码 in a yearly sheet: there for the reader, held by another table.
            issue(INFO, f"“{title}”属于“{contract.TABLES[other.table].label}”表，在本表中不导入（第 {j + 1} 列）")
        else:
            issue(WARNING if has_data else INFO, f"“{title}”不是“{table.label}”表的列（第 {j + 1} 列），其内容未导入")
    if header.column_number_row is not None:
        issue(INFO, "栏次行（甲、乙、1、2……），不是数据，未导入", row=header.column_number_row + 1)
    return SheetResult(table.name, sheet.file, sheet.sheet, accepted, rejected, problems, issues, count)


def _join(acc: pd.Series, more: pd.Series) -> pd.Series:
    """Row-wise "a；b" of two reason columns, either of which may be missing."""
    both = acc.notna() & more.notna()
    acc = acc.mask(both, acc + "；" + more)
    return acc.mask(acc.isna() & more.notna(), more)


def header_titles(sheet: RawSheet, header: hdr.Header) -> dict[int, str]:
    """The deepest non-empty title of each column of the header block."""
    out = {}
    for i in header.rows:
        for j, v in enumerate(sheet.rows[i]):
            t = cell_text(v)
            if t and t.strip():
                out[j] = t
    return out


def _empty_accepted(table: contract.Table) -> pd.DataFrame:
    return pd.DataFrame({**{c: pd.Series([], dtype=object) for c in table.names},
                         "_file": pd.Series([], dtype="str"), "_sheet": pd.Series([], dtype="str"),
                         "_row": pd.Series([], dtype="int64")})
