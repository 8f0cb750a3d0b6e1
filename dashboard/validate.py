"""Check an extract against the data contract (DESIGN.md §4) and the organisation rules (domain.md).

`check_tables` runs every rule on in-memory tables (the importers call it on what they read from
spreadsheets); `check_dir` first checks the Parquet files themselves, then runs the same rules.
Errors break the contract or an identity the dashboard's figures rely on; warnings are the
rule-of-thumb findings a bureau wants to look at but that real data may legitimately show.

Everything is vectorised: a national extract has millions of school-year rows, so Python only
touches the rows that are reported, to format their messages.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import config, contract
from dashboard.contract import DATE, INT, STRING

ERROR, WARNING = "error", "warning"
_SEVERITY_LABEL = {ERROR: "错误", WARNING: "警告"}
_TYPE_LABEL = {STRING: "文本", INT: "整数", DATE: "日期"}
_NULL = "(空)"
# Printed findings per rule; the rest are counted, so a systematically broken extract stays readable.
DEFAULT_PRINT_LIMIT = 50

# Rule-of-thumb thresholds from the organisation regulations (domain.md).
BRANCH_MAX_MEMBERS = 50
GENERAL_BRANCH_MIN_MEMBERS = 50
COMMITTEE_MIN_MEMBERS = 100
TERM_YEARS = {"党支部": 3, "党总支": 3, "党委": 5}
MAX_TERM_YEARS = 5
JOINT_MAX_SCHOOLS = 5
OWN_ORG_MIN_FULL_MEMBERS = 3


@dataclass(frozen=True, slots=True)  # slots: a broken national extract yields millions of these
class Finding:
    severity: str   # "error" or "warning"
    table: str      # contract table name
    key: str        # the row's key in Chinese-labelled form, or "" for a table-level finding
    column: str     # contract column name, or ""
    message: str    # Chinese
    row: int | None = None  # 0-based row position in the table when known

    def __str__(self) -> str:
        spec = contract.TABLES.get(self.table)
        where = f"{spec.label}({self.table}.parquet)" if spec else self.table
        if self.key:
            where += f" [{self.key}]"
        if self.column:
            col = spec.column_map.get(self.column) if spec else None
            where += f" {col.label}({self.column})" if col else f" {self.column}"
        return f"{_SEVERITY_LABEL.get(self.severity, self.severity)} {where}:{self.message}"


def check_tables(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Every rule on in-memory tables; values are coerced to the contract's types where possible."""
    return _flatten(_check_tables_groups(tables))


def check_dir(data_dir) -> list[Finding]:
    """The Parquet files in data_dir (present, readable, columns and types), then every rule."""
    return _flatten(_check_dir_groups(data_dir))


# ---------------------------------------------------------------------------------------------
# Command line

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default=None,
                        help="数据目录(默认为看板打开的数据目录)")
    parser.add_argument("--limit", type=int, default=DEFAULT_PRINT_LIMIT,
                        help=f"每条规则最多显示的问题数(默认 {DEFAULT_PRINT_LIMIT};0 表示全部显示)")


def run(args) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else config.data_dir()
    groups = _check_dir_groups(data_dir)
    limit = args.limit if args.limit and args.limit > 0 else None
    print(f"数据目录:{data_dir}")
    counts = {ERROR: 0, WARNING: 0}
    for severity in (ERROR, WARNING):
        for g in groups:
            if g.severity != severity:
                continue
            counts[severity] += g.count
            # Only the printed findings are formatted: a broken national extract has millions.
            for f in g.findings(limit):
                print(f)
            if limit is not None and g.count > limit:
                print(f"  ……同类{_SEVERITY_LABEL[severity]}另有 {g.count - limit} 条未显示")
    print(f"检查完成:{counts[ERROR]} 个错误,{counts[WARNING]} 个警告")
    return 1 if counts[ERROR] else 0


# ---------------------------------------------------------------------------------------------
# Reading the files

