"""An import from uploaded files to a publishable extract, shared by the command and the page.

prepare() reads, cleans, merges and validates without touching the data root, and returns a
Plan: counts per table (read = accepted + rejected), every issue with its file, sheet, row and
column, the rejected rows as written, the validation findings, and the difference from the data
now serving. publish() writes the plan as a new version (versions.py). Errors block the publish:
an unreadable file, a rejected row (unless the user accepts publishing without it) and a
validation error. Warnings are shown and do not block.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from dashboard import audit, config, contract, db, extract
from dashboard.ingest import clean, headers, merge, versions
from dashboard.ingest.diff import Diff, compare
from dashboard.ingest.issues import ERROR, INFO, WARNING, Finding, TableCount
from dashboard.ingest.read import FileError, RawSheet, cell_text, read_upload
from dashboard.ingest.regions import CountyLookup, builtin_regions
from dashboard.ingest.templates import EXAMPLES

INTERNAL = "处理本工作表时程序出错"
# Sheets the templates and the rejects workbook add beside the data: skipped without a word.
OWN_SHEETS = frozenset({"填表说明", "说明", "填报说明", "问题清单", "导入汇总"})


@dataclass
class Upload:
    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path | str) -> "Upload":
        p = Path(path)
        return cls(p.name, p.read_bytes())


@dataclass
class Plan:
    root: Path
    files: list[str]
    base_version: str | None            # the version current when prepared (None: the root's own files)
    base_demo: bool                     # the data serving now is the demo extract
    replace_all: bool                   # the upload replaces everything (no merge with the data serving)
    counts: dict[str, TableCount]
    issues: list[Finding]               # file-, sheet- and table-level findings, skipped rows, validation
    problems: pd.DataFrame              # one line per rejected cell: file, sheet, row, table, column, value, message
    rejected: dict[str, pd.DataFrame]   # per table: the rejected rows as written
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)   # the new extract
    diff: Diff | None = None

    @property
    def rows_rejected(self) -> int:
        return sum(c.rejected for c in self.counts.values())

    @property
    def errors(self) -> list[Finding]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def rows_accepted(self) -> int:
        return sum(c.accepted for c in self.counts.values())

    def blockers(self, allow_rejects: bool = False) -> list[str]:
        """Why this plan cannot be published (Chinese), empty when it can."""
        out = []
        if not self.files:
            out.append("没有上传文件")
        elif not self.rows_accepted:
            out.append("没有可导入的数据行")
        if self.rows_rejected and not allow_rejects:
            out.append(f"有 {self.rows_rejected} 行被拒绝（见问题清单）；改正后重新导入，或确认只发布通过的行")
        if self.errors:
            out.append(f"有 {len(self.errors)} 个错误（见问题清单）")
        return out

    def can_publish(self, allow_rejects: bool = False) -> bool:
        return not self.blockers(allow_rejects)

    def count_lines(self) -> list[str]:
        out = []
        for name, c in self.counts.items():
            if not (c.read or c.skipped):
                continue
            extra = f"(另跳过合计、说明等非数据行 {c.skipped} 行)" if c.skipped else ""
            out.append(f"{contract.TABLES[name].label}:读取 {c.read} 行 = 接受 {c.accepted} 行 + 拒绝 {c.rejected} 行{extra}")
        return out or ["没有读到任何数据行"]

    def rejects_workbook(self) -> bytes:
        from dashboard.ingest import rejects

        return rejects.workbook(self)



def _base(root: Path) -> tuple[dict[str, pd.DataFrame], bool, str | None]:
    """The extract serving now (empty tables when there is none), whether it is the demo, and
    its version: the link is resolved once, so the tables and the version always agree."""
    current = config.data_dir(root)
    version = current.name if current.parent == (Path(root) / versions.VERSIONS).resolve() else None
    if not db.missing_tables(current):
        tables = extract.read_tables(current)
        empty = _EMPTY()
        return ({t: merge.conform(t, tables[t]) if t in tables else empty[t].copy() for t in contract.TABLES},
                db.is_demo(current), version)
    return _empty_tables(), False, version


def _empty_tables() -> dict[str, pd.DataFrame]:
    return {t: df.copy() for t, df in _EMPTY().items()}


@functools.cache
def _EMPTY() -> dict[str, pd.DataFrame]:
    return {t: merge.conform(t, pd.DataFrame(columns=contract.TABLES[t].names)) for t in contract.TABLES}


def _head_text(rows: list[list]) -> list[list[str | None]]:
    return [[cell_text(v) for v in r] for r in rows[:headers.HEADER_SCAN_ROWS]]


def prepare(uploads: list[Upload], root: Path | str | None = None, *, replace_all: bool = False) -> Plan:
    root = Path(root) if root is not None else config.data_root()
    base, base_demo, base_version = _base(root)
    issues: list[Finding] = []
    counts = {t: TableCount(t) for t in contract.TABLES}

    # Read everything first: an uploaded regions sheet is needed to turn county names into codes.
    located: list[tuple[RawSheet, headers.Header]] = []
    for up in uploads:
        try:
            sheets = read_upload(up.name, up.data)
        except FileError as exc:
            issues.append(Finding(ERROR, message=str(exc), file=up.name))
            continue
        for sheet in sheets:
            for note in sheet.notes:
                issues.append(Finding(INFO, message=note, file=sheet.file, sheet=sheet.sheet))
            if sheet.is_empty() or headers.norm(sheet.sheet) in OWN_SHEETS:
                continue
            header = headers.detect(_head_text(sheet.rows), sheet.sheet, PurePath(sheet.file).stem)
            if header is None:
                issues.append(Finding(WARNING, message="找不到任何数据表的表头（需要有“学校标识码”“年度”等列名），本工作表未导入",
                                    file=sheet.file, sheet=sheet.sheet))
                continue
            located.append((sheet, header))

    def cleaned(sheet, header, counties) -> list[clean.SheetResult]:
        try:
            return [clean.clean_sheet(sheet, header, counties)]
        except Exception as exc:  # a fault on one sheet is reported there and blocks the publish
            issues.append(Finding(ERROR, message=f"{INTERNAL}（{type(exc).__name__}: {exc}），本工作表未导入",
                                file=sheet.file, sheet=sheet.sheet, table=header.table))
            return []

    results: list[clean.SheetResult] = []
    for sheet, header in located:
        if header.table == "regions":
            results += cleaned(sheet, header, CountyLookup(base["regions"]))
    counties = CountyLookup(base["regions"], *[r.accepted for r in results if len(r.accepted)])
    for sheet, header in located:
        if header.table != "regions":
            results += cleaned(sheet, header, counties)

    accepted: dict[str, list[pd.DataFrame]] = {}
    rejected: dict[str, list[pd.DataFrame]] = {}
    problems = []
    for r in results:
        counts[r.table].add(r.count)
        issues.extend(r.issues)
        accepted.setdefault(r.table, []).append(r.accepted)
        if len(r.rejected):
            rejected.setdefault(r.table, []).append(r.rejected)
        if len(r.problems):
            p = r.problems.copy()
            p.insert(0, "table", r.table)
            p.insert(0, "_sheet", r.sheet)
            p.insert(0, "_file", r.file)
            problems.append(p)

    upload: dict[str, pd.DataFrame] = {}
    for table, frames in accepted.items():
        frame = merge.conform(table, pd.concat(frames, ignore_index=True))
        frame, skipped = _drop_examples(frame, table, issues)
        counts[table].read -= skipped
        counts[table].accepted -= skipped
        counts[table].skipped += skipped
        frame, dups = _drop_duplicates(frame, table)
        if len(dups):
            counts[table].accepted -= len(dups)
            counts[table].rejected += len(dups)
            rejected.setdefault(table, []).append(dups)
            problems.append(pd.DataFrame({"_file": dups["_file"], "_sheet": dups["_sheet"], "_row": dups["_row"],
                                          "table": table, "column": "", "value": "", "message": dups["_reason"]}))
        upload[table] = frame

    start = _empty_tables() if (replace_all or base_demo) else base
    if base_demo and not replace_all and any(len(f) for f in upload.values()):
        issues.append(Finding(INFO, message="当前是演示数据，本次导入不与其合并，而是完全替换"))
    new = merge.merge(start, upload)
    new["regions"] = _add_builtin_regions(new, issues)
    tables = {t: merge.conform(t, new[t]).reset_index(drop=True) for t in contract.TABLES}
    issues.extend(_findings(tables))
    clean_tables = {t: df[contract.TABLES[t].names] for t, df in tables.items()}

    problem_frame = (pd.concat(problems, ignore_index=True) if problems
                     else pd.DataFrame(columns=["_file", "_sheet", "_row", "table", *clean.PROBLEM_COLUMNS[1:]]))
    return Plan(
        root=root, files=[u.name for u in uploads], base_version=base_version,
        base_demo=base_demo, replace_all=replace_all or base_demo, counts=counts, issues=issues,
        problems=problem_frame,
        rejected={t: pd.concat(f, ignore_index=True) for t, f in rejected.items()},
        tables=clean_tables, diff=compare(base, clean_tables))


def _drop_examples(frame: pd.DataFrame, table: str, issues: list[Finding]) -> tuple[pd.DataFrame, int]:
    """The template's example row, left unchanged, is not data."""
    t = contract.TABLES[table]
    example = merge.conform(table, pd.DataFrame([EXAMPLES[table]], columns=t.names))
    first = t.key[0]
    same = (frame[first] == example[first].iloc[0]).fillna(False).astype(bool)  # cheap filter first
    for c in t.names:
        if not same.any():
            break
        a, b = frame.loc[same, c].astype("str"), example[c].astype("str").iloc[0]
        same &= ((a == b).fillna(False) if not pd.isna(b) else a.isna()).reindex(same.index, fill_value=False)
    for r in frame.loc[same, clean.META].to_dict("records"):
        issues.append(Finding(INFO, table, message="模板中的示例行，未导入", file=r["_file"], sheet=r["_sheet"], row=int(r["_row"])))
    return frame[~same].reset_index(drop=True), int(same.sum())


