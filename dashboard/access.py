"""Who is using the dashboard and which counties they may see. Every query is scoped by
visible_counties(), so a page, a download, a school profile or a report pack cannot show more.

Three ways to run (docs/access-control.md):
- open: no users file: every visitor sees everything (the demo); the sidebar says so;
- local: accounts in the users file, passwords as argon2 hashes, the login page below;
- oidc: the bureau's identity provider through Streamlit's st.login, claims mapped to a role.
In local and oidc modes, a screen link (`users screen-link issue`) opens the meeting screen alone,
read-only, for the link's counties, with no idle timeout while the link is valid.
The Streamlit-free parts (accounts, throttling, screen links, claims) are in dashboard/auth.py, the
audit log in dashboard/audit.py.
"""
from __future__ import annotations

import logging
import math
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import audit as audit_log
from dashboard import auth, config, data, db
from dashboard.scope import Scope

log = logging.getLogger(__name__)

OPEN, LOCAL, OIDC = "open", "local", "oidc"
OPEN_NOTICE = "未启用登录：所有访问者可查看全部数据"
# Session keys. No widget has these keys, so nothing a browser sends can set them.
_USER, _STAMP, _SEEN, _NOTICE, _OIDC_SEEN, _SCREEN = ("_access_user", "_access_stamp", "_access_seen",
                                                      "_access_notice", "_access_oidc_logged", "_access_screen")
SCREEN_PARAM, SCREEN_URL_PATH = auth.SCREEN_PARAM, auth.SCREEN_URL_PATH
SCREEN_REFUSED = "该大屏链接无效、已过期或已被撤销，请联系管理员重新发放，或使用账号登录。"
ERROR_SHOWN = "页面出现错误，未能显示。错误详情已记录在服务器日志中，请联系管理员。"
LOGIN_UNAVAILABLE = "登录服务暂时不可用，请稍后再试或联系管理员。"

# With client.showErrorDetails = "none" (.streamlit/config.toml) Streamlit sends a browser no type,
# message or traceback of an uncaught error, only its generic English sentence, and logs the rest
# on the server. That sentence is a module constant: say it in Chinese.
try:
    from streamlit.elements import exception as _st_exception
    if hasattr(_st_exception, "_GENERIC_UNCAUGHT_EXCEPTION_TEXT"):
        _st_exception._GENERIC_UNCAUGHT_EXCEPTION_TEXT = ERROR_SHOWN
except ImportError:   # a Streamlit without it keeps its own sentence
    pass


def settings() -> config.AccessSettings:
    return config.access_settings()


def mode() -> str:
    s = settings()
    if s.mode == "oidc":
        return OIDC
    # "local" insists on the users file: deleting it must not open the dashboard to everyone.
    if s.mode == "local" or s.users_file.exists():
        return LOCAL
    return OPEN


# Who is logged in ------------------------------------------------------------------------------
def current_user() -> auth.User | None:
    """The logged-in user, re-read from the users file on every run, so a county changed or an
    account removed on the command line applies at once. None in open mode and when logged out.
    A screen session's user is its link's (read-only, the link's counties)."""
    m = mode()
    if m == OPEN:
        return None
    link = screen_session()
    if link is not None:
        return link.user()
    if m == LOCAL:
        name = st.session_state.get(_USER)
        if not name:
            return None
        try:
            account = auth.load_accounts(settings().users_file).get(name)
        except auth.UsersFileError:
            return None
        if account is None or auth.hash_stamp(account.password_hash) != st.session_state.get(_STAMP):
            return None
        return account.user()
    if m == OIDC:
        if not _oidc_logged_in():
            return None
        s = settings()
        return auth.user_from_claims(st.user.to_dict(), s.oidc_role_claim, s.oidc_counties_claim)
    return None


def visible_counties() -> tuple[str, ...]:
    """The counties the current user may see: 市级 and 管理员 every county of the extract, 县区
    their own counties that the extract holds; nobody logged in, none."""
    everything = data.all_county_codes()
    if mode() == OPEN:
        return everything
    user = current_user()
    return user.visible(everything) if user else ()


def is_admin() -> bool:
    """In open mode the visitor is the administrator: there is no one else to import data."""
    if mode() == OPEN:
        return True
    user = current_user()
    return bool(user and user.is_admin)


