"""The audit log: one JSON line per event (logins, downloads, imports, user changes…), appended by
the server, by the command line and by every replica at once. No Streamlit here: the import code
and the `python -m dashboard` commands write to it without loading the web framework.

dashboard/access.py adds the Streamlit side (who is logged in, their address) in access.audit().
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import re
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:   # not POSIX: one write on an O_APPEND descriptor still keeps lines whole there
    fcntl = None

log = logging.getLogger(__name__)

_lock = threading.Lock()
_SECRET_KEYS = re.compile(r"pass|secret|token|hash|cookie", re.IGNORECASE)


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def os_user() -> str:
    """Who ran a command."""
    try:
        return getpass.getuser()
    except Exception:   # a container without a passwd entry
        return str(os.getuid())


def cli_identity() -> dict:
    """`who` for an action taken on the server's command line."""
    return {"user": f"命令行：{os_user()}", "via": "cli"}


def write(path: Path | str, event: str, **details) -> dict:
    """Append one JSON line and return the record. A field whose name suggests a secret is blanked
    rather than written, whatever the caller passed. Raises OSError when the file cannot be written."""
    record = {"time": now_iso(), "event": event}
    for k, v in details.items():
        if v is None:
            continue
        record[k] = "***" if _SECRET_KEYS.search(k) else v
    data = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path = Path(path)
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            # O_APPEND puts each write at the end; the lock keeps another process (a replica, the
            # command line) from landing between two parts of a write the kernel cut short.
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)   # closing releases the lock
    return record


def record(event: str, who: dict | None = None, *, path: Path | str | None = None, **details) -> None:
    """Append one event, `who` first (see cli_identity(), access.identity()); without `who`, the
    system account running this process is recorded. Never raises: an import already published
    or a file already sent must not fail because the log could not be written; that failure goes
    to the server log instead."""
    try:
        if path is None:
            from dashboard import config
            path = config.access_settings().audit_log
        write(path, event, **{**(who if who is not None else cli_identity()), **details})
    except Exception:
        log.exception("audit log: could not record %s", event)


def read(path: Path | str) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
