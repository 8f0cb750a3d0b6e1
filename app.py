"""中小学校党建数据看板: page configuration and the router, nothing else."""
from pathlib import Path

import streamlit as st

# Sessions' first runs execute this file on several threads at once. Importing pandas and plotly
# (and plotly's lazily loaded parts) inside one module import lets Python serialise them, so no
# session can see a half-imported library (seen as "partially initialized module 'pandas'").
from dashboard import charts  # noqa: F401
from dashboard import access, ui

# An emoji, not a ":material/…" icon: the browser fetches a Material favicon from Google's servers
# (the icons inside pages come from a font Streamlit ships, so those are fine).
st.set_page_config(page_title="中小学校党建数据看板", page_icon="🚩", layout="wide",
                   initial_sidebar_state="expanded")

logged_in = access.gate()   # False while login is on and nobody (active) is logged in

P = ui.PAGES_DIR
SCREEN_CSS = Path(__file__).parent / "dashboard" / "static" / "screen.css"
# The meeting screen (issue 16), once its page exists. A session opened with a screen link gets
# this page alone: no other page is registered for it, so no other address leads anywhere.
screen = (st.Page(f"{P}/screen.py", title="大屏", icon=":material/tv:", url_path=access.SCREEN_URL_PATH)
          if (Path(__file__).parent / P / "screen.py").exists() else None)


def frame(navigation) -> None:
    # The screen's stylesheet goes first, so the filter bar it hides is never seen drawn.
    if navigation.url_path == access.SCREEN_URL_PATH:
        st.html(SCREEN_CSS)
    ui.frame(navigation.url_path)


if logged_in and access.screen_session() is not None:
    if screen is None:
        st.error("本看板尚未安装大屏页面，请联系管理员。", icon=":material/error:")
        st.stop()
    navigation = st.navigation([screen], position="hidden")
    frame(navigation)
    navigation.run()
    st.stop()
pages = {
    "数据看板": [
        st.Page(f"{P}/overview.py", title="总览", icon=":material/dashboard:", default=True),
        st.Page(f"{P}/coverage.py", title="组织覆盖", icon=":material/account_tree:"),
        st.Page(f"{P}/leadership.py", title="一肩挑", icon=":material/handshake:"),
        st.Page(f"{P}/demonstration.py", title="示范创建", icon=":material/military_tech:"),
        st.Page(f"{P}/members.py", title="党员发展", icon=":material/groups:"),
        st.Page(f"{P}/org_life.py", title="组织生活", icon=":material/event_available:"),
        st.Page(f"{P}/school_profile.py", title="学校画像", icon=":material/school:"),
        st.Page(f"{P}/action_lists.py", title="问题清单", icon=":material/checklist:"),
        *([screen] if screen else []),
    ],
    "数据与报告": [
        st.Page(f"{P}/report_export.py", title="报告导出", icon=":material/description:"),
    ],
}
data_admin = st.Page(f"{P}/data_admin.py", title="数据管理", icon=":material/database:")
if not logged_in:
    # Every page registered but hidden and none run, so the address asked for (a shared link such
    # as /coverage?year=…) is the page shown once logged in.
    st.navigation([p for group in pages.values() for p in group] + [data_admin], position="hidden")
    access.login_page()
# Only administrators import data: for anyone else the page is not registered, so its URL leads nowhere.
if access.is_admin():
    pages["数据与报告"].append(data_admin)
navigation = st.navigation(pages)
frame(navigation)
access.account_panel()
navigation.run()
