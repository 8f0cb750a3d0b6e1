"""Screen links for an unattended meeting-room screen (issue 16): issued, listed and revoked on the
command line; a session opened with one sees the screen alone, read-only, with the link's counties,
and is not logged out when the idle timeout passes; a revoked, expired or unknown link falls to the
login page with a Chinese message. Every use is audited; the token is never written anywhere."""
from __future__ import annotations

import io
import re
import stat
import sys
import time
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access, audit, auth, config
from dashboard.__main__ import main
from tests import handmade as h
from tests.access_support import PASSWORDS, screen_text, write_users

APP = "../app.py"


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("screen-accounts") / "users.toml"
    write_users(path)
    return path


@pytest.fixture
def env(monkeypatch, tmp_path, handmade_dir, users_file):
    users = users_file
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users))
    monkeypatch.setenv("DASHBOARD_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setenv("DASHBOARD_LOGIN_STATE", str(tmp_path / "var" / "login_state.sqlite"))
    monkeypatch.setenv("DASHBOARD_LOGIN_DELAY_SECONDS", "0")
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "30")
    store = auth.ScreenLinks(tmp_path / "var" / "screen_links.json")
    return SimpleNamespace(tmp=tmp_path, store=store, events=lambda: audit.read(tmp_path / "audit.log"))