def require_admin(what: str = "数据管理") -> None:
    """First line of an administrators' page: anyone else gets a refusal, whatever the route."""
    if is_admin():
        return
    audit("forbidden", page=what)
    st.error(f"只有管理员可以使用“{what}”页面。如需导入数据或管理用户，请联系管理员。", icon=":material/block:")
    st.stop()


# The audit log ---------------------------------------------------------------------------------
def identity() -> dict:
    """Who is acting, for the audit log. Capture it while the page runs and pass it to audit()
    from code that runs later on another thread (a download generated on click)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return audit_log.cli_identity()
    m = mode()
    if m == OPEN:
        who = {"user": "（未启用登录）", "role": OPEN}
    elif (link := screen_session()) is not None:
        who = {"user": link.user().name, "role": "screen", "link": link.id,
               "counties": list(link.counties) or "全部", "via": "screen"}
    elif (user := current_user()) is None:
        who = {"via": m}
    else:
        who = {"user": user.name, "role": user.role,
               "counties": "全部" if user.sees_everything else list(user.counties), "via": m}
    try:
        ip = st.context.ip_address
    except Exception:   # no browser behind this run (tests)
        ip = None
    if isinstance(ip, str):
        who["ip"] = ip
    return who


def scope_record(scope: Scope | None) -> dict | None:
    """What a record says about the scope: the filters and the counties the user may see."""
    if scope is None:
        return None
    return {"year": scope.year, "county": scope.county, "township": scope.township, "stage": scope.stage,
            "ownership": scope.ownership, "locale": scope.locale, "visible": list(scope.visible_counties)}


def audit(event: str, who: dict | None = None, **details) -> None:
    """Append one event to the audit log (exports, downloads, logins…): who, when, what; `who`
    defaults to the session's identity(). Never raises (dashboard/audit.py's record())."""
    try:
        who = who if who is not None else identity()
    except Exception:
        log.exception("audit log: could not tell who is acting")
        who = {}
    audit_log.record(event, who, **details)


def downloads_allowed() -> bool:
    """False in a screen session: a meeting-room display is for reading, not taking files away."""
    return screen_session() is None


# Screen links ----------------------------------------------------------------------------------
def _screen_store() -> auth.ScreenLinks:
    return auth.ScreenLinks(auth.screen_links_file(settings()))


def last_activity() -> float | None:
    """When this session's person last did something (the idle timeout counts from it)."""
    return st.session_state.get(_SEEN)


def restore_activity(seen: float | None) -> None:
    """Put back an earlier last_activity(): a run the app started by itself (the meeting screen's
    rotation, a new extract) is not a person's activity."""
    if seen is None:
        st.session_state.pop(_SEEN, None)
    else:
        st.session_state[_SEEN] = seen


def screen_session() -> auth.ScreenLink | None:
    """The screen link this session was opened with, while it is still valid (re-read on every
    run, so a revoked link ends its sessions at their next run); None in any other session."""
    held = st.session_state.get(_SCREEN)
    if not isinstance(held, dict) or mode() == OPEN:
        return None
    try:
        link = _screen_store().get(held.get("id", ""))
    except auth.ScreenLinksError:
        log.exception("screen links file")
        return None
    if link is None or link.token_hash != held.get("hash") or link.state() != "valid":
        return None
    return link


def _screen_gate() -> bool | None:
    """None when this is no screen session; True for a valid screen link (opened from the URL's
    token, or held by the session); False when the link is unknown, expired or revoked: the
    session falls to the login page with SCREEN_REFUSED, and the token leaves the URL so the
    login form can be used."""
    token = st.query_params.get(SCREEN_PARAM)
    held = st.session_state.get(_SCREEN)
    if token is None and held is None:
        return None
    found, reason = None, "unknown"
    try:
        store = _screen_store()
        if token is not None:
            found = store.find(token)
        elif isinstance(held, dict):
            found = store.get(held.get("id", ""))
            if found is not None and found.token_hash != held.get("hash"):
                found = None
        if found is not None:
            reason = found.state()
    except auth.ScreenLinksError:
        log.exception("screen links file")
        reason = "links file unreadable"
    if reason != "valid":
        # A digest of the token, never the token: the log must not hold a working credential.
        audit("screen_refused", _screen_who(found), reason=reason,
              token_digest=None if token is None else auth.token_hash(str(token))[:12])
        _end_session()
        st.session_state.pop(_SCREEN, None)
        if token is not None:
            del st.query_params[SCREEN_PARAM]
        st.session_state[_NOTICE] = SCREEN_REFUSED
        return False
    if held != {"id": found.id, "hash": found.token_hash}:
        _end_session()   # a screen link replaces whoever this session was
        st.session_state[_SCREEN] = {"id": found.id, "hash": found.token_hash}
        audit("screen_opened", _screen_who(found))
    return True