def _drop_duplicates(frame: pd.DataFrame, table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows uploaded twice for one key. Identical copies: the first is kept. Copies that differ:
    all are rejected, since nothing says which is right."""
    key = merge.key_of(frame, table)
    dup = key.duplicated(keep=False)
    if not dup.any():
        return frame, frame.iloc[0:0]
    t = contract.TABLES[table]
    content = pd.util.hash_pandas_object(frame[t.names].astype("str"), index=False)
    sub = pd.DataFrame({"key": key[dup], "hash": content[dup]})
    variants = sub.groupby("key")["hash"].nunique()
    conflicting = dup & key.map(variants).gt(1).fillna(False)
    repeated = dup & ~conflicting & key.duplicated(keep="first")
    first = frame[dup].groupby(key[dup]).head(1)
    where = pd.Series((first["_file"] + " 第 " + first["_row"].astype("str") + " 行").to_numpy(), index=key[first.index].to_numpy())
    label = "、".join(t.label_of(k) for k in t.key)
    reason = pd.Series(None, index=frame.index, dtype=object)
    reason[repeated] = "与 " + key[repeated].map(where) + " 完全相同（重复行）"
    reason[conflicting] = f"{label}重复出现且内容不同（首次出现于 " + key[conflicting].map(where) + "），无法确定以哪一行为准"
    out = reason.notna()
    rejected = frame[out].copy()
    # Rejected rows show their values as imported, under the columns' Chinese labels.
    shown = pd.DataFrame({c.label: rejected[c.name].astype("str") for c in t.columns})
    shown[["_file", "_sheet", "_row"]] = rejected[["_file", "_sheet", "_row"]]
    shown["_reason"] = reason[out]
    return frame[~out].reset_index(drop=True), shown.reset_index(drop=True)


def _add_builtin_regions(new: dict[str, pd.DataFrame], issues: list[Finding]) -> pd.DataFrame:
    regions = new["regions"]
    used = set(new["schools"]["county_code"].dropna().astype("str"))
    missing = used - set(regions["county_code"].astype("str"))
    builtin = builtin_regions()
    add = builtin[builtin["county_code"].isin(missing)]
    if len(add):
        names = "、".join(f"{n}（{c}）" for c, n in zip(add["county_code"], add["county_name"]))
        issues.append(Finding(INFO, "regions", message=f"已按内置行政区划补充县区：{names}"))
        regions = pd.concat([regions, merge.with_meta(merge.conform("regions", add))], ignore_index=True)
    return regions


def _findings(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """The contract's rules on the merged extract. The tables carry each row's provenance, so every
    finding names the uploaded file, sheet and Excel row it came from (or marks it as a row of the
    data already published)."""
    from dashboard import validate

    try:
        return validate.check_tables(tables)
    except Exception as exc:  # a fault in a rule must not take the import down; it blocks the publish
        return [Finding(ERROR, message=f"数据校验程序出错，无法确认数据是否符合规范，因此不能发布（{type(exc).__name__}: {exc}）")]


def publish(plan: Plan, *, allow_rejects: bool = False, note: str = "", who: dict | None = None) -> str:
    """Publish the checked plan as the current data, and record who did it: `who` is the page's
    access.identity() or the command line's audit.cli_identity(); None records the system account
    running this process."""
    blockers = plan.blockers(allow_rejects)
    if blockers:
        raise versions.PublishError(";".join(blockers))
    vid = versions.publish(plan.tables, plan.root, sources=plan.files, note=note,
                           expected_current=plan.base_version)
    audit.record("import", who, version=vid, files=plan.files, rows_rejected=plan.rows_rejected,
                 replace_all=plan.replace_all, data_root=str(plan.root))
    return vid


def restore(root: Path, version_id: str, *, who: dict | None = None) -> None:
    """Make an earlier version current again, and record who did it (`who` as for publish)."""
    versions.restore(root, version_id)
    audit.record("rollback", who, version=version_id, data_root=str(root))
