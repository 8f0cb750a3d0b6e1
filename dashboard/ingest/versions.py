"""Published extracts under a data root, and the one switch that makes a version current.

    ROOT/versions/20250301-093000/   one complete extract per publish (Parquet + version.json)
    ROOT/current -> versions/20250301-093000

A publish writes the new extract into a staging directory beside the others, validates the files
as written, renames the directory into place, then swaps `current` by creating a new link and
os.replace-ing it over the old one. Each step is atomic, and until the last one `current` still
names the previous, complete version: a process killed at any moment leaves the data as it was.
config.data_dir() resolves the link, so the app (whose caches are keyed on the resolved path)
sees a new version on its next page load.

ROOT/versions/.history.jsonl records, one JSON line each, every version made current (published
or restored). A version directory it does not name was left by a publish killed before its
switch: it is not listed, not counted and removed by the next publish, like staging directories.
The KEEP most recent publishes are kept, and besides them the current version and every version
ever restored (a deliberate choice to go back is never undone by a later publish). A publish
whose tables equal the current version's (compared by content, row order aside) makes no version.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import config, contract, db, extract

VERSIONS = "versions"
MANIFEST = "version.json"
KEEP = 5
BASE = "base"  # the root's own files (the demo extract in data/), restorable like a version
_STAGING = ".staging-"
_LOCK = ".ingest.lock"
_HISTORY = ".history.jsonl"
_ID = re.compile(r"^\d{8}-\d{6}(-\d+)?$")
# Test hook: announce each step of a publish on stderr and pause there, "SECONDS" at every step or
# "STEP:SECONDS" at one, so a test can kill the process at a known point (tests/test_ingest_publish.py).
PAUSE_ENV = "DASHBOARD_INGEST_TEST_PAUSE"


class PublishError(Exception):
    """The publish did not happen; the message is Chinese and the previous data still serves."""


class NothingChanged(PublishError):
    """The tables equal the current version's: no version was made (not a failure)."""


@dataclass
class VersionInfo:
    id: str
    path: Path
    current: bool
    created: str = ""
    sources: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    based_on: str | None = None
    note: str = ""
    restored: bool = False   # restored at some time: never pruned


def _checkpoint(phase: str) -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        print(f"INGEST-PHASE {phase}", file=sys.stderr, flush=True)
        at, _, seconds = pause.rpartition(":")
        if not at or at == phase:
            time.sleep(float(seconds))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(path: Path) -> None:
    for p in path.iterdir():
        with open(p, "rb") as f:
            os.fsync(f.fileno())
    _fsync_dir(path)


@contextlib.contextmanager
def _lock(root: Path):
    """One publish or restore at a time per root. The kernel drops the lock when the holder dies,
    so a killed import never blocks the next one."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, publishes must not overlap
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    with open(root / _LOCK, "a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError("另一个导入或恢复操作正在进行，请稍后再试") from None
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def current_version(root: Path | str) -> str | None:
    """The id of the version `current` names, or None when the root serves its own files."""
    link = Path(root) / config.CURRENT_LINK
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def has_base(root: Path | str) -> bool:
    return not db.missing_tables(Path(root))


def list_versions(root: Path | str) -> list[VersionInfo]:
    """Newest first; the root's own extract, if any, last as "base"."""
    root = Path(root)
    cur = current_version(root)
    out = []
    vdir = root / VERSIONS
    served, restored = _served(root)
    ids = sorted((v for v in _ids(root) if served is None or v in served or v == cur), key=_order, reverse=True)
    for vid in ids:
        info = VersionInfo(vid, vdir / vid, vid == cur, restored=vid in restored)
        with contextlib.suppress(OSError, ValueError, TypeError):
            m = json.loads((vdir / vid / MANIFEST).read_text(encoding="utf-8"))
            info.created, info.sources = m.get("created", ""), list(m.get("sources", []))
            info.rows, info.based_on, info.note = dict(m.get("rows", {})), m.get("based_on"), m.get("note", "")
        out.append(info)
    if has_base(root):
        from dashboard import db

        out.append(VersionInfo(BASE, root, cur is None, note="数据目录自带的数据" + ("（演示数据）" if db.is_demo(root) else "")))
    return out


