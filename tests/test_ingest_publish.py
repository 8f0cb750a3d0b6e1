"""A publish killed at any moment leaves the previous extract serving, complete and valid.

A real `python -m dashboard ingest` subprocess runs with a test hook that announces each step of
the publish on stderr and pauses there; the test kills it with SIGKILL at that step (or at a
random moment between steps) and checks what the data root serves."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from dashboard import config, contract, extract, validate
from dashboard.ingest import templates, versions
from tests import handmade

PHASES = ["staging", "written", "checked", "renamed", "swapped"]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _new_tables():
    t = handmade.build_tables()
    t["schools"] = t["schools"].assign(school_name=t["schools"]["school_name"] + "(新)")
    return t


@pytest.fixture
def setup(tmp_path):
    root = tmp_path / "root"
    old = versions.publish(handmade.build_tables(), root, sources=["old"])
    files = templates.export_tables(_new_tables(), tmp_path / "upload")
    return root, old, files


def _start(root, files, pause, cwd):
    env = {**os.environ, versions.PAUSE_ENV: str(pause), "PYTHONPATH": str(config.PROJECT_DIR)}
    return subprocess.Popen([sys.executable, "-m", "dashboard", "ingest", *map(str, files), "--data", str(root), "--yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True, cwd=cwd, env=env)


def _wait_for(proc, phase: str) -> None:
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.strip() == f"INGEST-PHASE {phase}":
            return
    raise AssertionError(f"the import never reached {phase}: {''.join(seen)}")


def _serving(root) -> dict:
    d = config.data_dir(root)
    assert [f for f in validate.check_dir(d) if f.severity == validate.ERROR] == []
    return extract.read_tables(d)


def _names(tables) -> list[str]:
    return sorted(tables["schools"]["school_name"])


@pytest.mark.parametrize("phase", PHASES)
def test_killed_at_each_step_leaves_a_complete_extract(setup, tmp_path, phase):
    root, old, files = setup
    proc = _start(root, files, pause=f"{phase}:60", cwd=tmp_path)
    try:
        _wait_for(proc, phase)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    served = _serving(root)
    if phase == "swapped":
        assert versions.current_version(root) != old
        assert _names(served) == _names(_new_tables())
    else:
        assert versions.current_version(root) == old
        assert _names(served) == _names(handmade.build_tables())
    # The next publish clears what the killed one left behind (with content of its own: a publish
    # that changes nothing makes no version).
    third = handmade.build_tables()
    third["schools"] = third["schools"].assign(school_name=third["schools"]["school_name"] + "(三)")
    versions.publish(third, root)
    assert not [p for p in (root / "versions").iterdir() if p.name.startswith(".staging")]
    assert not list(root.glob(".current-*"))


def test_killed_at_random_moments_while_writing(tmp_path):
    """No pauses: the kill lands wherever the publish is, usually while the Parquet files are
    being written (a larger upload makes that the longest step)."""
    from dashboard import demo

    root = tmp_path / "root"
    old = versions.publish(handmade.build_tables(), root)
    new = demo.generate(schools=2000, seed=3)
    files = templates.export_tables(new, tmp_path / "upload", "csv")
    rng = random.Random(4)
    for attempt in range(6):
        proc = _start(root, [*files, "--replace-all"], pause="none:0", cwd=tmp_path)
        try:
            _wait_for(proc, "staging")
            # Short waits land inside the Parquet writing, longer ones in validation or the swap.
            time.sleep(rng.uniform(0, 0.06 if attempt % 2 == 0 else 0.6))
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=120)
        served = _serving(root)
        if versions.current_version(root) == old:
            assert _names(served) == _names(handmade.build_tables())
        else:
            assert len(served["school_years"]) == len(new["school_years"])
            versions.restore(root, old)


def test_uninterrupted_import_publishes(setup, tmp_path):
    root, old, files = setup
    audit_log = tmp_path / "audit.log"
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_DIR), "DASHBOARD_AUDIT_LOG": str(audit_log)}
    proc = subprocess.run([sys.executable, "-m", "dashboard", "ingest", *map(str, files), "--data", str(root), "--yes"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "学校:读取 6 行 = 接受 6 行 + 拒绝 0 行" in proc.stdout
    assert "已发布版本" in proc.stdout
    assert versions.current_version(root) != old
    assert _names(_serving(root)) == _names(_new_tables())
    listing = subprocess.run([sys.executable, "-m", "dashboard", "ingest", "--list", "--data", str(root)],
                             capture_output=True, text=True, cwd=tmp_path, timeout=120,
                             env={**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)})
    assert old in listing.stdout and listing.stdout.count("*") >= 1
    assert all(contract.parquet_path(config.data_dir(root), t).is_file() for t in contract.TABLES)
    new = versions.current_version(root)
    back = subprocess.run([sys.executable, "-m", "dashboard", "ingest", "--restore", old, "--data", str(root)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert back.returncode == 0, back.stderr
    events = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["version"]) for e in events] == [("import", new), ("rollback", old)]


def test_without_yes_and_without_a_terminal_nothing_is_published(setup, tmp_path):
    root, old, files = setup
    proc = subprocess.run([sys.executable, "-m", "dashboard", "ingest", *map(str, files), "--data", str(root)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONPATH": str(config.PROJECT_DIR)})
    assert proc.returncode == 1 and "加 --yes" in proc.stderr
    assert versions.current_version(root) == old