def _check_dir_groups(data_dir) -> list[_Group]:
    data_dir = Path(data_dir)
    groups: list[_Group] = []
    tables: dict[str, pd.DataFrame] = {}
    unread: set[str] = set()  # tables whose file is reported already: not "missing" again

    def add(rule: str, f: Finding) -> None:
        groups.append(_Group.of(rule, [f]))

    for name, spec in contract.TABLES.items():
        path = contract.parquet_path(data_dir, name)
        if not path.is_file():
            if not spec.optional:
                add("file.missing", Finding(ERROR, name, "", "", f"缺少文件 {path}"))
            unread.add(name)
            continue
        try:
            schema = pq.read_schema(path)
            present = [c.name for c in spec.columns if c.name in schema.names]
            arrow = pq.read_table(path, columns=present)
        except Exception as exc:  # any unreadable file is reported, never raised
            add("file.unreadable", Finding(ERROR, name, "", "", f"无法读取文件 {path}:{exc}"))
            unread.add(name)
            continue
        for extra in (n for n in schema.names if n not in spec.column_map):
            add("file.extra_column", Finding(WARNING, name, "", "", f"文件中有数据规范之外的列“{extra}”,看板将忽略它"))
        columns = {}
        for c in spec.columns:
            if c.name not in present:
                continue  # check_tables reports missing columns
            col = arrow.column(c.name)
            if not _arrow_type_ok(c.dtype, col.type):
                add("file.type", Finding(ERROR, name, "", c.name,
                                         f"列类型应为{_TYPE_LABEL[c.dtype]},实为 {col.type}"))
                if c.dtype == STRING:
                    # Cast so that the row checks still show, e.g., a 学校标识码 that lost its leading zero.
                    try:
                        col = pc.cast(col, pa.string())
                    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                        col = pa.nulls(len(col), pa.string())
            columns[c.name] = col
        if columns:
            tables[name] = pa.table(columns).to_pandas(
                date_as_object=False,
                types_mapper=lambda t: pd.Int64Dtype() if pa.types.is_integer(t) else None)
        else:
            tables[name] = pd.DataFrame(index=range(arrow.num_rows))
    return groups + _check_tables_groups(tables, skip_missing=unread)


def _arrow_type_ok(dtype: str, t: pa.DataType) -> bool:
    if pa.types.is_null(t):
        return True  # an all-null column: the null check decides
    if pa.types.is_dictionary(t):
        t = t.value_type
    if dtype == STRING:
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    if dtype == INT:
        return pa.types.is_integer(t)
    return pa.types.is_date(t)


# ---------------------------------------------------------------------------------------------
# The rules

class _Group:
    """The findings of one rule on one table column: counted at once, formatted on demand."""

    def __init__(self, rule: str, severity: str, count: int, make: Callable[[int | None], list[Finding]]):
        self.rule, self.severity, self.count, self._make = rule, severity, count, make

    @classmethod
    def of(cls, rule: str, findings: list[Finding]) -> "_Group":
        return cls(rule, findings[0].severity, len(findings), lambda limit: findings[:limit])

    def findings(self, limit: int | None = None) -> list[Finding]:
        return self._make(limit)


def _flatten(groups: list[_Group]) -> list[Finding]:
    return [f for g in groups for f in g.findings()]


class _View:
    """One table: the rows as given (for display) and as typed by the contract (for the rules)."""

    def __init__(self, spec: contract.Table, df: pd.DataFrame | None):
        self.spec = spec
        self.exists = df is not None
        self.raw = (df if df is not None else pd.DataFrame()).reset_index(drop=True)
        self.present = {c for c in spec.names if c in self.raw.columns}
        self.typed = pd.DataFrame(index=self.raw.index)
        self._num: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.raw)

    def has(self, *columns: str) -> bool:
        return all(c in self.present for c in columns)

    def num(self, column: str) -> np.ndarray:
        """An integer column as float64 with NaN for missing or invalid values, for NA-safe arithmetic."""
        if column not in self._num:
            self._num[column] = self.typed[column].to_numpy("float64", na_value=np.nan)
        return self._num[column]

    def keys(self, rows: np.ndarray) -> list[str]:
        """The Chinese-labelled key of each row; a value the contract rejected is shown as given."""
        out = None
        for k in self.spec.key:
            prefix = f"{self.spec.label_of(k)}="
            if k in self.typed:
                typed = self.typed[k].iloc[rows]
                texts = _texts(typed)
                if k in self.raw:
                    for i in np.flatnonzero(typed.isna().to_numpy()):
                        texts[i] = _fmt(self.raw[k].iloc[rows[i]])
            elif k in self.raw:
                texts = _texts(self.raw[k].iloc[rows])
            else:
                texts = [_NULL] * len(rows)
            out = [prefix + t for t in texts] if out is None else [a + ", " + prefix + t for a, t in zip(out, texts)]
        return out