def _screen_who(link: auth.ScreenLink | None) -> dict:
    who: dict = {"via": "screen"}
    if link is not None:
        who.update(user=link.user().name, role="screen", link=link.id, counties=list(link.counties) or "全部")
    try:
        ip = st.context.ip_address
    except Exception:
        ip = None
    if isinstance(ip, str):
        who["ip"] = ip
    return who


# The gate: login page, idle timeout ------------------------------------------------------------
def gate() -> bool:
    """Run by app.py first: True when the dashboard may be shown (login off, or a user logged in
    and active). Ends an idle session, or one whose account was removed or reset; a broken setting
    or users file shows an error and stops the script: it must close the dashboard, not open it."""
    try:
        m = mode()
        s = settings()
    except ValueError as exc:
        st.error(f"登录设置有误，看板无法启动：{exc}", icon=":material/error:")
        st.stop()
    if m == OPEN:
        return True
    if m == LOCAL:
        try:
            auth.load_accounts(s.users_file)
        except auth.UsersFileError:
            # The reason names server paths: it goes to the server log and to `users list`, not
            # to a visitor who has not logged in.
            log.exception("users file unusable, the dashboard stays closed")
            st.title(config.APP_TITLE)
            st.error("登录已启用，但用户文件无法使用，看板暂不开放。", icon=":material/error:")
            st.markdown("请管理员在服务器上运行 `python -m dashboard users list` 查看原因，"
                        "或用 `python -m dashboard users add` 创建账号。")
            st.stop()
    screen = _screen_gate()
    if screen is not None:
        return screen   # no idle timeout: the link itself is what keeps the session open
    user = current_user()
    if user is not None and _expired(s):
        audit("session_expired", idle_minutes=s.idle_minutes)
        st.session_state[_NOTICE] = f"已超过{_minutes(s.idle_minutes)}未操作，为保护数据已自动退出登录，请重新登录。"
        _end_session()
        if m == OIDC:
            st.logout()
        user = None
    elif user is None and st.session_state.get(_USER):
        # Logged in earlier in this session, but the account was removed or its password reset.
        audit("session_ended", user=st.session_state.get(_USER), reason="account changed")
        st.session_state[_NOTICE] = "您的账号信息已变更，请重新登录。"
        _end_session()
    if user is not None:
        st.session_state[_SEEN] = time.time()
        if m == OIDC and not st.session_state.get(_OIDC_SEEN):
            st.session_state[_OIDC_SEEN] = True
            audit("login")
        return True
    return False


def login_page() -> None:
    """The login page in place of any page; stops the script."""
    s = settings()
    if mode() == OIDC:
        _oidc_login_page(s)
    else:
        _local_login_page(s)
    st.stop()


def _minutes(m: float) -> str:
    return f"{m:g}分钟"


def _expired(s: config.AccessSettings) -> bool:
    seen = st.session_state.get(_SEEN)
    return seen is not None and time.time() - seen > s.idle_minutes * 60


def _end_session() -> None:
    for k in (_USER, _STAMP, _SEEN, _OIDC_SEEN, _SCREEN):
        st.session_state.pop(k, None)


def _login_header() -> None:
    st.title(config.APP_TITLE)
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice, icon=":material/info:")


def _local_login_page(s: config.AccessSettings) -> None:
    _login_header()
    left, _ = st.columns([2, 3])
    with left:
        st.subheader("登录")
        # clear_on_submit: the password does not stay in the form (or in session state) after a try.
        with st.form("login", clear_on_submit=True, enter_to_submit=True):
            name = st.text_input("用户名", key="_login_name", autocomplete="username")
            password = st.text_input("密码", type="password", key="_login_password", autocomplete="current-password")
            submitted = st.form_submit_button("登录", type="primary", width="stretch")
        if submitted:
            _attempt(s, name, password)
        st.caption(f"连续输错密码{s.max_failures}次，该账号将被锁定{_minutes(s.lock_minutes)}；"
                   f"登录后{_minutes(s.idle_minutes)}无操作将自动退出。忘记密码请联系管理员重设。")


