"""Logins sent at the same moment, from threads and from two processes (two replicas behind a
proxy), get no more password checks between them than the failure limit allows, and a correct
password is refused once the name is locked; argon2 checks queue rather than all run at once; two
processes appending to the audit log lose no line and cut none (dashboard/auth.py, audit.py)."""
from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dashboard import audit, auth, config
from tests import handmade as h

PASSWORD = "right-password-1"
MAX_FAILURES = 5


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users.toml"
    with auth.editing(path) as accounts:
        accounts["sy"] = auth.new_account("sy", "county", [h.SHANYANG], PASSWORD)
    return path


def _throttle(path: Path, delay: float = 0.0) -> auth.LoginThrottle:
    return auth.LoginThrottle(path, max_failures=MAX_FAILURES, lock_seconds=900, delay_seconds=delay)


def _counting_verify(monkeypatch) -> list:
    """Wrap auth.verify_password to count the passwords actually checked."""
    calls = []
    original = auth.verify_password

    def verify(password_hash, password):
        calls.append(password)
        return original(password_hash, password)
    monkeypatch.setattr(auth, "verify_password", verify)
    return calls


def _attempt_at_once(users: Path, state: Path, passwords: list[str], delay: float = 0.0) -> list[auth.LoginResult]:
    barrier = threading.Barrier(len(passwords))
    results: list[auth.LoginResult | None] = [None] * len(passwords)

    def one(i):
        t = _throttle(state, delay)   # each session builds its own, as access._attempt does
        barrier.wait()
        results[i] = auth.authenticate(users, "sy", passwords[i], t)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(passwords))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def _tally(results) -> collections.Counter:
    return collections.Counter(
        "lockout" if r.status == "locked" and r.attempts.just_locked else r.status for r in results)


def test_twenty_simultaneous_wrong_passwords_get_five_checks_then_the_right_one_is_refused(
        tmp_path, users_file, monkeypatch):
    checked = _counting_verify(monkeypatch)
    state = tmp_path / "login_state.sqlite"
    results = _attempt_at_once(users_file, state, [f"wrong-{i}" for i in range(20)])
    # Worked out by hand: tries 1-4 fail, the 5th fails and locks, the other 15 are refused unchecked.
    assert _tally(results) == {"bad": 4, "lockout": 1, "locked": 15}
    assert len(checked) == MAX_FAILURES
    late = auth.authenticate(users_file, "sy", PASSWORD, _throttle(state))
    assert late.status == "locked" and not late.ok
    assert len(checked) == MAX_FAILURES   # refused without its password being looked at


def test_with_the_slow_down_on_fewer_still_get_through(tmp_path, users_file, monkeypatch):
    checked = _counting_verify(monkeypatch)
    results = _attempt_at_once(users_file, tmp_path / "s.sqlite", [f"wrong-{i}" for i in range(20)], delay=30)
    # The 1st failure costs nothing and the 2nd makes the next wait 30 s: two checks.
    assert len(checked) == 2
    assert _tally(results) == {"bad": 2, "throttled": 18}


def test_the_right_password_among_simultaneous_tries_gets_in(tmp_path, users_file):
    results = _attempt_at_once(users_file, tmp_path / "s.sqlite", [PASSWORD] + ["wrong"] * 2)
    assert sum(r.ok for r in results) == 1


class _SlowHasher:
    """Stands in for argon2: each check waits until released, so the test sees how many run at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = self.most = self.done = 0
        self.release = threading.Event()

    def verify(self, password_hash, password):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(30)
        with self.lock:
            self.running -= 1
            self.done += 1
        return False

    def hash(self, password):
        return "$argon2id$dummy"


def _wait_for(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_argon2_checks_queue_instead_of_all_running_at_once(monkeypatch):
    hasher = _SlowHasher()
    monkeypatch.setattr(auth, "_HASHER", hasher)
    threads = [threading.Thread(target=auth.verify_password, args=("$argon2id$x", "pw")) for _ in range(8)]
    for th in threads:
        th.start()
    _wait_for(lambda: hasher.running == auth.ARGON2_AT_ONCE, "the first checks did not start")
    # Give the other six every chance to start too; they must be waiting for a slot.
    time.sleep(0.3)
    assert hasher.running == auth.ARGON2_AT_ONCE == 2
    hasher.release.set()
    for th in threads:
        th.join()
    assert hasher.most == 2 and hasher.done == 8


def test_a_login_that_waits_too_long_for_a_check_is_refused_and_stays_counted(tmp_path, users_file, monkeypatch):
    hasher = _SlowHasher()
    monkeypatch.setattr(auth, "_HASHER", hasher)
    monkeypatch.setattr(auth, "ARGON2_WAIT_SECONDS", 0.05)
    busy = [threading.Thread(target=auth.verify_password, args=("$argon2id$x", "pw")) for _ in range(2)]
    for th in busy:
        th.start()
    _wait_for(lambda: hasher.running == 2, "the slots were not taken")
    t = _throttle(tmp_path / "s.sqlite")
    result = auth.authenticate(users_file, "sy", PASSWORD, t)
    hasher.release.set()
    for th in busy:
        th.join()
    assert result.status == "busy" and not result.ok
    assert t.status("sy").failures == 1


# Two processes --------------------------------------------------------------------------------
_CHILD = r"""
import json, sys, threading, time
from pathlib import Path
from dashboard import auth
users, state, ready, go, n = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
checked = []
original = auth.verify_password
def verify(password_hash, password):
    checked.append(1)
    return original(password_hash, password)
