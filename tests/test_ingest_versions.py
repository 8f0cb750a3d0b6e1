"""Which versions a data root keeps (issue 11 §4): a restored or current version is never pruned,
a publish that changes nothing makes no version, and what a killed publish leaves (a staging
directory, or a complete version it never switched to) is removed and never counted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from dashboard import config
from dashboard.ingest import pipeline, versions
from tests import handmade


def tables(n: int) -> dict:
    """The hand-made extract with every school renamed "…(n)": a different content for each n."""
    t = handmade.build_tables()
    t["schools"] = t["schools"].assign(school_name=t["schools"]["school_name"] + f"({n})")
    return t


def ids(root) -> list[str]:
    return [v.id for v in versions.list_versions(root) if v.id != versions.BASE]


def on_disk(root) -> set[str]:
    return {p.name for p in (root / versions.VERSIONS).iterdir() if p.is_dir()}


def names(root) -> set[str]:
    from dashboard import extract

    return set(extract.read_tables(config.data_dir(root))["schools"]["school_name"])


def test_a_restored_version_survives_the_publishes_after_it(tmp_path):
    """The reported sequence: publish A, publish B four times, restore A, publish again. Before,
    A (then the sixth-newest and no longer current) was deleted at once."""
    root = tmp_path / "root"
    a = versions.publish(tables(0), root)
    bs = [versions.publish(tables(i), root) for i in (1, 2, 3, 4)]
    assert ids(root) == [*reversed(bs), a]            # five kept, newest first
    versions.restore(root, a)
    c = versions.publish(tables(5), root)
    assert a in on_disk(root) and a in ids(root)
    assert [v.restored for v in versions.list_versions(root) if v.id == a] == [True]
    versions.restore(root, a)                           # and it can be restored
    assert versions.current_version(root) == a
    assert names(root) == {n + "(0)" for n in handmade.build_tables()["schools"]["school_name"]}
    # Two more publishes: the five newest published stay (d, e, c, b4, b3), and A, restored;
    # b1 and b2 go.
    d = versions.publish(tables(6), root)
    e = versions.publish(tables(7), root)
    assert on_disk(root) == {e, d, c, bs[3], bs[2], a}
    assert ids(root) == [e, d, c, bs[3], bs[2], a]


def test_the_current_version_is_never_pruned(tmp_path):
    root = tmp_path / "root"
    first = versions.publish(tables(0), root)
    others = [versions.publish(tables(i), root) for i in (1, 2)]
    versions.restore(root, first)
    assert versions.prune(root, keep=1) == [others[0]]  # the newest stays, and the current one
    assert on_disk(root) == {others[1], first}


def test_a_publish_that_changes_nothing_makes_no_version(tmp_path):
    root = tmp_path / "root"
    first = versions.publish(tables(0), root)
    # The same content, rows in another order: still nothing new.
    same = tables(0)
    same["schools"] = same["schools"].iloc[::-1].reset_index(drop=True)
    with pytest.raises(versions.NothingChanged, match="与当前数据相比没有任何变化，未生成新版本"):
        versions.publish(same, root)
    assert ids(root) == [first] and on_disk(root) == {first}
    # One changed cell is a change.
    changed = tables(0)
    changed["schools"].loc[0, "school_name"] = "新名称小学"
    second = versions.publish(changed, root)
    assert ids(root) == [second, first]


def test_no_change_is_also_found_against_a_version_without_a_fingerprint(tmp_path):
    """Versions published before fingerprints existed (and a root's own files) are compared by
    their files."""
    root = tmp_path / "root"
    first = versions.publish(tables(0), root)
    manifest = root / versions.VERSIONS / first / versions.MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"fingerprint"', '"old_field"'), encoding="utf-8")
    with pytest.raises(versions.NothingChanged):
        versions.publish(tables(0), root)
    base = tmp_path / "base"
    handmade.write(base)
    with pytest.raises(versions.NothingChanged):
        versions.publish(handmade.build_tables(), base)
    assert not (base / versions.VERSIONS).exists() or not on_disk(base)


def test_the_page_and_the_command_say_nothing_changed(tmp_path):
    """pipeline.publish passes the refusal on and records no import."""
    root = tmp_path / "root"
    versions.publish(tables(0), root)
    from dashboard.ingest import templates

    files = templates.export_tables(tables(0), tmp_path / "upload")
    plan = pipeline.prepare([pipeline.Upload.from_path(p) for p in files], root)
    with pytest.raises(versions.NothingChanged):
        pipeline.publish(plan)
    assert len(ids(root)) == 1


def test_a_leftover_staging_directory_is_removed_and_not_counted(tmp_path):
    root = tmp_path / "root"
    kept = [versions.publish(tables(i), root) for i in range(5)]
    staging = root / versions.VERSIONS / ".staging-20240101-000000-999"
    staging.mkdir()
    (staging / "schools.parquet").write_bytes(b"half written")
    assert ids(root) == list(reversed(kept))
    newest = versions.publish(tables(5), root)
    assert not staging.exists()
    assert ids(root) == [newest, *reversed(kept[1:])]   # five versions; the oldest pruned


def _publish_killed_after_rename(root) -> None:
    """A real publish in another process, killed after its version is renamed into place and
    before `current` is switched to it (the test hook pauses it there)."""
    code = ("import sys; from dashboard.ingest import versions; from tests import handmade\n"
            "t = handmade.build_tables(); t['schools'] = t['schools'].assign(school_name='被中断')\n"
            "versions.publish(t, sys.argv[1])\n")
    env = {**os.environ, versions.PAUSE_ENV: "renamed:60", "PYTHONPATH": str(config.PROJECT_DIR)}
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], stderr=subprocess.PIPE, text=True,
                            env=env, cwd=config.PROJECT_DIR)
    try:
        for line in proc.stderr:
            if line.strip() == "INGEST-PHASE renamed":
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_version_a_killed_publish_never_switched_to_is_not_kept(tmp_path):
    root = tmp_path / "root"
    kept = [versions.publish(tables(i), root) for i in range(5)]
    _publish_killed_after_rename(root)
    orphans = on_disk(root) - set(kept)
    assert len(orphans) == 1                           # the killed publish's complete version
    assert versions.current_version(root) == kept[-1]
    assert ids(root) == list(reversed(kept))           # not listed, so it cannot take a slot
    newest = versions.publish(tables(9), root)
    assert on_disk(root) == {newest, *kept[1:]}        # removed; five real versions kept
    assert ids(root) == [newest, *reversed(kept[1:])]


def test_a_root_from_before_the_history_keeps_its_versions(tmp_path):
    """Versions made by an older publish (no history file) are all real versions."""
    root = tmp_path / "root"
    old = [versions.publish(tables(i), root) for i in range(2)]
    (root / versions.VERSIONS / ".history.jsonl").unlink()
    assert ids(root) == list(reversed(old))
    new = versions.publish(tables(2), root)
    assert ids(root) == [new, *reversed(old)]


def test_the_page_says_a_publish_changed_nothing(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.ingest import templates

    root = tmp_path / "root"
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(root))
    versions.publish(tables(0), root)
    files = templates.export_tables(tables(0), tmp_path / "upload")
    at = AppTest.from_file(str(config.PROJECT_DIR / "dashboard" / "pages" / "data_admin.py"), default_timeout=120)
    at.run()
    at.session_state["ingest_plan"] = pipeline.prepare([pipeline.Upload.from_path(p) for p in files], root)
    at.run()
    at.checkbox(key="ingest_confirm").check().run()
    next(b for b in at.button if b.label == "发布为当前数据").click().run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info if i.value.startswith("未发布")] == ["未发布：与当前数据相比没有任何变化，未生成新版本。"]
    assert len(ids(root)) == 1