def cli(monkeypatch, capsys, *argv) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["users", "screen-link", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


# The command line ------------------------------------------------------------------------------
def test_issue_list_and_revoke_on_the_command_line(env, monkeypatch, capsys):
    code, out = cli(monkeypatch, capsys, "issue", "--county", "山阳县", "--label", "会议室",
                    "--base-url", "http://10.1.2.3:8501/")
    assert code == 0, out
    url = re.search(r"http://10\.1\.2\.3:8501/screen\?screen_token=([A-Za-z0-9_\-]+)", out)
    assert url, out
    token = url.group(1)
    assert len(token) >= 43                       # 32 random bytes
    [link] = env.store.all()
    assert link.label == "会议室" and link.counties == (h.SHANYANG,) and link.state() == "valid"
    assert env.store.find(token) == link
    # Only a digest is kept, in a file only its owner can read; the log does not hold the token either.
    path = auth.screen_links_file(config.access_settings())
    assert path == env.store.path and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token not in path.read_text(encoding="utf-8")
    assert token not in (env.tmp / "audit.log").read_text(encoding="utf-8")

    code, out = cli(monkeypatch, capsys, "list")
    assert code == 0 and link.id in out and "会议室" in out and "山阳县" in out and "有效" in out
    assert token not in out

    code, out = cli(monkeypatch, capsys, "revoke", link.id)
    assert code == 0 and "已撤销" in out
    assert env.store.find(token).state() == "revoked"
    code, out = cli(monkeypatch, capsys, "list")
    assert "已撤销" in out
    assert cli(monkeypatch, capsys, "revoke", "00000000")[0] == 2

    events = env.events()
    assert [e["event"] for e in events] == ["screen_link_issued", "screen_link_revoked"]
    assert events[0]["link"] == link.id and events[0]["counties"] == [h.SHANYANG]
    assert events[0]["user"].startswith("命令行：")


@pytest.mark.parametrize("argv, words", [
    (["issue", "--label", "会议室"], "--all"),                                   # neither counties nor --all
    (["issue", "--label", "会议室", "--all", "--county", "611024"], "二者选一"),
    (["issue", "--label", "", "--all"], "大屏名称"),
    (["issue", "--label", "会议室", "--county", "不存在县"], "找不到县区"),
    (["issue", "--label", "会议室", "--all", "--days", "0"], "--days"),
])
def test_issue_refuses_what_it_cannot_honour(env, monkeypatch, capsys, argv, words):
    code, out = cli(monkeypatch, capsys, *argv)
    assert code == 2 and words in out and "Traceback" not in out
    assert env.store.all() == []


def test_a_broken_links_file_is_reported_not_overwritten(env, monkeypatch, capsys):
    env.store.path.parent.mkdir(parents=True, exist_ok=True)
    env.store.path.write_text("{not json", encoding="utf-8")
    code, out = cli(monkeypatch, capsys, "list")
    assert code == 2 and "大屏链接文件" in out and "格式错误" in out
    assert cli(monkeypatch, capsys, "issue", "--label", "会议室", "--all")[0] == 2
    assert env.store.path.read_text(encoding="utf-8") == "{not json"


# A session opened with a link ------------------------------------------------------------------
def probe():
    """What a page would ask of access.py, printed."""
    import streamlit as st

    from dashboard import access
    if access.gate():
        st.write("visible=" + ",".join(access.visible_counties()))
        st.write(f"admin={access.is_admin()} downloads={access.downloads_allowed()} "
                 f"screen={access.screen_session() is not None}")
    else:
        access.login_page()


def probe_app(**query) -> AppTest:
    at = AppTest.from_function(probe, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def shown(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    return screen_text(at)


def on_login_page(at) -> bool:
    return any(t.label == "密码" for t in at.text_input)


def test_a_link_opens_a_read_only_session_with_its_counties(env):
    _, token = env.store.issue("会议室", [h.SHANYANG], "test")
    at = probe_app(screen_token=token).run()
    text = shown(at)
    assert f"visible={h.SHANYANG}\n" in text + "\n" and "admin=False downloads=False screen=True" in text
    at.run()
    at.run()
    events = env.events()
    assert [e["event"] for e in events] == ["screen_opened"]   # once per session, not per run
    assert events[0]["role"] == "screen" and events[0]["counties"] == [h.SHANYANG] and events[0]["user"] == "大屏：会议室"
    assert token not in (env.tmp / "audit.log").read_text(encoding="utf-8")


def test_a_city_wide_link_sees_every_county(env):
    _, token = env.store.issue("市局大厅", [], "test")
    text = shown(probe_app(screen_token=token).run())
    assert f"visible={h.SHANGZHOU},{h.SHANYANG}" in text and "admin=False" in text


def test_the_idle_timeout_does_not_end_a_screen_session(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "1")
    _, token = env.store.issue("会议室", [h.SHANYANG], "test")
    at = probe_app(screen_token=token).run()
    # Ten hours untouched; the page reloads its figures by itself, nobody clicks.
    at.session_state["_access_seen"] = time.time() - 10 * 3600
    at.run()
    assert "screen=True" in shown(at) and not on_login_page(at)
    assert "session_expired" not in [e["event"] for e in env.events()]


def test_a_logged_in_user_is_still_logged_out_when_idle(env, monkeypatch):
    """The other side of the test above: the timeout itself still works for people."""
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "1")
    at = probe_app().run()
    at.text_input(key="_login_name").input("city")
    at.text_input(key="_login_password").input(PASSWORDS["city"])
    at.button[0].click().run()
    assert "screen=False" in shown(at)
    at.session_state["_access_seen"] = time.time() - 2 * 60
    at.run()
    assert on_login_page(at)


def test_revoking_a_link_ends_its_session_at_the_next_run(env):
    link, token = env.store.issue("会议室", [h.SHANYANG], "test")
    at = probe_app(screen_token=token).run()
    assert "screen=True" in shown(at)
    env.store.revoke(link.id)
    at.run()
    assert on_login_page(at) and "visible=" not in shown(at)
    assert access.SCREEN_REFUSED in [i.value for i in at.info]
    assert access.SCREEN_PARAM not in at.query_params      # the login form can now be used
    refused = env.events()[-1]
    assert refused["event"] == "screen_refused" and refused["reason"] == "revoked" and refused["link"] == link.id


@pytest.mark.parametrize("make", ["unknown", "expired", "malformed"])
def test_an_unknown_or_expired_link_falls_to_the_login_page(env, make):
    if make == "expired":
        _, token = env.store.issue("会议室", [h.SHANYANG], "test", days=1, now=time.time() - 2 * 86400)
    elif make == "unknown":
        env.store.issue("会议室", [h.SHANYANG], "test")
        token = "x" * 43
    else:
        token = "<script>" * 40
    at = probe_app(screen_token=token).run()
    assert on_login_page(at) and "visible=" not in shown(at)
    assert access.SCREEN_REFUSED in [i.value for i in at.info]
    refused = [e for e in env.events() if e["event"] == "screen_refused"]
    assert len(refused) == 1 and refused[0]["reason"] == ("expired" if make == "expired" else "unknown")
    assert token not in (env.tmp / "audit.log").read_text(encoding="utf-8")
    # The form works: a person can log in on that machine.
    at.text_input(key="_login_name").input("shanyang")
    at.text_input(key="_login_password").input(PASSWORDS["shanyang"])
    at.button[0].click().run()
    assert "screen=False" in shown(at) and "downloads=True" in shown(at)


def test_a_link_replaces_whoever_the_session_was(env):
    _, token = env.store.issue("会议室", [h.SHANYANG], "test")
    at = probe_app().run()
    at.text_input(key="_login_name").input("admin")
    at.text_input(key="_login_password").input(PASSWORDS["admin"])
    at.button[0].click().run()
    assert "admin=True" in shown(at)
    at.query_params[access.SCREEN_PARAM] = token
    at.run()
    assert "admin=False" in shown(at) and f"visible={h.SHANYANG}\n" in shown(at) + "\n"


def test_links_mean_nothing_when_login_is_off(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(env.tmp / "absent.toml"))
    _, token = env.store.issue("会议室", [h.SHANYANG], "test")
    text = shown(probe_app(screen_token=token).run())
    assert "screen=False" in text and f"visible={h.SHANGZHOU},{h.SHANYANG}" in text


def test_the_app_gives_a_screen_session_the_screen_page_alone(env):
    _, token = env.store.issue("会议室", [h.SHANYANG], "test")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[access.SCREEN_PARAM] = token
    at.run()
    text = shown(at)
    titles = [p["page_name"] for p in at._registered_pages.values() if p["page_name"]]
    assert "商州区" not in text and "数据管理" not in titles and "总览" not in titles
    if (config.PROJECT_DIR / "dashboard" / "pages" / "screen.py").exists():
        assert titles == ["大屏"]
    else:   # until the lead adds the page: a message, and still no other page
        assert titles == [] and not at.metric
        assert any("尚未安装大屏页面" in e.value for e in at.error)
    # An address typed in: the administrators' page is nowhere to be had.
    try:
        at.switch_page("dashboard/pages/data_admin.py").run()
    except ValueError:
        pass    # not registered for this session
    assert "上传填报文件" not in shown(at) and "数据管理" not in shown(at)
