"""Check an extract against the data contract (DESIGN.md §4) and the organisation rules (domain.md).

`check_tables` runs every rule on in-memory tables (the import calls it on the extract it is about
to publish); `check_dir` first checks the Parquet files themselves, then runs the same rules.
Errors break the contract or an identity the dashboard's figures rely on; warnings are the
rule-of-thumb findings a bureau wants to look at but that real data may legitimately show.

Each column is checked against its declaration in contract.py by dashboard/columns.py, the same
interpreter the import's cleaning uses; the thresholds of the warnings are read from rules.py
when the check runs. Findings are dashboard.findings.Finding, the import's type too.

Everything is vectorised: a national extract has millions of school-year rows, so Python only
touches the rows that are reported, to format their messages.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard import columns, config, contract, placement, rules
from dashboard.columns import NULL_TEXT as _NULL, fmt as _fmt, isna as _isna, texts as _texts
from dashboard.contract import DATE, INT, STRING
from dashboard.findings import ERROR, EXISTING, SEVERITY_LABELS, SOURCE_COLUMNS, WARNING, Finding

__all__ = ["ERROR", "WARNING", "Finding", "check_tables", "check_dir", "configure", "run"]

# Printed findings per rule; the rest are counted, so a systematically broken extract stays readable.
DEFAULT_PRINT_LIMIT = 50


def check_tables(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Every rule on in-memory tables; values are coerced to the contract's types where possible
    (see dashboard/columns.py). A table may carry the import's provenance columns (_file, _sheet,
    _row): a finding about one of its rows then names that file, sheet and Excel row, or marks the
    row as one of the data already published when they are empty."""
    return _flatten(_check_tables_groups(tables))


def check_dir(data_dir) -> list[Finding]:
    """The Parquet files in data_dir (present, readable, columns and types), then every rule."""
    return _flatten(_check_dir_groups(data_dir))


# ---------------------------------------------------------------------------------------------
# Command line

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default=None,
                        help="数据目录（默认为看板打开的数据目录）")
    parser.add_argument("--limit", type=int, default=DEFAULT_PRINT_LIMIT,
                        help=f"每条规则最多显示的问题数（默认 {DEFAULT_PRINT_LIMIT}；0 表示全部显示）")


