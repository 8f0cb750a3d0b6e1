"""Published extracts under a data root, and the one switch that makes a version current.

    ROOT/versions/20250301-093000/   one complete extract per publish (Parquet + version.json)
    ROOT/current -> versions/20250301-093000

A publish writes the new extract into a staging directory beside the others, validates the files
as written, renames the directory into place, then swaps `current` by creating a new link and
os.replace-ing it over the old one. Each step is atomic, and until the last one `current` still
names the previous, complete version: a process killed at any moment leaves the data as it was.
Staging left by a killed process is removed by the next publish. config.data_dir() resolves the
link, so the app (whose caches are keyed on the resolved path) sees a new version on its next
page load. The few most recent versions are kept so one command can go back.
"""
from __future__ import annotations

import contextlib
import datetime as dt
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
_ID = re.compile(r"^\d{8}-\d{6}(-\d+)?$")
# Test hook: announce each step of a publish on stderr and pause there, "SECONDS" at every step or
# "STEP:SECONDS" at one, so a test can kill the process at a known point (tests/test_ingest_publish.py).
PAUSE_ENV = "DASHBOARD_INGEST_TEST_PAUSE"


class PublishError(Exception):
    """The publish did not happen; the message is Chinese and the previous data still serves."""


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
            raise PublishError("另一个导入或恢复操作正在进行,请稍后再试") from None
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
    ids = sorted(_ids(root), key=_order, reverse=True)
    for vid in ids:
        info = VersionInfo(vid, vdir / vid, vid == cur)
        with contextlib.suppress(OSError, ValueError, TypeError):
            m = json.loads((vdir / vid / MANIFEST).read_text(encoding="utf-8"))
            info.created, info.sources = m.get("created", ""), list(m.get("sources", []))
            info.rows, info.based_on, info.note = dict(m.get("rows", {})), m.get("based_on"), m.get("note", "")
        out.append(info)
    if has_base(root):
        from dashboard import db

        out.append(VersionInfo(BASE, root, cur is None, note="数据目录自带的数据" + ("(演示数据)" if db.is_demo(root) else "")))
    return out


def _ids(root: Path) -> list[str]:
    vdir = root / VERSIONS
    return [p.name for p in vdir.iterdir() if p.is_dir() and _ID.match(p.name)] if vdir.is_dir() else []


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
    """Staging directories and temporary links of killed imports (we hold the lock: none is live)."""
    vdir = root / VERSIONS
    if vdir.is_dir():
        for p in vdir.iterdir():
            if p.name.startswith(_STAGING):
                shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(".current-*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()


def _point_current(root: Path, target: str | None) -> None:
    link = root / config.CURRENT_LINK
    if link.exists() and not link.is_symlink():
        raise PublishError(f"{link} 不是链接,无法切换版本;请检查数据目录")
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
            raise PublishError(f"检查之后数据已被更新(当前版本 {cur or BASE}),请重新检查后再发布")
        _remove_leftovers(root)
        vid = _new_id(root)
        staging = root / VERSIONS / f"{_STAGING}{vid}-{os.getpid()}"
        staging.mkdir(parents=True)
        _checkpoint("staging")
        extract.write_tables(tables, staging)
        manifest = {"version": vid, "created": dt.datetime.now().isoformat(timespec="seconds"),
                    "sources": list(sources), "rows": {t: int(len(tables[t])) for t in contract.TABLES if t in tables},
                    "based_on": cur, "note": note}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _checkpoint("written")
        _fsync_tree(staging)
        errors = [f for f in validate.check_dir(staging) if f.severity == validate.ERROR]
        if errors:
            shutil.rmtree(staging, ignore_errors=True)
            shown = ";".join(str(f) for f in errors[:5])
            raise PublishError(f"写出的数据未通过校验({len(errors)} 个错误),未发布:{shown}")
        _checkpoint("checked")
        os.rename(staging, root / VERSIONS / vid)
        _fsync_dir(root / VERSIONS)
        _checkpoint("renamed")
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
                raise PublishError("数据目录本身没有数据文件,无法恢复到 base")
            _point_current(root, None)
            return
        path = root / VERSIONS / version
        if not _ID.match(version) or not path.is_dir():
            known = "、".join(v.id for v in list_versions(root)) or "无"
            raise PublishError(f"没有版本“{version}”(现有版本:{known})")
        missing = db.missing_tables(path)
        if missing:
            raise PublishError(f"版本 {version} 缺少数据文件:{'、'.join(missing)},无法恢复")
        _point_current(root, version)


def prune(root: Path | str, keep: int = KEEP) -> list[str]:
    """Remove all but the newest `keep` versions; the current one is always kept."""
    root = Path(root)
    cur = current_version(root)
    ids = [v.id for v in list_versions(root) if v.id != BASE]
    removed = []
    for vid in ids[keep:]:
        if vid != cur:
            shutil.rmtree(root / VERSIONS / vid, ignore_errors=True)
            removed.append(vid)
    return removed