def _ids(root: Path) -> list[str]:
    vdir = root / VERSIONS
    return [p.name for p in vdir.iterdir() if p.is_dir() and _ID.match(p.name)] if vdir.is_dir() else []


def _history_path(root: Path) -> Path:
    return root / VERSIONS / _HISTORY


def _history(root: Path) -> list[dict] | None:
    """The recorded switches, oldest first; None when the root has no history yet (made before
    there was one). A line cut short by a killed process is skipped."""
    path = _history_path(root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    out = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            event = json.loads(line)
            if isinstance(event, dict) and isinstance(event.get("version"), str):
                out.append(event)
    return out


def _served(root: Path) -> tuple[set[str] | None, set[str]]:
    """(versions ever made current — None when there is no history, and then every version
    counts —, versions ever restored)."""
    events = _history(root)
    if events is None:
        return None, set()
    return {e["version"] for e in events}, {e["version"] for e in events if e.get("event") == "restore"}


def _record(root: Path, event: str, vid: str) -> None:
    """Append one switch to the history (under the lock). The versions of a root made before
    the history existed are recorded first, so none of them looks like a leftover."""
    path = _history_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    if not path.exists():
        now = dt.datetime.now().isoformat(timespec="seconds")
        lines = [{"at": now, "event": "existing", "version": v} for v in sorted(_ids(root), key=_order)]
    lines.append({"at": dt.datetime.now().isoformat(timespec="seconds"), "event": event, "version": vid})
    with open(path, "a", encoding="utf-8") as f:
        f.write("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines))
        f.flush()
        os.fsync(f.fileno())


def fingerprint(tables: dict[str, pd.DataFrame]) -> str:
    """The content of an extract, row order aside: each table as the contract types it (so the
    tables about to be written and those read back from Parquet compare equal), one hash per row,
    sorted."""
    h = hashlib.sha256()
    for name, spec in contract.TABLES.items():
        df = tables.get(name)
        if df is None:
            df = pd.DataFrame(columns=spec.names)
        frame = extract.to_arrow(name, df).to_pandas()
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy().copy()
        rows.sort()
        h.update(name.encode())
        h.update(len(rows).to_bytes(8, "little"))
        h.update(rows.tobytes())
    return h.hexdigest()


def _current_fingerprint(root: Path) -> str | None:
    """The fingerprint of the data serving now: from its manifest, or computed from its files
    (versions made before fingerprints, and the root's own files); None when there is none."""
    cur = current_version(root)
    path = root / VERSIONS / cur if cur else root
    if cur:
        with contextlib.suppress(OSError, ValueError, TypeError):
            found = json.loads((path / MANIFEST).read_text(encoding="utf-8")).get("fingerprint")
            if found:
                return found
    if db.missing_tables(path):
        return None
    return fingerprint(extract.read_tables(path))


def _order(vid: str) -> tuple[str, int]:
    """Publish order: the second it was made, then its number within that second."""
    return vid[:15], int(vid[16:] or 1)


def _new_id(root: Path) -> str:
    """The publish time; always after every existing id, even when several publishes share a
    second or the clock went back, so "newest" never depends on a pruned id being reused."""
    now = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    existing = _ids(root)
    latest = max(existing, key=_order) if existing else None
    if latest is None or now > _order(latest)[0]:
        return now
    second, n = _order(latest)
    return f"{second}-{n + 1}"


def _remove_leftovers(root: Path) -> None:
    """Staging directories, versions never made current and temporary links, all left by killed
    imports (we hold the lock: none is live)."""
    vdir = root / VERSIONS
    served, _ = _served(root)
    cur = current_version(root)
    if vdir.is_dir():
        for p in vdir.iterdir():
            if p.name.startswith(_STAGING):
                shutil.rmtree(p, ignore_errors=True)
        for vid in _ids(root):
            if served is not None and vid not in served and vid != cur:
                shutil.rmtree(vdir / vid, ignore_errors=True)
    for p in root.glob(".current-*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()


def _point_current(root: Path, target: str | None) -> None:
    link = root / config.CURRENT_LINK
    if link.exists() and not link.is_symlink():
        raise PublishError(f"{link} 不是链接，无法切换版本；请检查数据目录")
    if target is None:
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
    else:
        tmp = root / f".current-{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        # Relative, so the data root can be moved or mounted elsewhere.
        os.symlink(os.path.join(VERSIONS, target), tmp)
        os.replace(tmp, link)
    _fsync_dir(root)


def publish(tables: dict[str, pd.DataFrame], root: Path | str, *, sources: list[str] = (),
            note: str = "", expected_current: str | None | bool = False) -> str:
    """Write, validate and switch to a new version; returns its id. `expected_current` (when given)
    is the version the tables were prepared against: if another publish came first, refuse."""
    from dashboard import validate

    root = Path(root)
    with _lock(root):
        cur = current_version(root)
        if expected_current is not False and cur != expected_current:
            raise PublishError(f"检查之后数据已被更新（当前版本 {cur or BASE}），请重新检查后再发布")
        _remove_leftovers(root)
        content = fingerprint(tables)
        if content == _current_fingerprint(root):
            raise NothingChanged("与当前数据相比没有任何变化，未生成新版本")
        vid = _new_id(root)
        staging = root / VERSIONS / f"{_STAGING}{vid}-{os.getpid()}"
        staging.mkdir(parents=True)
        _checkpoint("staging")
        extract.write_tables(tables, staging)
        manifest = {"version": vid, "created": dt.datetime.now().isoformat(timespec="seconds"),
                    "sources": list(sources), "rows": {t: int(len(tables[t])) for t in contract.TABLES if t in tables},
                    "based_on": cur, "note": note, "fingerprint": content}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _checkpoint("written")
        _fsync_tree(staging)
        errors = [f for f in validate.check_dir(staging) if f.severity == validate.ERROR]
        if errors:
            shutil.rmtree(staging, ignore_errors=True)
            shown = ";".join(str(f) for f in errors[:5])
            raise PublishError(f"写出的数据未通过校验（{len(errors)} 个错误），未发布：{shown}")
        _checkpoint("checked")
        os.rename(staging, root / VERSIONS / vid)
        _fsync_dir(root / VERSIONS)
        _checkpoint("renamed")
        # Recorded before the switch: killed in between, the version is kept as a complete one.
        _record(root, "publish", vid)
        _point_current(root, vid)
        _checkpoint("swapped")
        prune(root)
        return vid


def restore(root: Path | str, version: str) -> None:
    """Make an earlier version (or BASE, the root's own files) current again."""
    root = Path(root)
    with _lock(root):
        if version == BASE:
            if not has_base(root):
                raise PublishError("数据目录本身没有数据文件，无法恢复到 base")
            _point_current(root, None)
            return
        path = root / VERSIONS / version
        if not _ID.match(version) or not path.is_dir():
            known = "、".join(v.id for v in list_versions(root)) or "无"
            raise PublishError(f"没有版本“{version}”（现有版本：{known}）")
        missing = db.missing_tables(path)
        if missing:
            raise PublishError(f"版本 {version} 缺少数据文件：{'、'.join(missing)}，无法恢复")
        _record(root, "restore", version)
        _point_current(root, version)


def prune(root: Path | str, keep: int = KEEP) -> list[str]:
    """Remove the published versions older than the newest `keep`, except the current one and any
    ever restored; returns the ids removed. Call under the lock (publish does)."""
    root = Path(root)
    found = [v for v in list_versions(root) if v.id != BASE]   # newest first, leftovers excluded
    removed = []
    for v in found[keep:]:
        if not v.current and not v.restored:
            shutil.rmtree(v.path, ignore_errors=True)
            removed.append(v.id)
    if removed:
        _compact_history(root)
    return removed


def _compact_history(root: Path) -> None:
    """The history without the versions no longer there, rewritten whole (atomically)."""
    events = _history(root)
    if events is None:
        return
    present = set(_ids(root))
    path = _history_path(root)
    tmp = path.with_name(f"{_HISTORY}.{os.getpid()}.tmp")
    tmp.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events if e["version"] in present),
                   encoding="utf-8")
    os.replace(tmp, path)
