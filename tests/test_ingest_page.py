"""The 数据管理 page runs without an exception: empty data root, a checked upload, publish, restore."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.ingest import pipeline, templates, versions
from tests import handmade

PAGE = str(config.PROJECT_DIR / "dashboard" / "pages" / "data_admin.py")


@pytest.fixture
def root(tmp_path, monkeypatch):
    r = tmp_path / "root"
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(r))
    return r


def _page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_on_an_empty_root(root):
    at = _page()
    assert at.title[0].value == "数据管理"
    assert [t.label for t in at.tabs] == ["导入数据", "填报模板", "历史版本"]
    assert not at.error


def test_page_checks_publishes_and_restores(root, tmp_path):
    old = versions.publish(handmade.build_tables(), root)
    t = handmade.build_tables()
    t["schools"] = t["schools"].assign(school_name=t["schools"]["school_name"] + "(新)")
    files = templates.export_tables(t, tmp_path / "upload")
    at = _page()
    # AppTest cannot drive a file upload: the checked plan is what the 检查文件 button stores.
    at.session_state["ingest_plan"] = pipeline.prepare([pipeline.Upload.from_path(p) for p in files], root)
    at.run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("检查通过")
    assert any(m.label == "信息变化的学校" and m.value == "6 所" for m in at.metric)
    publish = next(b for b in at.button if b.label == "发布为当前数据")
    assert publish.disabled
    at.checkbox(key="ingest_confirm").check().run()
    next(b for b in at.button if b.label == "发布为当前数据").click().run()
    assert not at.exception, at.exception
    new = versions.current_version(root)
    assert new != old
    assert any(f"已发布版本 {new}" in s.value for s in at.success)

    at.selectbox(key="ingest_restore_target").select(old).run()
    at.checkbox(key="ingest_restore_confirm").check().run()
    next(b for b in at.button if b.label == "恢复").click().run()
    assert not at.exception, at.exception
    assert versions.current_version(root) == old


def test_page_shows_a_blocked_plan(root, tmp_path):
    schools = handmade.build_tables()["schools"]
    schools.loc[:2, "stage"] = "大学"
    files = templates.export_tables({"schools": schools}, tmp_path / "bad")
    at = _page()
    at.session_state["ingest_plan"] = pipeline.prepare([pipeline.Upload.from_path(p) for p in files], root)
    at.run()
    assert not at.exception, at.exception
    assert "有 3 行被拒绝" in at.error[0].value
    assert not [b for b in at.button if b.label == "发布为当前数据"]
    assert any(d.label == "下载问题清单和被拒绝的行（Excel）" for d in at.get("download_button"))
