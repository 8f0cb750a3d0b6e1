"""Access control through the whole app (AppTest): the login page, roles, the idle timeout, lock-out,
the audit log, and a 山阳县 user who cannot reach 商州区's figures by any route: every page, every
download, the school profile of a 商州区 school, the report pack, and edited URLs. Values are checked
against the hand-made extract (tests/handmade.py; 山阳县 alone in tests/test_query_scope.py)."""
from __future__ import annotations

import contextlib
import csv
import io
import time
import tomllib
from types import SimpleNamespace

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from dashboard import access, audit, auth, config, users
from tests import handmade as h
from tests.browser_support import paragraph_of
from tests.access_support import (PASSWORDS, SHANGZHOU_MARKERS, Downloads, payload_texts, screen_text,
                                  write_users)

APP = "../app.py"
PAGES = ["overview", "coverage", "leadership", "demonstration", "members", "school_profile", "action_lists",
         "report_export"]


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("accounts") / "users.toml"
    write_users(path)
    return path


@pytest.fixture
def env(monkeypatch, tmp_path, handmade_dir, users_file):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users_file))
    monkeypatch.setenv("DASHBOARD_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setenv("DASHBOARD_LOGIN_STATE", str(tmp_path / "login_state.sqlite"))
    monkeypatch.setenv("DASHBOARD_LOGIN_DELAY_SECONDS", "0")
    return SimpleNamespace(audit=tmp_path / "audit.log", users_file=users_file, tmp=tmp_path,
                           events=lambda: audit.read(tmp_path / "audit.log"))


@pytest.fixture
def downloads(monkeypatch):
    return Downloads(monkeypatch)


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def submit_login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="_login_name").input(name)
    at.text_input(key="_login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def logged_in(name: str, **query) -> AppTest:
    at = new_app(**query).run()
    assert on_login_page(at)
    submit_login(at, name, PASSWORDS[name])
    assert not on_login_page(at), screen_text(at)[:500]
    return at


def visit(name: str, page: str, **query) -> AppTest:
    """Open a URL (page and query) in a new browser tab: a new session, so log in first. The
    filters are bound to the URL when their widgets are first made, as in a real page load."""
    at = logged_in(name, **query)
    # Logging in ran the first page, which keeps its own address only (school= belongs to the
    # profile); the tab then opens the URL asked for, as a browser reloading it would.
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"dashboard/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def on_login_page(at: AppTest) -> bool:
    return any(t.label == "密码" for t in at.text_input)


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def metric(at, label_start: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert found, f"no metric {label_start!r} in {list(metrics(at))}"
    return found[0]


def assert_no_shangzhou(text: str, where: str) -> None:
    leaked = [m for m in SHANGZHOU_MARKERS if m in text]
    assert not leaked, f"{where} shows {leaked}"


def assert_downloads_clean(downloads: Downloads, where: str) -> dict[str, bytes]:
    files = downloads.contents()
    for name, data in files.items():
        assert_no_shangzhou(name + "\n" + "\n".join(payload_texts(data)), f"{where}: download {name}")
    return files


# Logged out ------------------------------------------------------------------------------------
def test_logged_out_sees_the_login_page_and_no_figure(env, downloads):
    at = new_app(year="2023年").run()
    assert not at.exception
    assert on_login_page(at)
    assert not at.metric and not at.dataframe and not at.selectbox
    text = screen_text(at)
    assert "山阳县" not in text and "商州区" not in text and "学校数" not in text
    assert not downloads.files


def test_open_mode_without_users_file_says_login_is_off(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(env.tmp / "absent.toml"))
    at = new_app(year="2023年").run()
    assert not on_login_page(at)
    assert access.OPEN_NOTICE in [c.value for c in at.sidebar.caption]
    assert metric(at, "学校数") == "5所"


def test_local_mode_without_users_file_stays_closed(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(env.tmp / "absent.toml"))
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    at = new_app().run()
    assert not at.metric and any("用户文件" in e.value for e in at.error)


def test_a_broken_users_file_closes_the_dashboard(env, monkeypatch):
    broken = env.tmp / "broken.toml"
    broken.write_text('[users."x"]\nrole = "boss"\npassword_hash = "$argon2id$x"\n', encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(broken))
    at = new_app().run()
    assert not at.metric and not on_login_page(at)
    assert any("用户文件无法使用" in e.value for e in at.error)
    # The reason names a server path: not for a visitor who has not logged in, but for the
    # administrator's `users list`.
    assert str(env.tmp) not in screen_text(at) and "boss" not in screen_text(at)
    out = io.StringIO()
    with contextlib.redirect_stderr(out):
        assert users.run(SimpleNamespace(action="list", file=broken)) == 2
    assert "role" in out.getvalue() and "boss" in out.getvalue()


# Logging in ------------------------------------------------------------------------------------
def _forged(at: AppTest, **fields) -> WidgetStates:
    """The widget states a hand-made client could send for the login form: values of any type."""
    ids = {"name": at.text_input(key="_login_name").id, "password": at.text_input(key="_login_password").id}
    states = WidgetStates()
    for which, value in fields.items():
        w = states.widgets.add()
        w.id = ids[which]
        if isinstance(value, str):
            w.string_value = value
        elif isinstance(value, float):
            w.double_value = value
        else:
            w.int_value = value
    submit = states.widgets.add()
    submit.id = at.button[0].id
    submit.trigger_value = True
    return states


@pytest.mark.parametrize("fields", [{"name": "shanyang", "password": 7}, {"name": 7.5, "password": "x" * 9},
                                    {"name": 3, "password": 4}])
def test_a_forged_login_form_gets_a_chinese_answer_and_no_traceback(env, fields):
    at = new_app().run()
    at = at._run(_forged(at, **fields))
    assert not at.exception, [e.value for e in at.exception]
    text = screen_text(at)
    assert "Traceback" not in text and str(config.PROJECT_DIR) not in text and "Error" not in text
    assert on_login_page(at) and any("请输入用户名和密码" in w.value for w in at.warning)


def test_an_uncaught_error_shows_a_chinese_sentence_and_no_details(env, monkeypatch):
    settings = tomllib.loads((config.PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"
    from streamlit import config as st_config
    monkeypatch.setattr(st_config, "get_option", lambda key, _get=st_config.get_option:
                        "none" if key == "client.showErrorDetails" else _get(key))

    def broken():
        from dashboard import access, config   # noqa: F401 - access sets the sentence
        raise RuntimeError(f"cannot read {config.PROJECT_DIR}/users.toml")

    at = AppTest.from_function(broken, default_timeout=30).run()
    [shown] = at.exception
    assert shown.message == access.ERROR_SHOWN and not shown.stack_trace
    assert str(config.PROJECT_DIR) not in screen_text(at) and "RuntimeError" not in screen_text(at)


def test_login_audited_and_password_never_written(env):
    logged_in("shanyang", year="2023年")
    events = env.events()
    assert [e["event"] for e in events] == ["login"]
    assert events[0]["user"] == "shanyang" and events[0]["role"] == "county" and events[0]["counties"] == [h.SHANYANG]
    assert PASSWORDS["shanyang"] not in env.audit.read_text(encoding="utf-8")


def test_users_file_holds_argon2_hashes_only(env):
    text = env.users_file.read_text(encoding="utf-8")
    for name, password in PASSWORDS.items():
        assert password not in text
    accounts = auth.load_accounts(env.users_file)
    assert all(a.password_hash.startswith("$argon2id$") for a in accounts.values())
    assert auth.verify_password(accounts["shanyang"].password_hash, PASSWORDS["shanyang"])


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(env):
    at = new_app().run()
    submit_login(at, "shanyang", "not-the-password")
    assert on_login_page(at) and not at.metric
    assert any("用户名或密码错误" in e.value for e in at.error)
    submit_login(at, "nobody", "whatever-123")
    assert any("用户名或密码错误" in e.value for e in at.error)
    failed = [e for e in env.events() if e["event"] == "login_failed"]
    assert [e["name"] for e in failed][0] == "shanyang"
    # A name that is no account is recorded as a digest: people type passwords into that field.
    assert failed[1]["name"].startswith("sha256:") and "nobody" not in env.audit.read_text(encoding="utf-8")
    assert "not-the-password" not in env.audit.read_text(encoding="utf-8")


def test_five_failures_lock_the_name_for_every_session(env):
    at = new_app().run()
    for _ in range(5):
        submit_login(at, "shanyang", "wrong-password")
    assert any("已被锁定" in e.value for e in at.error)
    # Another browser, the right password: still locked, as the count is shared.
    other = new_app().run()
    submit_login(other, "shanyang", PASSWORDS["shanyang"])
    assert on_login_page(other) and any("已被锁定" in e.value for e in other.error)
    kinds = [e["event"] for e in env.events()]
    assert kinds == ["login_failed"] * 4 + ["lockout", "login_refused"]
    # The administrator unlocks it from the command line; then the login works.
    assert users.run(SimpleNamespace(action="unlock", name="shanyang", file=None)) == 0
    submit_login(other, "shanyang", PASSWORDS["shanyang"])
    assert not on_login_page(other) and metric(other, "学校数") == "2所"


def test_quick_retries_are_slowed_down(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOGIN_DELAY_SECONDS", "30")
    at = new_app().run()
    submit_login(at, "city", "wrong-1")
    submit_login(at, "city", "wrong-2")
    submit_login(at, "city", PASSWORDS["city"])   # within 30 s of the 2nd failure: not even checked
    assert on_login_page(at) and any("过于频繁" in w.value for w in at.warning)


def test_idle_session_is_logged_out(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "30")
    at = logged_in("shanyang", year="2023年")
    at.session_state["_access_seen"] = time.time() - 31 * 60
    at.run()
    assert on_login_page(at) and not at.metric
    assert any("自动退出登录" in i.value for i in at.info)
    assert [e["event"] for e in env.events()][-1] == "session_expired"


def test_logout(env):
    at = logged_in("city")
    at.button(key="_logout").click().run()
    assert on_login_page(at) and not at.metric
    assert [e["event"] for e in env.events()] == ["login", "logout"]
    assert env.events()[1]["user"] == "city"


def test_a_removed_account_loses_its_session_at_once(env, monkeypatch, tmp_path):
    own = tmp_path / "users.toml"
    write_users(own)
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(own))
    at = logged_in("shanyang")
    assert users.run(SimpleNamespace(action="remove", name="shanyang", file=own)) == 0
    at.run()
    assert on_login_page(at) and not at.metric


# Roles -----------------------------------------------------------------------------------------
def nav_titles(at) -> list[str]:
    return [p["page_name"] for p in at._registered_pages.values()]


def test_city_user_sees_every_county_but_not_data_admin(env):
    at = logged_in("city", year="2023年")
    assert metric(at, "学校数") == "5所"
    assert "数据管理" not in nav_titles(at)
    with pytest.raises(ValueError):
        at.switch_page("dashboard/pages/data_admin.py")


def test_admin_sees_data_admin(env):
    at = logged_in("admin", year="2023年")
    assert metric(at, "学校数") == "5所"
    assert "数据管理" in nav_titles(at)


def test_require_admin_refuses_everyone_else(env, users_file):
    """The guard the 数据管理 page calls first, in case the page is ever reached another way."""
    def page():
        from dashboard import access
        access.require_admin()
        import streamlit as st
        st.write("管理员内容")

    for name, allowed in (("shanyang", False), ("city", False), ("admin", True)):
        at = AppTest.from_function(page, default_timeout=30)
        account = auth.load_accounts(users_file)[name]
        at.session_state["_access_user"] = name
        at.session_state["_access_stamp"] = auth.hash_stamp(account.password_hash)
        at.run()
        shown = "管理员内容" in screen_text(at)
        assert shown == allowed, name
        assert bool(at.error) == (not allowed)
    assert [e["event"] for e in env.events()] == ["forbidden", "forbidden"]


# A 山阳县 user, every route --------------------------------------------------------------------
FIGURES_2023 = {
    # 山阳县 alone, 2023 (tests/test_query_scope.py): S4 and S5.
    "overview": {"学校数": "2所", "党组织覆盖率": "50.0%", "党员数": "10名", "党建示范校": "2所"},
    "coverage": {"学校数": "2所", "党组织覆盖率": "50.0%", "党的工作覆盖率": "100.0%", "党组织数": "1个"},
    "leadership": {"“一肩挑”比例": "100.0%", "书记空缺比例": "0.0%"},
    "demonstration": {"党建示范校（累计）": "2所", "2023年新增示范校": "1所", "五星级党组织": "0个"},
    "members": {"党员数（年末）": "10名", "新发展党员": "1名"},
    "action_lists": {"换届已逾期": "0个", "半年内到期": "0个", "类型与规模不符": "0个", "应单独建立党组织": "0所"},
}
ROUTES = {
    "plain": {"year": "2023年"},
    # An edited URL: another county, its township and one of its schools.
    "tampered": {"year": "2023年", "county": "商州区", "township": "沙河子镇", "school": h.S1},
    "by code": {"year": "2023年", "county": h.SHANGZHOU},
}


@pytest.mark.parametrize("page", PAGES)
def test_county_user_sees_only_own_county_on_every_page(env, downloads, page):
    for route, query in ROUTES.items():
        downloads.clear()
        at = visit("shanyang", page, **query)
        where = f"{page} ({route})"
        assert_no_shangzhou(screen_text(at), where)
        assert_downloads_clean(downloads, where)
        assert at.selectbox(key="county").options == ["全部", "山阳县"], where
        # Their one county is where they start (and where a tampered URL falls back to).
        assert at.selectbox(key="county").value == h.SHANYANG, where
        for label, value in FIGURES_2023.get(page, {}).items():
            assert metric(at, label) == value, f"{where}: {label}"


def test_county_user_overview_speaks_of_the_county_not_the_city(env):
    at = logged_in("shanyang", year="2023年")
    paragraph = paragraph_of(at)
    assert paragraph.startswith("截至2023年底，山阳县共有中小学校（幼儿园）2所"), paragraph
    assert "全市" not in paragraph
    at = visit("shanyang", "overview", year="2024年")
    assert metric(at, "学校数") == "2所" and metric(at, "党员数") == "13名"


def test_county_user_downloads_hold_own_figures_and_are_audited(env, downloads):
    downloads.clear()
    visit("shanyang", "coverage", year="2023年")
    files = assert_downloads_clean(downloads, "coverage")
    # A 县区 user starts in their county: its townships are compared (城关街道 S4 covered; 高坝店镇
    # S5 an adviser only), with the county's total.
    name = "各乡镇（街道）党组织覆盖情况_2023年_山阳县.csv"
    assert name in files, list(files)
    rows = list(csv.reader(io.StringIO(files[name].decode("utf-8-sig"))))
    assert rows[0][0] == "乡镇（街道）"
    assert [r[0] for r in rows[1:]] == ["城关街道", "高坝店镇", "合计"]
    # The workbook's columns: rates as numbers in per cent beside the counts they come from. S4
    # has an organisation; S5 only an adviser, so the work covers both.
    assert rows[0][1:] == ["学校数（所）", "党组织覆盖学校数（所）", "党组织覆盖率（%）", "党的工作覆盖学校数（所）",
                           "党的工作覆盖率（%）"]
    assert rows[3][1:] == ["2", "1", "50.0", "2", "100.0"]
    uncovered = files["未被党组织覆盖的学校_2023年_山阳县.csv"].decode("utf-8-sig")
    assert "戊小学" in uncovered
    made = [e for e in env.events() if e["event"] == "download"]
    assert len(made) == len(files)   # one line per file made on click
    assert all(e["user"] == "shanyang" and e["scope"]["visible"] == [h.SHANYANG] for e in made)
    assert {e["file"] for e in made} == set(files)


def test_county_user_cannot_open_another_countys_school(env):
    at = visit("shanyang", "school_profile", school=h.S1)
    assert any("未找到该学校" in w.value for w in at.warning)
    assert not at.header and not at.metric
    assert_no_shangzhou(screen_text(at), "profile of S1")
    # Its own school opens.
    at = visit("shanyang", "school_profile", school=h.S4)
    assert at.header[0].value == "丁中学"
    # The picker offers only its own schools.
    at = visit("shanyang", "school_profile")
    picker = [s for s in at.selectbox if s.label.startswith("选择学校")][0]
    assert set(picker.options) == {"丁中学(山阳县 · 初中)", "己幼儿园(山阳县 · 幼儿园)", "戊小学(山阳县 · 小学)"}


def test_county_user_cannot_reach_data_admin(env):
    at = logged_in("shanyang")
    assert "数据管理" not in nav_titles(at)
    with pytest.raises(ValueError):
        at.switch_page("dashboard/pages/data_admin.py")


def test_county_user_report_pack_holds_own_county_only(env, downloads):
    """The report page, and every file it offers (made at once or on click), for 山阳县 only."""
    for query, charts in (({"year": "2023年"}, True), ({"year": "2023年", "county": "商州区"}, False)):
        downloads.clear()
        at = visit("shanyang", "report_export", **query)
        if not charts:   # the charts were checked once; without them the pack is quick
            at.toggle(key="report_charts").set_value(False).run()
        at.button(key="report_generate").click().run()
        assert not at.exception
        assert_no_shangzhou(screen_text(at), f"report_export {query}")
        files = assert_downloads_clean(downloads, f"report_export {query}")
        packs = [n for n in files if n.endswith(".zip")]
        assert packs, list(files)
        inside = "\n".join(payload_texts(files[packs[0]]))
        # The pack is about 山阳县 and its figures: 2 schools in 2023, S5 the one not covered.
        assert "山阳县" in inside and "戊小学" in inside
    exported = [e for e in env.events() if e["event"] in ("download", "export")]
    assert exported and all(e["user"] == "shanyang" and e["scope"]["visible"] == [h.SHANYANG] for e in exported)


def test_county_user_whose_county_is_not_in_the_extract_sees_nothing(env, monkeypatch, tmp_path):
    own = tmp_path / "users.toml"
    with auth.editing(own) as accounts:
        accounts["luonan"] = auth.new_account("luonan", "county", ["611021"], "luonan-pass-1")
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(own))
    at = submit_login(new_app(year="2023年").run(), "luonan", "luonan-pass-1")
    assert not on_login_page(at) and not at.metric and not at.dataframe
    assert any("不在当前数据中" in w.value for w in at.warning)
    text = screen_text(at)
    assert "山阳县" not in text and "商州区" not in text


def test_shangzhou_user_sees_no_shanyang(env):
    at = logged_in("shangzhou", year="2023年")
    assert metric(at, "学校数") == "3所"
    text = screen_text(at)
    for marker in ("山阳县", "丁中学", "戊小学", "高坝店镇", h.S4, h.S5):
        assert marker not in text


# OIDC ------------------------------------------------------------------------------------------
def test_oidc_claims_give_the_role_and_counties(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = new_app(year="2023年")
    at.user = {"is_logged_in": True, "preferred_username": "sy@jyj", "email": "sy@example.org",
               "dashboard_role": "县区", "dashboard_counties": [h.SHANYANG]}
    at.run()
    assert not at.exception
    assert metric(at, "学校数") == "2所"
    assert_no_shangzhou(screen_text(at), "oidc county user")
    assert env.events()[0]["event"] == "login" and env.events()[0]["user"] == "sy@jyj"


def test_oidc_without_a_role_is_refused(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = new_app()
    at.user = {"is_logged_in": True, "preferred_username": "someone", "groups": ["staff"]}
    at.run()
    assert not at.metric and any("未被授予" in e.value for e in at.error)


def test_oidc_logged_out_sees_the_sign_in_button(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = new_app()
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.metric and any("统一身份认证" in b.label for b in at.button)