class _Checker:
    def __init__(self, tables: dict[str, pd.DataFrame], skip_missing: set[str] = frozenset()):
        self.groups: list[_Group] = []
        self.v: dict[str, _View] = {}
        for name, spec in contract.TABLES.items():
            view = _View(spec, tables.get(name))
            self.v[name] = view
            if not view.exists and name not in skip_missing and not spec.optional:
                self.emit_one("table.missing", ERROR, name, "", f"缺少表 {name}({spec.label})")

    # -- recording ----------------------------------------------------------------------------
    def emit_one(self, rule: str, severity: str, table: str, column: str, message: str) -> None:
        self.groups.append(_Group.of(rule, [Finding(severity, table, "", column, message)]))

    def emit(self, rule: str, severity: str, table: str, mask, column: str,
             message: str | Callable[[pd.DataFrame], Sequence[str]], **extra) -> None:
        """One finding per row where mask is true; `message` formats them from the typed rows
        (plus any `extra` arrays aligned with the table)."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(rows):
            return
        view = self.v[table]

        def make(limit: int | None) -> list[Finding]:
            r = rows[:limit]
            if callable(message):
                sub = view.typed.iloc[r].copy()
                for name, values in extra.items():
                    sub[name] = (values.iloc[r].to_numpy(dtype=object) if isinstance(values, pd.Series)
                                 else np.asarray(values)[r])
                messages = list(message(sub))
            else:
                messages = [message] * len(r)
            return [Finding(severity, table, k, column, m, p)
                    for k, m, p in zip(view.keys(r), messages, r.tolist())]

        self.groups.append(_Group(rule, severity, len(rows), make))

    # -- structure ----------------------------------------------------------------------------
    def structure(self) -> None:
        for name, view in self.v.items():
            for c in view.spec.columns:
                if c.name not in view.present:
                    if view.exists and not c.optional:
                        self.emit_one("structure.missing_column", ERROR, name, c.name,
                                      "缺少此列")
                    view.typed[c.name] = _empty(c.dtype, len(view))
                    continue
                view.typed[c.name] = self._coerce(view, c)

    def _coerce(self, view: _View, c: contract.Column) -> pd.Series:
        name, raw = view.spec.name, view.raw[c.name]
        missing = raw.isna().to_numpy()
        if c.dtype == STRING:
            s, bad = raw, np.zeros(len(raw), bool)
            if not (isinstance(s.dtype, pd.StringDtype) or s.dtype == object):
                self.emit_one("structure.type", ERROR, name, c.name, f"列类型应为文本,实为 {s.dtype}")
                s = s.map(_fmt, na_action="ignore")
            elif s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
                bad = np.fromiter((not isinstance(x, str) for x in s), bool, len(s)) & ~missing
                self.emit("structure.type", ERROR, name, bad, c.name,
                          lambda sub: [f"应为文本,实为“{_fmt(x)}”" for x in sub["_v"]], _v=s)
                s = s.where(~bad, None)
            s = s.astype("str")
            # A blank cell is how spreadsheets say "empty": treat it as missing, not as a value.
            blank = s.str.strip().eq("").fillna(False).to_numpy(bool)
            if not c.nullable:
                self.emit("structure.null", ERROR, name, missing | blank, c.name, f"{c.label}不能为空")
            ok = ~missing & ~blank & ~bad
            if c.digits:
                bad_digits = ok & ~s.str.fullmatch(f"[0-9]{{{c.digits}}}").fillna(False).to_numpy(bool)
                self.emit("structure.digits", ERROR, name, bad_digits, c.name,
                          lambda sub: [f"应为 {c.digits} 位数字(半角 0–9),实为“{x}”"
                                       + (f"({len(x)} 位)" if len(x) != c.digits else "") for x in sub["_v"]], _v=s)
            if c.allowed:
                bad_value = ok & ~s.isin(c.allowed).to_numpy(bool)
                allowed = "、".join(c.allowed)
                self.emit("structure.allowed", ERROR, name, bad_value, c.name,
                          lambda sub: [f"取值“{x}”不在允许范围({allowed})内" for x in sub["_v"]], _v=s)
            return s.where(~blank, None) if blank.any() else s

        if c.dtype == INT:
            bad = np.zeros(len(raw), bool)
            if pd.api.types.is_integer_dtype(raw):
                typed = raw.astype("Int64")
            else:
                if pd.api.types.is_bool_dtype(raw):
                    arr = np.full(len(raw), np.nan)
                else:
                    num = raw if pd.api.types.is_numeric_dtype(raw) else pd.to_numeric(raw, errors="coerce")
                    arr = num.to_numpy("float64", na_value=np.nan)
                with np.errstate(invalid="ignore"):
                    bad = ~missing & (~np.isfinite(arr) | (np.floor(arr) != arr))
                self.emit("structure.type", ERROR, name, bad, c.name, lambda sub: [
                    f"应为整数,实为“{_fmt(x)}”" for x in sub["_v"]], _v=raw)
                typed = pd.Series(pd.array(np.where(bad, np.nan, arr), dtype="Float64"),
                                  index=raw.index).astype("Int64")
            if not c.nullable:
                self.emit("structure.null", ERROR, name, missing, c.name, f"{c.label}不能为空")
            if c.min_value is None and c.max_value is None:
                return typed
            arr = typed.to_numpy("float64", na_value=np.nan)
            lo = c.min_value if c.min_value is not None else -np.inf
            hi = c.max_value if c.max_value is not None else np.inf
            with np.errstate(invalid="ignore"):
                out = ~np.isnan(arr) & ((arr < lo) | (arr > hi))
            if c.max_value is None:
                text = f"不能小于 {c.min_value}"
            elif c.min_value is None:
                text = f"不能大于 {c.max_value}"
            else:
                text = f"应在 {c.min_value}–{c.max_value} 之间"
            self.emit("structure.range", ERROR, name, out, c.name,
                      lambda sub: [f"取值 {_fmt(x)} 超出范围:{c.label}{text}" for x in sub["_v"]], _v=arr)
            # Out of range is reported once; the cross-table rules then treat the value as unknown.
            return typed.mask(out) if out.any() else typed

        # DATE
        if pd.api.types.is_datetime64_any_dtype(raw):
            d = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
            bad = np.zeros(len(raw), bool)
        else:
            kind = pd.api.types.infer_dtype(raw, skipna=True)
            # Dates and timestamps convert exactly; free text needs the slower per-value parser.
            fmt = None if kind in ("date", "datetime", "datetime64", "empty") else "mixed"
            d = pd.to_datetime(raw, errors="coerce", format=fmt)
            bad = ~missing & d.isna().to_numpy()
            self.emit("structure.type", ERROR, name, bad, c.name, lambda sub: [
                f"应为日期(如 2024-03-15),实为“{_fmt(x)}”" for x in sub["_v"]], _v=raw)
        if not c.nullable:
            self.emit("structure.null", ERROR, name, missing, c.name, f"{c.label}不能为空")
        years = d.dt.year.to_numpy("float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            out = (years < contract.MIN_YEAR) | (years > contract.MAX_YEAR)
        self.emit("structure.range", ERROR, name, out, c.name, lambda sub: [
            f"日期 {_fmt(x)} 超出范围:应在 {contract.MIN_YEAR}–{contract.MAX_YEAR} 年之间" for x in sub["_v"]], _v=d)
        return d.where(~out) if out.any() else d

    # -- identifier codes -------------------------------------------------------------------------
    def encode(self) -> None:
        self.codes: dict[tuple[str, str], np.ndarray] = {}
        self.domain_size: dict[tuple[str, str], int] = {}
        for columns in _DOMAINS.values():
            codes, size = _encode([_arrow(self.v[t].typed[c]) for t, c in columns])
            for tc, k in zip(columns, codes):
                self.codes[tc], self.domain_size[tc] = k, size
        self._indexes: dict[tuple[str, str, bool], _Index] = {}

    def index(self, table: str, column: str, by_year: bool = False) -> _Index:
        """The rows of `table` by `column` (and its year); cached, several rules share them."""
        k = (table, column, by_year)
        if k not in self._indexes:
            years = self.v[table].num("year") if by_year else None
            self._indexes[k] = _Index(self.codes[(table, column)], self.domain_size[(table, column)], years)
        return self._indexes[k]

    # -- keys -----------------------------------------------------------------------------------
    def keys(self) -> None:
        for name, view in self.v.items():
            key = view.spec.key
            if not view.exists or not view.has(*key) or not len(view):
                continue
            index = self.index(name, key[0], by_year=len(key) > 1)
            counts = np.zeros(len(view), dtype=np.int64)
            counts[index.rows] = index.counts()
            dup = counts > 1
            if not dup.any():
                continue
            # The first row of a duplicated key is the one kept; the later ones are reported.
            rows = np.flatnonzero(dup)
            later = np.zeros(len(view), dtype=bool)
            later[rows[pd.Series(index.keys[np.searchsorted(index.rows, rows)]).duplicated().to_numpy()]] = True
            labels = "+".join(view.spec.label_of(k) for k in key)
            # Default arguments bind this table's values: the messages are formatted later, on demand.
            self.emit("key.duplicate", ERROR, name, later, "", lambda sub, labels=labels: [
                f"主键重复:同一{labels}共出现 {n} 次" for n in sub["_count"]], _count=counts)

    # -- references -------------------------------------------------------------------------------
    def references(self) -> None:
        v = self.v
        self._ref("schools", "county_code", "regions", "county_code")
        self._ref("school_years", "school_id", "schools", "school_id")
        self._ref("member_flows", "school_id", "schools", "school_id")
        self._ref("orgs", "host_school_id", "schools", "school_id")
        self._ref("honors", "school_id", "schools", "school_id")
        self._ref("honors", "org_id", "orgs", "org_id")

        sy, orgs = v["school_years"], v["orgs"]
        if sy.has("org_id", "year") and orgs.has("org_id", "year") and orgs.exists:
            pos = self.index("orgs", "org_id", by_year=True).lookup(self.codes[("school_years", "org_id")],
                                                                    sy.num("year"))
            bad = sy.typed["org_id"].notna().to_numpy() & ~np.isnan(sy.num("year")) & (pos < 0)
            self.emit("ref.school_years.org_id", ERROR, "school_years", bad, "org_id", lambda sub: [
                f"覆盖党组织编号“{o}”在党组织表(orgs)的 {_fmt(y)} 年数据中不存在"
                for o, y in zip(sub["org_id"], sub["year"])])

        if orgs.has("org_id", "parent_org_id", "year"):
            parent, own = self.codes[("orgs", "parent_org_id")], self.codes[("orgs", "org_id")]
            has_parent = parent >= 0
            itself = has_parent & (parent == own)
            self.emit("ref.orgs.parent_self", ERROR, "orgs", itself, "parent_org_id",
                      "上级党组织不能是本组织")
            pos = self.index("orgs", "org_id", by_year=True).lookup(parent, orgs.num("year"))
            bad = has_parent & ~itself & ~np.isnan(orgs.num("year")) & (pos < 0)
            self.emit("ref.orgs.parent", ERROR, "orgs", bad, "parent_org_id", lambda sub: [
                f"上级党组织编号“{p}”在党组织表(orgs)的 {_fmt(y)} 年数据中不存在"
                for p, y in zip(sub["parent_org_id"], sub["year"])])

        h = v["honors"]
        if h.has("school_id", "org_id"):
            neither = (h.typed["school_id"].isna() & h.typed["org_id"].isna()).to_numpy()
            self.emit("ref.honors.owner", ERROR, "honors", neither, "school_id",
                      "学校标识码和党组织编号至少应填写一项")

    def _ref(self, table: str, column: str, target: str, target_column: str) -> None:
        src, dst = self.v[table], self.v[target]
        if not (src.has(column) and dst.has(target_column) and dst.exists):
            return
        codes = self.codes[(table, column)]
        bad = (codes >= 0) & (self.index(target, target_column).lookup(codes) < 0)
        label, dst_label = src.spec.label_of(column), dst.spec.label
        self.emit(f"ref.{table}.{column}", ERROR, table, bad, column, lambda sub: [
            f"{label}“{x}”在{dst_label}表({target})中不存在" for x in sub[column]])

    # -- years ----------------------------------------------------------------------------------
    def years(self) -> None:
        v = self.v
        sch = v["schools"]
        if sch.has("opened_year", "closed_year"):
            opened, closed = sch.num("opened_year"), sch.num("closed_year")
            with np.errstate(invalid="ignore"):
                bad = closed <= opened
            self.emit("year.closed_before_opened", ERROR, "schools", bad, "closed_year", lambda sub: [
                f"撤并年份 {_fmt(c)} 应晚于开办年份 {_fmt(o)}"
                for c, o in zip(sub["closed_year"], sub["opened_year"])])

        if sch.has("school_id", "opened_year", "closed_year") and sch.exists:
            schools_by_id = self.index("schools", "school_id")
            for table in ("school_years", "member_flows"):
                t = v[table]
                if not t.has("school_id", "year"):
                    continue
                pos = schools_by_id.lookup(self.codes[(table, "school_id")])
                opened, closed = _take(sch.num("opened_year"), pos), _take(sch.num("closed_year"), pos)
                year = t.num("year")
                with np.errstate(invalid="ignore"):
                    before = year < opened
                    after = year >= closed
                label = t.spec.label
                self.emit(f"year.{table}.not_open", ERROR, table, before, "year", lambda sub, label=label: [
                    f"学校 {_fmt(o)} 年才开办,{_fmt(y)} 年不应有{label}数据"
                    for o, y in zip(sub["_opened"], sub["year"])], _opened=opened)
                self.emit(f"year.{table}.closed", ERROR, table, after, "year", lambda sub, label=label: [
                    f"学校已于 {_fmt(c)} 年撤并,{_fmt(y)} 年不应有{label}数据"
                    for c, y in zip(sub["_closed"], sub["year"])], _closed=closed)

            sy = v["school_years"]
            if sy.has("school_id", "year") and sy.exists:
                self._missing_school_years(sch, sy)

        h = v["honors"]
        if h.has("year_awarded", "revoked_year"):
            with np.errstate(invalid="ignore"):
                bad = h.num("revoked_year") < h.num("year_awarded")
            self.emit("year.honors.revoked", ERROR, "honors", bad, "revoked_year", lambda sub: [
                f"撤销年份 {_fmt(r)} 早于授予年份 {_fmt(a)}"
                for r, a in zip(sub["revoked_year"], sub["year_awarded"])])

    def _missing_school_years(self, sch: _View, sy: _View) -> None:
        """Every school open in a year the extract covers must have that year's row."""
        years = np.unique(sy.num("year")[~np.isnan(sy.num("year"))])
        codes = self.codes[("schools", "school_id")]
        opened, closed = sch.num("opened_year"), sch.num("closed_year")
        valid = (codes >= 0) & ~np.isnan(opened)
        rows_by_year = []
        for y in years:  # one pass per year the extract covers (a handful), not per row
            with np.errstate(invalid="ignore"):
                open_ = valid & (opened <= y) & (np.isnan(closed) | (closed > y))
            rows = np.flatnonzero(open_)
            pos = self.index("school_years", "school_id", by_year=True).lookup(codes[rows], np.full(len(rows), y))
            rows_by_year.append((y, rows[pos < 0]))
        sid_label, year_label = sy.spec.label_of("school_id"), sy.spec.label_of("year")
        ids, names = sch.typed["school_id"], sch.typed["school_name"]
        for y, rows in rows_by_year:
            if not len(rows):
                continue

            def make(limit: int | None, y=y, rows=rows) -> list[Finding]:
                r = rows[:limit]
                return [Finding(ERROR, "school_years", f"{sid_label}={sid}, {year_label}={_fmt(y)}", "",
                                f"学校“{_fmt(n)}”在 {_fmt(y)} 年开办中,但缺少该年度的记录")
                        for sid, n in zip(ids.iloc[r].tolist(), names.iloc[r].tolist())]

            self.groups.append(_Group("year.school_years.missing", ERROR, len(rows), make))

    # -- coverage ---------------------------------------------------------------------------------
    def coverage(self) -> None:
        sy = self.v["school_years"]
        if not sy.has("coverage", "org_id"):
            return
        cov, org = sy.typed["coverage"], sy.typed["org_id"]
        by_org = cov.isin(contract.ORG_COVERAGES).to_numpy(bool)
        no_org = cov.isin([c for c in contract.COVERAGES if c not in contract.ORG_COVERAGES]).to_numpy(bool)
        has_org = org.notna().to_numpy()
        self.emit("coverage.org_required", ERROR, "school_years", by_org & ~has_org, "org_id", lambda sub: [
            f"覆盖方式为“{c}”时必须填写覆盖党组织编号" for c in sub["coverage"]])
        self.emit("coverage.org_forbidden", ERROR, "school_years", no_org & has_org, "org_id", lambda sub: [
            f"覆盖方式为“{c}”时覆盖党组织编号应为空,实为“{o}”" for c, o in zip(sub["coverage"], sub["org_id"])])

    # -- member flows -------------------------------------------------------------------------------
    def flows(self) -> None:
        mf = self.v["member_flows"]
        spec = mf.spec
        terms = ("members_start",) + contract.FLOW_INFLOWS + contract.FLOW_OUTFLOWS
        if mf.has("members_end", *terms):
            expected = mf.num("members_start").copy()
            for c in contract.FLOW_INFLOWS:
                expected = expected + mf.num(c)
            for c in contract.FLOW_OUTFLOWS:
                expected = expected - mf.num(c)
            end = mf.num("members_end")
            bad = ~np.isnan(expected) & ~np.isnan(end) & (expected != end)

            def identity(sub: pd.DataFrame) -> list[str]:
                # Formatted column by column: a systematically broken extract reports millions of these.
                terms = [("", "members_start")] + [(" + ", c) for c in contract.FLOW_INFLOWS] \
                    + [(" − ", c) for c in contract.FLOW_OUTFLOWS]
                rhs = [""] * len(sub)
                for sign, c in terms:
                    prefix = f"{sign}{spec.label_of(c)} "
                    rhs = [a + prefix + b for a, b in zip(rhs, _texts(sub[c]))]
                return [f"年末党员数 {e} 与 {r} = {x} 不相等"
                        for e, r, x in zip(_texts(sub["members_end"]), rhs, _texts(sub["_expected"]))]

            self.emit("flow.identity", ERROR, "member_flows", bad, "members_end", identity, _expected=expected)

        for part, whole in (("probationary", "members_end"), ("female", "members_end"),
                            ("aged_35_or_under", "members_end"), ("admitted_backbone", "admitted")):
            if not mf.has(part, whole):
                continue
            with np.errstate(invalid="ignore"):
                bad = mf.num(part) > mf.num(whole)
            self.emit(f"flow.{part}_le_{whole}", ERROR, "member_flows", bad, part, lambda sub, p=part, w=whole: [
                f"{spec.label_of(p)} {_fmt(a)} 超过{spec.label_of(w)} {_fmt(b)}" for a, b in zip(sub[p], sub[w])])

    # -- warnings -------------------------------------------------------------------------------------
    def warnings(self) -> None:
        v = self.v
        orgs = v["orgs"]
        if orgs.has("org_type", "full_members", "probationary_members"):
            otype = orgs.typed["org_type"]
            members = orgs.num("full_members") + orgs.num("probationary_members")
            for type_, bad_size, text in (
                    ("党总支", members < GENERAL_BRANCH_MIN_MEMBERS, f"党总支党员数通常应在 {GENERAL_BRANCH_MIN_MEMBERS} 名以上"),
                    ("党委", members < COMMITTEE_MIN_MEMBERS, f"党委党员数通常应在 {COMMITTEE_MIN_MEMBERS} 名以上(不足的需经批准)"),
                    ("党支部", members > BRANCH_MAX_MEMBERS, f"党支部党员数不应超过 {BRANCH_MAX_MEMBERS} 名")):
                mask = otype.eq(type_).fillna(False).to_numpy(bool) & bad_size
                self.emit(f"warn.org_size.{type_}", WARNING, "orgs", mask, "org_type", lambda sub, text=text: [
                    f"党员 {_fmt(m)} 名(正式 {_fmt(f)}、预备 {_fmt(p)}):{text}"
                    for m, f, p in zip(sub["_members"], sub["full_members"], sub["probationary_members"])],
                    _members=members)

        if orgs.has("org_type", "term_years"):
            otype = orgs.typed["org_type"]
            expected = np.full(len(orgs), np.nan)
            for type_, years in TERM_YEARS.items():
                expected[otype.eq(type_).fillna(False).to_numpy(bool)] = years
            term = orgs.num("term_years")
            with np.errstate(invalid="ignore"):
                bad = ((~np.isnan(expected) & (term != expected)) | (term > MAX_TERM_YEARS)) & ~np.isnan(term)

            def term_message(sub: pd.DataFrame) -> list[str]:
                out = []
                for t, e, y in zip(sub["org_type"], sub["_expected"], sub["term_years"]):
                    parts = []
                    if not _isna(e) and y != e:
                        parts.append(f"{t}任期一般为 {_fmt(e)} 年,此处为 {_fmt(y)} 年")
                    if y > MAX_TERM_YEARS:
                        parts.append(f"任期 {_fmt(y)} 年超过 {MAX_TERM_YEARS} 年")
                    out.append(";".join(parts))
                return out

            self.emit("warn.term", WARNING, "orgs", bad, "term_years", term_message, _expected=expected)

        sy = v["school_years"]
        if orgs.has("org_id", "year", "formation") and sy.has("org_id", "year"):
            # How many school-year rows point at each organisation-year: one row per school when
            # school_years' key is unique (a duplicate is an error of its own).
            by_org = self.index("orgs", "org_id", by_year=True)
            pos = by_org.lookup(self.codes[("school_years", "org_id")], sy.num("year"))
            n = np.bincount(pos[pos >= 0], minlength=len(orgs))
            joint = orgs.typed["formation"].eq("联合建立").fillna(False).to_numpy(bool)
            self.emit("warn.joint_size", WARNING, "orgs", joint & (n > JOINT_MAX_SCHOOLS), "formation", lambda sub: [
                f"联合建立的党组织覆盖 {_fmt(k)} 所学校,通常不超过 {JOINT_MAX_SCHOOLS} 所" for k in sub["_n"]], _n=n)

        mf = v["member_flows"]
        if sy.has("school_id", "year", "coverage") and mf.has("school_id", "year", "members_end", "probationary"):
            full = mf.num("members_end") - mf.num("probationary")
            pos = self.index("member_flows", "school_id", by_year=True).lookup(
                self.codes[("school_years", "school_id")], sy.num("year"))
            full_here = _take(full, pos)
            cov = sy.typed["coverage"]
            with np.errstate(invalid="ignore"):
                bad = (full_here >= OWN_ORG_MIN_FULL_MEMBERS) & cov.notna().to_numpy() \
                    & cov.ne("单独建立").fillna(False).to_numpy(bool)
            self.emit("warn.own_org", WARNING, "school_years", bad, "coverage", lambda sub: [
                f"学校有正式党员 {_fmt(k)} 名(≥{OWN_ORG_MIN_FULL_MEMBERS} 名),应单独建立党组织,目前为“{c}”"
                for k, c in zip(sub["_full"], sub["coverage"])], _full=full_here)

        if mf.has("school_id", "year", "members_start", "members_end"):
            pos = self.index("member_flows", "school_id", by_year=True).lookup(
                self.codes[("member_flows", "school_id")], mf.num("year") - 1)
            prev_end = _take(mf.num("members_end"), pos)
            start = mf.num("members_start")
            bad = ~np.isnan(prev_end) & ~np.isnan(start) & (prev_end != start)
            self.emit("warn.flow_continuity", WARNING, "member_flows", bad, "members_start", lambda sub: [
                f"年初党员数 {_fmt(s)} 与上一年({_fmt(y - 1)})年末党员数 {_fmt(p)} 不一致"
                for s, y, p in zip(sub["members_start"], sub["year"], sub["_prev"])], _prev=prev_end)