auth.verify_password = verify
barrier = threading.Barrier(n)
results = [None] * n
def one(i):
    t = auth.LoginThrottle(state, max_failures=5, lock_seconds=900, delay_seconds=0)
    barrier.wait()
    while not go.exists():
        time.sleep(0.001)
    r = auth.authenticate(users, "sy", f"wrong-{i}", t)
    results[i] = "lockout" if r.status == "locked" and r.attempts.just_locked else r.status
threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for th in threads:
    th.start()
ready.touch()
for th in threads:
    th.join()
print(json.dumps({"results": results, "checked": len(checked)}))
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)}


def _start_together(procs_args: list[list[str]], ready_files: list[Path], go: Path, cwd: Path) -> list[str]:
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=cwd)
             for args in procs_args]
    try:
        _wait_for(lambda: all(f.exists() for f in ready_files) or any(p.poll() is not None for p in procs),
                  "the processes did not get ready", timeout=120)
        go.touch()
        outs = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    return [out for out, _ in outs]


def test_two_processes_logging_in_at_once_share_one_count(tmp_path, users_file):
    state = tmp_path / "var" / "login_state.sqlite"
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(2)]
    outs = _start_together([[sys.executable, "-c", _CHILD, str(users_file), str(state), str(r), str(go), "10"]
                            for r in ready], ready, go, tmp_path)
    reports = [json.loads(out) for out in outs]
    tally = collections.Counter(s for rep in reports for s in rep["results"])
    assert sum(rep["checked"] for rep in reports) == MAX_FAILURES
    assert tally == {"bad": 4, "lockout": 1, "locked": 15}
    assert auth.authenticate(users_file, "sy", PASSWORD, _throttle(state)).status == "locked"


_WRITER = r"""
import sys, threading, time
from pathlib import Path
from dashboard import audit
log, ready, go, who, n = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
def write(thread):
    while not go.exists():
        time.sleep(0.001)
    for i in range(n):
        # Some lines far longer than a pipe's atomic write (4 KiB) and than Python's write buffer (8 KiB).
        filler = "学校名单" * (2500 if i % 50 == 0 else 5 + i % 40)
        audit.write(log, "download", user=who, thread=thread, seq=i, file=filler)
threads = [threading.Thread(target=write, args=(t,)) for t in range(2)]
for th in threads:
    th.start()
ready.touch()
for th in threads:
    th.join()
"""


def test_two_processes_appending_to_the_audit_log_lose_nothing_and_cut_no_line(tmp_path):
    log = tmp_path / "audit.log"
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(2)]
    per_thread = 1500
    _start_together([[sys.executable, "-c", _WRITER, str(log), str(r), str(go), f"p{i}", str(per_thread)]
                     for i, r in enumerate(ready)], ready, go, tmp_path)
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b""            # the file ends with a whole line
    records = [json.loads(line) for line in lines[:-1]]   # a cut or interleaved line would not parse
    assert len(records) == 2 * 2 * per_thread
    seen = collections.defaultdict(list)
    for r in records:
        seen[(r["user"], r["thread"])].append(r["seq"])
        assert r["file"] == "学校名单" * (2500 if r["seq"] % 50 == 0 else 5 + r["seq"] % 40)
    # Every writer's lines, each once and in the order written.
    assert dict(seen) == {(p, t): list(range(per_thread)) for p in ("p0", "p1") for t in (0, 1)}
    # And the two processes really wrote at the same time: their lines are mixed, not one block each.
    users = [r["user"] for r in records]
    assert sum(a != b for a, b in zip(users, users[1:])) > 10
    assert audit.read(log)[0]["event"] == "download"