def _attempt(s: config.AccessSettings, name: str, password: str) -> None:
    # Taken before the check: a click during the check starts a rerun that stops this run at its
    # next Streamlit call, and the attempt (already counted) must still reach the audit log.
    who = identity()
    throttle = auth.LoginThrottle.from_settings(s)
    try:
        result = auth.authenticate(s.users_file, name, password, throttle)
    except Exception:  # noqa: BLE001 — an unreadable file or state store: fail closed, say so
        log.exception("login failed unexpectedly")
        st.error(LOGIN_UNAVAILABLE, icon=":material/error:")
        return
    key = auth.normalize_name(name)
    shown_name = key if result.known_name else auth.name_digest(name)
    if result.ok:
        st.session_state[_USER] = result.user.name
        st.session_state[_STAMP] = result.stamp
        st.session_state[_SEEN] = time.time()
        audit("login", who, user=result.user.name, role=result.user.role,
              counties=list(result.user.counties) if not result.user.sees_everything else "全部", via=LOCAL)
        st.rerun()
    elif result.status == "empty":
        st.warning("请输入用户名和密码。", icon=":material/warning:")
    elif result.status == "busy":
        audit("login_refused", who, name=shown_name, reason="busy")
        st.warning("登录人数较多，请稍后再试。", icon=":material/hourglass:")
    elif result.status == "throttled":
        audit("login_refused", who, name=shown_name, reason="too_fast",
              retry_after_seconds=math.ceil(result.retry_after))
        st.warning(f"登录尝试过于频繁，请{math.ceil(result.retry_after)}秒后再试。", icon=":material/hourglass:")
    elif result.status == "locked":
        minutes = max(1, math.ceil(result.retry_after / 60))
        if result.attempts.just_locked:
            audit("lockout", who, name=shown_name, failures=result.attempts.failures,
                  locked_minutes=s.lock_minutes)
        else:
            audit("login_refused", who, name=shown_name, reason="locked")
        st.error(f"该账号因连续登录失败已被锁定，请{minutes}分钟后再试，或联系管理员解锁。", icon=":material/lock:")
    else:
        audit("login_failed", who, name=shown_name, failures=result.attempts.failures)
        left = s.max_failures - result.attempts.failures
        hint = f"再输错{left}次，该账号将被锁定{_minutes(s.lock_minutes)}。" if left <= 2 else ""
        st.error(f"用户名或密码错误。{hint}", icon=":material/error:")


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:   # no [auth] section configured: nobody can be logged in
        return False


def _oidc_login_page(s: config.AccessSettings) -> None:
    _login_header()
    if _oidc_logged_in():
        # Signed in at the provider, but the claims grant no role or county here.
        if not st.session_state.get(_OIDC_SEEN):
            st.session_state[_OIDC_SEEN] = True
            claims = st.user.to_dict()
            name = claims.get("preferred_username") or claims.get("email") or claims.get("sub")
            audit("login_refused", user=str(name), reason="no role or county in claims", via=OIDC)
        st.error("您已通过统一身份认证，但账号未被授予本看板的角色或县区，请联系管理员。", icon=":material/block:")
        if st.button("退出登录"):
            st.session_state.pop(_OIDC_SEEN, None)
            st.logout()
        return
    st.subheader("登录")
    st.markdown("本看板使用单位统一身份认证登录。")
    if st.button("使用统一身份认证登录", type="primary"):
        if s.oidc_provider:
            st.login(s.oidc_provider)
        else:
            st.login()


# The sidebar -----------------------------------------------------------------------------------
def account_panel() -> None:
    """Who is logged in and a logout button; in open mode, the notice that login is off."""
    m = mode()
    sb = st.sidebar
    if m == OPEN:
        sb.caption(OPEN_NOTICE)
        return
    user = current_user()
    if user is None or user.source == "screen":
        return
    if user.sees_everything:
        where = "全部县区"
    else:
        try:
            c = data.counties(visible_counties())
            where = "、".join(c["county_name"]) or "无（所负责县区不在当前数据中）"
        except db.ExtractMissing:
            where = "、".join(user.counties)
    sb.divider()
    sb.caption(f"当前用户：{user.name}（{user.role_label} · {where}）")
    if sb.button("退出登录", key="_logout", icon=":material/logout:"):
        audit("logout")
        _end_session()
        if m == OIDC:
            st.logout()
        st.session_state[_NOTICE] = "您已退出登录。"
        st.rerun()