def _check_tables_groups(tables: dict[str, pd.DataFrame], skip_missing: set[str] = frozenset()
                         ) -> list[_Group]:
    checker = _Checker(tables, skip_missing)
    checker.structure()
    checker.encode()
    checker.keys()
    checker.references()
    checker.years()
    checker.coverage()
    checker.flows()
    checker.warnings()
    return checker.groups


# ---------------------------------------------------------------------------------------------
# Helpers

def _isna(x) -> bool:
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _fmt(x) -> str:
    """One value as a person would write it: whole numbers without ".0", dates without a time."""
    if isinstance(x, str):
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return _NULL if x != x else str(int(x)) if x.is_integer() else str(x)
    if x is None or x is pd.NA or _isna(x):
        return _NULL
    if isinstance(x, pd.Timestamp):
        try:
            return x.date().isoformat() if x == x.normalize() else x.isoformat(sep=" ")
        except (NotImplementedError, ValueError, OverflowError):  # beyond Python's dates
            return str(x)
    return str(x)


def _take(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """values at the looked-up positions, NaN where the lookup found nothing (-1)."""
    out = np.full(len(pos), np.nan)
    hit = pos >= 0
    out[hit] = values[pos[hit]]
    return out


def _texts(values) -> list[str]:
    """_fmt over a whole column at once, vectorised for whole numbers (counts, years)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        a = s.to_numpy("float64", na_value=np.nan)
        whole = np.isfinite(a) & (np.floor(a) == a)
        if whole.all():
            return a.astype(np.int64).astype(str).tolist()
    return [_fmt(x) for x in s.tolist()]


def _empty(dtype: str, n: int) -> pd.Series:
    if dtype == INT:
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if dtype == DATE:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[s]")
    return pd.Series([None] * n, dtype="str")


def _arrow(s: pd.Series) -> pa.Array:
    return pa.array(s, type=pa.large_string(), from_pandas=True)


# Identifier columns that refer to each other share one integer coding, so every key, reference
# and same-year lookup below is integer arithmetic instead of hashing millions of strings again.
_DOMAINS = {
    "county": (("regions", "county_code"), ("schools", "county_code")),
    "school": (("schools", "school_id"), ("school_years", "school_id"), ("member_flows", "school_id"),
               ("orgs", "host_school_id"), ("honors", "school_id")),
    "org": (("orgs", "org_id"), ("orgs", "parent_org_id"), ("school_years", "org_id"), ("honors", "org_id")),
    "honor": (("honors", "honor_id"),),
}
# Above this many cells a (code, year) lookup table would cost too much memory: hash instead.
_DENSE_LIMIT = 1 << 26


def _encode(arrays: list) -> tuple[list[np.ndarray], int]:
    """Integer codes (-1 for null) for several string arrays, equal strings getting equal codes."""
    if not arrays:
        return [], 0
    # One contiguous array: encoding many chunks re-emits the growing dictionary with each chunk.
    chunks = [c for a in arrays for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
    whole = pa.concat_arrays([c.cast(pa.large_string()) for c in chunks]) if chunks else pa.array([], pa.large_string())
    encoded = whole.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.split(codes, np.cumsum([len(a) for a in arrays])[:-1]), len(encoded.dictionary)


class _Index:
    """Rows of a table by identifier code, or by (identifier code, year) when years are given.

    With duplicated keys (an error reported elsewhere) a lookup returns one of the rows."""

    def __init__(self, codes: np.ndarray, size: int, years: np.ndarray | None = None):
        valid = codes >= 0
        if years is not None:
            valid &= ~np.isnan(years)
        rows = np.flatnonzero(valid)
        if years is None:
            self.ymin, self.span = 0, 1
            keys = codes[rows]
        else:
            y = years[rows].astype(np.int64)
            self.ymin = int(y.min()) if len(y) else 0
            self.span = int(y.max()) - self.ymin + 1 if len(y) else 1
            keys = codes[rows] * self.span + (y - self.ymin)
        self.rows, self.keys, self.size = rows, keys, max(size, 1) * self.span
        if self.size <= _DENSE_LIMIT:
            self.table = np.full(self.size, -1, dtype=np.int64)
            self.table[keys] = rows
        else:
            self.table = None
            first = ~pd.Series(keys).duplicated().to_numpy()
            self.index, self.first_rows = pd.Index(keys[first]), rows[first]

    def lookup(self, codes: np.ndarray, years: np.ndarray | None = None) -> np.ndarray:
        """For each code (and year), a row position in the indexed table, or -1."""
        valid = codes >= 0
        keys = codes
        if years is not None:
            offset = np.nan_to_num(years - self.ymin, nan=-1.0)
            valid &= (offset >= 0) & (offset < self.span)
            keys = codes * self.span + np.where(valid, offset, 0).astype(np.int64)
        keys = np.where(valid, keys, 0)
        if self.table is not None:
            pos = self.table[keys]
        else:
            found = self.index.get_indexer(keys)
            pos = np.where(found >= 0, self.first_rows[found], -1)
        return np.where(valid, pos, -1)

    def counts(self) -> np.ndarray:
        """For each indexed row (in self.rows order), how many rows share its key."""
        if self.table is not None:
            return np.bincount(self.keys, minlength=self.size)[self.keys]
        s = pd.Series(self.keys)
        return s.map(s.value_counts()).to_numpy()