def run(args) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else config.data_dir()
    groups = _check_dir_groups(data_dir)
    limit = args.limit if args.limit and args.limit > 0 else None
    print(f"数据目录：{data_dir}")
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
                print(f"  ……同类{SEVERITY_LABELS[severity]}另有 {g.count - limit} 条未显示")
    print(f"检查完成：{counts[ERROR]} 个错误，{counts[WARNING]} 个警告")
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
            add("file.unreadable", Finding(ERROR, name, "", "", f"无法读取文件 {path}：{exc}"))
            unread.add(name)
            continue
        for extra in (n for n in schema.names if n not in spec.column_map):
            add("file.extra_column", Finding(WARNING, name, "", "", f"文件中有数据规范之外的列“{extra}”，看板将忽略它"))
        present_columns = {}
        for c in spec.columns:
            if c.name not in present:
                continue  # check_tables reports missing columns
            col = arrow.column(c.name)
            if not _arrow_type_ok(c.dtype, col.type):
                add("file.type", Finding(ERROR, name, "", c.name,
                                         f"列类型应为{columns.TYPE_LABELS[c.dtype]}，实为 {col.type}"))
                if c.dtype == STRING:
                    # Cast so that the row checks still show, e.g., a 学校标识码 that lost its leading zero.
                    try:
                        col = pc.cast(col, pa.string())
                    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                        col = pa.nulls(len(col), pa.string())
            present_columns[c.name] = col
        if present_columns:
            tables[name] = pa.table(present_columns).to_pandas(
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
        # The import's provenance of each row, when the table carries it.
        self.source = (tuple(self.raw[c].to_numpy(dtype=object) for c in SOURCE_COLUMNS)
                       if all(c in self.raw.columns for c in SOURCE_COLUMNS) else None)

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
            out = [prefix + t for t in texts] if out is None else [a + "，" + prefix + t for a, t in zip(out, texts)]
        return out

    def finding(self, severity: str, key: str, column: str, message: str, row: int) -> Finding:
        """A finding about one row, placed where the row came from."""
        if self.source is None:
            return Finding(severity, self.spec.name, key, column, message, row)
        files, sheets, lines = self.source
        if _isna(lines[row]):
            return Finding(severity, self.spec.name, key, column, message, None, EXISTING)
        return Finding(severity, self.spec.name, key, column, message, int(lines[row]),
                       str(files[row]), "" if _isna(sheets[row]) else str(sheets[row]))


class _Checker:
    def __init__(self, tables: dict[str, pd.DataFrame], skip_missing: set[str] = frozenset()):
        self.groups: list[_Group] = []
        self.v: dict[str, _View] = {}
        for name, spec in contract.TABLES.items():
            view = _View(spec, tables.get(name))
            self.v[name] = view
            if not view.exists and name not in skip_missing and not spec.optional:
                self.emit_one("table.missing", ERROR, name, "", f"缺少表 {name}（{spec.label}）")

    # -- recording ----------------------------------------------------------------------------
    def emit_one(self, rule: str, severity: str, table: str, column: str, message: str) -> None:
        self.groups.append(_Group.of(rule, [Finding(severity, table, "", column, message)]))

    def emit(self, rule: str, severity: str, table: str, mask, column: str,
             message: str | Callable[[pd.DataFrame], Sequence[str]], **extra) -> None:
        """One finding per row where mask is true; `message` formats them from the typed rows
        (plus any `extra` arrays aligned with the table)."""
        def texts(r: np.ndarray) -> Sequence[str]:
            if not callable(message):
                return [message] * len(r)
            sub = self.v[table].typed.iloc[r].copy()
            for name, values in extra.items():
                sub[name] = (values.iloc[r].to_numpy(dtype=object) if isinstance(values, pd.Series)
                             else np.asarray(values)[r])
            return message(sub)

        self.emit_rows(rule, severity, table, mask, column, texts)

    def emit_rows(self, rule: str, severity: str, table: str, mask, column: str,
                  texts: Callable[[np.ndarray], Sequence[str]]) -> None:
        """One finding per row where mask is true; `texts` formats them from row positions."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(rows):
            return
        view = self.v[table]

        def make(limit: int | None) -> list[Finding]:
            r = rows[:limit]
            return [view.finding(severity, k, column, m, p)
                    for k, m, p in zip(view.keys(r), texts(r), r.tolist())]

        self.groups.append(_Group(rule, severity, len(rows), make))

    # -- structure ----------------------------------------------------------------------------
    def structure(self) -> None:
        """Each column against its declaration in the contract (dashboard/columns.py)."""
        for name, view in self.v.items():
            for c in view.spec.columns:
                if c.name not in view.present:
                    if view.exists and not c.optional:
                        self.emit_one("structure.missing_column", ERROR, name, c.name, "缺少此列")
                    view.typed[c.name] = _empty(c.dtype, len(view))
                    continue
                checked = columns.check(c, view.raw[c.name])
                if checked.wrong_dtype:
                    self.emit_one("structure.type", ERROR, name, c.name,
                                  f"列类型应为{columns.TYPE_LABELS[c.dtype]}，实为 {checked.wrong_dtype}")
                for v in checked.violations:
                    self.emit_rows(f"structure.{v.rule}", ERROR, name, v.mask, c.name, v.messages)
                view.typed[c.name] = checked.values.set_axis(view.raw.index)

    # -- identifier codes -------------------------------------------------------------------------
    def encode(self) -> None:
        self.codes: dict[tuple[str, str], np.ndarray] = {}
        self.domain_size: dict[tuple[str, str], int] = {}
        for members in _DOMAINS.values():
            codes, size = _encode([_arrow(self.v[t].typed[c]) for t, c in members])
            for tc, k in zip(members, codes):
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
            if key[1:] in ((), ("year",)):  # the lookups later rules use: shared, not built twice
                index = self.index(name, key[0], by_year=len(key) > 1)
            else:
                index = _Index(*self._key_codes(name))
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
                f"主键重复：同一{labels}共出现 {n} 次" for n in sub["_count"]], _count=counts)

    def _key_codes(self, table: str) -> tuple[np.ndarray, int]:
        """One integer per row for the table's whole key (-1 where a part is missing), and how many
        such integers there can be: identifier codes, years and months as offsets, enumerations
        as their position, in mixed radix."""
        view = self.v[table]
        code = np.zeros(len(view), dtype=np.int64)
        missing = np.zeros(len(view), dtype=bool)
        total = 1
        for k in view.spec.key:
            col = view.spec.column_map[k]
            if (table, k) in self.codes:
                part, size = self.codes[(table, k)], max(self.domain_size[(table, k)], 1)
            elif col.allowed:
                part = pd.Categorical(view.typed[k], categories=col.allowed).codes.astype(np.int64)
                size = len(col.allowed)
            else:
                values = view.num(k)
                known = ~np.isnan(values)
                lo = np.min(values[known]) if known.any() else 0
                part = np.where(known, values - lo, -1).astype(np.int64)
                size = int(np.max(values[known]) - lo) + 1 if known.any() else 1
            missing |= part < 0
            code = code * size + np.maximum(part, 0)
            total *= size
        # Far below 2**63 even for a nation (identifier codes < 10**7, years < 200, months 12, kinds 7).
        return np.where(missing, -1, code), total

    # -- references -------------------------------------------------------------------------------
    def references(self) -> None:
        v = self.v
        self._ref("schools", "county_code", "regions", "county_code")
        self._ref("school_years", "school_id", "schools", "school_id")
        self._ref("member_flows", "school_id", "schools", "school_id")
        self._ref("orgs", "host_school_id", "schools", "school_id")
        self._ref("honors", "school_id", "schools", "school_id")
        self._ref("honors", "org_id", "orgs", "org_id")
        self._ref_org_year("school_years")
        self._ref_org_year("org_activities")

        orgs = v["orgs"]

        if orgs.has("org_id", "parent_org_id", "year"):
            parent, own = self.codes[("orgs", "parent_org_id")], self.codes[("orgs", "org_id")]
            has_parent = parent >= 0
            itself = has_parent & (parent == own)
            self.emit("ref.orgs.parent_self", ERROR, "orgs", itself, "parent_org_id",
                      "上级党组织不能是本组织")
            pos = self.index("orgs", "org_id", by_year=True).lookup(parent, orgs.num("year"))
            bad = has_parent & ~itself & ~np.isnan(orgs.num("year")) & (pos < 0)
            self.emit("ref.orgs.parent", ERROR, "orgs", bad, "parent_org_id", lambda sub: [
                f"上级党组织编号“{p}”在党组织表（orgs）的 {_fmt(y)} 年数据中不存在"
                for p, y in zip(sub["parent_org_id"], sub["year"])])

        h = v["honors"]
        if h.has("school_id", "org_id"):
            neither = (h.typed["school_id"].isna() & h.typed["org_id"].isna()).to_numpy()
            self.emit("ref.honors.owner", ERROR, "honors", neither, "school_id",
                      "学校标识码和党组织编号至少应填写一项")

    def _ref_org_year(self, table: str) -> None:
        """An organisation named with a year must exist in orgs that year."""
        t, orgs = self.v[table], self.v["orgs"]
        if not (t.has("org_id", "year") and orgs.has("org_id", "year") and orgs.exists):
            return
        pos = self.index("orgs", "org_id", by_year=True).lookup(self.codes[(table, "org_id")], t.num("year"))
        bad = t.typed["org_id"].notna().to_numpy() & ~np.isnan(t.num("year")) & (pos < 0)
        label = t.spec.label_of("org_id")
        self.emit(f"ref.{table}.org_id", ERROR, table, bad, "org_id", lambda sub: [
            f"{label}“{o}”在党组织表（orgs）的 {_fmt(y)} 年数据中不存在"
            for o, y in zip(sub["org_id"], sub["year"])])

    def _ref(self, table: str, column: str, target: str, target_column: str) -> None:
        src, dst = self.v[table], self.v[target]
        if not (src.has(column) and dst.has(target_column) and dst.exists):
            return
        codes = self.codes[(table, column)]
        bad = (codes >= 0) & (self.index(target, target_column).lookup(codes) < 0)
        label, dst_label = src.spec.label_of(column), dst.spec.label
        self.emit(f"ref.{table}.{column}", ERROR, table, bad, column, lambda sub: [
            f"{label}“{x}”在{dst_label}表（{target}）中不存在" for x in sub[column]])

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
                    f"学校 {_fmt(o)} 年才开办，{_fmt(y)} 年不应有{label}数据"
                    for o, y in zip(sub["_opened"], sub["year"])], _opened=opened)
                self.emit(f"year.{table}.closed", ERROR, table, after, "year", lambda sub, label=label: [
                    f"学校已于 {_fmt(c)} 年撤并，{_fmt(y)} 年不应有{label}数据"
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
                return [Finding(ERROR, "school_years", f"{sid_label}={sid}，{year_label}={_fmt(y)}", "",
                                f"学校“{_fmt(n)}”在 {_fmt(y)} 年开办中，但缺少该年度的记录")
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
            f"覆盖方式为“{c}”时覆盖党组织编号应为空，实为“{o}”" for c, o in zip(sub["coverage"], sub["org_id"])])

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

    # -- warnings (thresholds from rules.py, read when the check runs) --------------------------------
    def warnings(self) -> None:
        v = self.v
        orgs = v["orgs"]
        if orgs.has("org_type", "full_members", "probationary_members"):
            otype = orgs.typed["org_type"]
            members = orgs.num("full_members") + orgs.num("probationary_members")
            for band in rules.SIZE_BANDS:
                t = band.org_type
                with np.errstate(invalid="ignore"):
                    under = members < band.min_members if band.min_members is not None else np.zeros(len(orgs), bool)
                    over = members > band.max_members if band.max_members is not None else np.zeros(len(orgs), bool)
                mask = otype.eq(t).fillna(False).to_numpy(bool) & (under | over)

                def size_text(sub: pd.DataFrame, band=band) -> list[str]:
                    out = []
                    for m, f, p in zip(sub["_members"], sub["full_members"], sub["probationary_members"]):
                        rule = (f"{band.org_type}党员数通常应在 {band.min_members} 名以上"
                                if band.min_members is not None and m < band.min_members
                                else f"{band.org_type}党员数不应超过 {band.max_members} 名")
                        out.append(f"党员 {_fmt(m)} 名（正式 {_fmt(f)}、预备 {_fmt(p)}）：{rule}；{band.finding}")
                    return out

                self.emit(f"warn.org_size.{t}", WARNING, "orgs", mask, "org_type", size_text, _members=members)

        if orgs.has("org_type", "term_years"):
            otype = orgs.typed["org_type"]
            expected = np.full(len(orgs), np.nan)
            for type_, years in rules.TERM_YEARS.items():
                expected[otype.eq(type_).fillna(False).to_numpy(bool)] = years
            term = orgs.num("term_years")
            max_term = rules.MAX_TERM_YEARS
            with np.errstate(invalid="ignore"):
                bad = ((~np.isnan(expected) & (term != expected)) | (term > max_term)) & ~np.isnan(term)

            def term_message(sub: pd.DataFrame) -> list[str]:
                out = []
                for t, e, y in zip(sub["org_type"], sub["_expected"], sub["term_years"]):
                    parts = []
                    if not _isna(e) and y != e:
                        parts.append(f"{t}任期一般为 {_fmt(e)} 年，此处为 {_fmt(y)} 年")
                    if y > max_term:
                        parts.append(f"任期 {_fmt(y)} 年超过 {max_term} 年")
                    out.append("；".join(parts))
                return out

            self.emit("warn.term", WARNING, "orgs", bad, "term_years", term_message, _expected=expected)

        sy = v["school_years"]
        if orgs.has("org_id", "year", "formation") and sy.has("org_id", "year"):
            # How many school-year rows point at each organisation-year: one row per school when
            # school_years' key is unique (a duplicate is an error of its own).
            covering = self._covering()
            n = np.bincount(covering[covering >= 0], minlength=len(orgs))
            joint = orgs.typed["formation"].eq("联合建立").fillna(False).to_numpy(bool)
            most = rules.JOINT_MAX_SCHOOLS
            self.emit("warn.joint_size", WARNING, "orgs", joint & (n > most), "formation", lambda sub: [
                f"联合建立的党组织覆盖 {_fmt(k)} 所学校，通常不超过 {most} 所" for k in sub["_n"]], _n=n)

        mf = v["member_flows"]
        if sy.has("school_id", "year", "coverage") and mf.has("school_id", "year", "members_end", "probationary"):
            full = mf.num("members_end") - mf.num("probationary")
            pos = self.index("member_flows", "school_id", by_year=True).lookup(
                self.codes[("school_years", "school_id")], sy.num("year"))
            full_here = _take(full, pos)
            cov = sy.typed["coverage"]
            least = rules.OWN_ORG_MIN_FULL_MEMBERS
            with np.errstate(invalid="ignore"):
                bad = (full_here >= least) & cov.notna().to_numpy() & cov.ne("单独建立").fillna(False).to_numpy(bool)
            self.emit("warn.own_org", WARNING, "school_years", bad, "coverage", lambda sub: [
                f"学校有正式党员 {_fmt(k)} 名（≥{least} 名），应单独建立党组织，目前为“{c}”"
                for k, c in zip(sub["_full"], sub["coverage"])], _full=full_here)

        if mf.has("school_id", "year", "members_start", "members_end"):
            pos = self.index("member_flows", "school_id", by_year=True).lookup(
                self.codes[("member_flows", "school_id")], mf.num("year") - 1)
            prev_end = _take(mf.num("members_end"), pos)
            start = mf.num("members_start")
            bad = ~np.isnan(prev_end) & ~np.isnan(start) & (prev_end != start)
            self.emit("warn.flow_continuity", WARNING, "member_flows", bad, "members_start", lambda sub: [
                f"年初党员数 {_fmt(s)} 与上一年（{_fmt(y - 1)}）年末党员数 {_fmt(p)} 不一致"
                for s, y, p in zip(sub["members_start"], sub["year"], sub["_prev"])], _prev=prev_end)

        self._placement()

    def _covering(self) -> np.ndarray:
        """For each school-year row, the row of the organisation-year covering it (-1 for none)."""
        if not hasattr(self, "_covering_rows"):
            sy = self.v["school_years"]
            self._covering_rows = self.index("orgs", "org_id", by_year=True).lookup(
                self.codes[("school_years", "org_id")], sy.num("year"))
        return self._covering_rows

    def _placement(self) -> None:
        """DESIGN §3: an organisation-year that no school of its own year places (host school,
        covered schools, its children's covered schools) is placed where it was in an earlier
        year, or nowhere; both are worth a look, since its figures then lean on that."""
        orgs, sy, sch = self.v["orgs"], self.v["school_years"], self.v["schools"]
        if not (orgs.exists and orgs.has("org_id", "year", "org_name", "host_school_id") and len(orgs)):
            return
        n = len(orgs)
        host = self.codes[("orgs", "host_school_id")]
        if sch.exists and sch.has("school_id"):
            host = np.where(self.index("schools", "school_id").lookup(host) >= 0, host, -1)
        parent = self.codes[("orgs", "parent_org_id")] if orgs.has("parent_org_id") else np.full(n, -1)
        if sy.has("org_id", "year", "school_id"):
            cover = (self.codes[("school_years", "org_id")], sy.num("year"), self.codes[("school_years", "school_id")])
            cover_rows = self._covering()
        else:
            cover = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
            cover_rows = None
        p = placement.place_codes(self.codes[("orgs", "org_id")], orgs.num("year"), host, parent, *cover,
                                  rows_of=self.index("orgs", "org_id", by_year=True).lookup, cover_rows=cover_rows)
        named = (self.codes[("orgs", "org_id")] >= 0) & ~np.isnan(orgs.num("year"))
        nothing = "没有依托学校，也没有覆盖任何学校（下属党组织也没有）"
        self.emit("warn.placement.earlier", WARNING, "orgs", named & (p.how == placement.EARLIER), "host_school_id",
                  lambda sub: [f"党组织“{m}”（编号{o}）{_fmt(y)}年{nothing}，按其{_fmt(f)}年的位置计入各县区、乡镇等范围"
                               for m, o, y, f in zip(sub["org_name"], sub["org_id"], sub["year"], sub["_from"])],
                  _from=p.from_year)
        self.emit("warn.placement.none", WARNING, "orgs", named & (p.how == placement.UNPLACED), "host_school_id",
                  lambda sub: [f"党组织“{m}”（编号{o}）{_fmt(y)}年{nothing}，以前年度也没有：它只计入不按县区、"
                               "乡镇、学段、办学性质、城乡筛选的数字" for m, o, y in zip(sub["org_name"], sub["org_id"], sub["year"])])


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

def _take(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """values at the looked-up positions, NaN where the lookup found nothing (-1)."""
    out = np.full(len(pos), np.nan)
    hit = pos >= 0
    out[hit] = values[pos[hit]]
    return out


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
    "org": (("orgs", "org_id"), ("orgs", "parent_org_id"), ("school_years", "org_id"), ("honors", "org_id"),
            ("org_activities", "org_id")),
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
