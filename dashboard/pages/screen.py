"""大屏: the meeting screen, full screen on a dark ground, readable from the back of a room: the
scope and the data date, the headline tiles, the county map in the centre (the ranking when the
view compares townships or schools), the ranking and the trend beside it, counts from 问题清单.

The scope is the one every page gets (the filter bar, hidden here by screen.css, reads the URL).
`?theme=一肩挑` picks the theme shown, `?rotate=20` goes round the themes every 20 seconds. A
newly published extract shows without a reload. The figures are the sections' own, restyled dark.
"""
import html
import time

import streamlit as st

from dashboard import access, charts, data, filters, ui
from dashboard.metrics import DASH
from dashboard.sections import screen as sc
from dashboard.sections.context import SCHOOL

POLL_SECONDS = 5                 # how soon a newly published extract is noticed
ROTATE_BOUNDS = (5, 3600)        # seconds; a rotation outside them is read as none
# Heights at 1080 CSS pixels (a 4K screen is the same layout at twice the scale, see screen.css).
MAIN_PX, PROBLEMS_PX = 710, 176
# Session keys, none a widget's.
_THEME, _SHOWN_AT, _VERSION, _AUTO = "_screen_theme", "_screen_shown_at", "_screen_version", "_screen_auto"
_CONFIG = {"displayModeBar": False, "displaylogo": False, "locale": "zh-CN", "scrollZoom": False}


def rotation() -> int | None:
    raw = st.query_params.get("rotate")
    try:
        seconds = int(str(raw).strip().rstrip("sS秒"))
    except (TypeError, ValueError):
        return None
    return seconds if ROTATE_BOUNDS[0] <= seconds <= ROTATE_BOUNDS[1] else None


def _not_activity() -> None:
    """A run the screen started by itself (rotation, a new extract) is not a person's activity: put
    back the time of the last real one, so a person's session still ends after the idle timeout.
    A screen link has no timeout, so there is nothing to put back."""
    auto = st.session_state.pop(_AUTO, None)
    if auto is None or access.mode() == access.OPEN or access.screen_session() is not None:
        return
    access.restore_activity(auto["seen"])


@st.fragment(run_every=POLL_SECONDS)
def _watch(version: str, rotate: int | None) -> None:
    """Reruns the whole page (no reload, no history entry) when a new extract is published or the
    theme's time is up."""
    due = rotate is not None and time.monotonic() - st.session_state.get(_SHOWN_AT, time.monotonic()) >= rotate
    if data.version() == version and not due:
        return
    if due:
        st.session_state[_THEME] = (st.session_state.get(_THEME, 0) + 1) % len(sc.THEMES)
        st.session_state[_SHOWN_AT] = time.monotonic()
    st.session_state[_AUTO] = {"seen": access.last_activity()}
    st.rerun()


def _up() -> None:
    """One level up, as the (hidden) breadcrumb would."""
    if st.session_state.get("township"):
        st.session_state["township"] = None
    else:
        st.session_state["county"] = None
        st.session_state["city"] = None


def _drill(key: str, level: str):
    def callback():
        points = (st.session_state.get(key) or {}).get("selection", {}).get("points", [])
        custom = points[0].get("customdata") if points else None
        if custom:
            filters.drill(level, str(custom[0]))
    return callback


def built(ctx, theme: int, map_height: int, boundaries: tuple) -> sc.Screen:
    """The screen for a scope and theme, built once and shared (data.section) by every screen and
    every rerun showing them (each rotation reruns the page). `boundaries` (the stamp of the
    bureau's boundary files) only keys the cache, so an installed file is drawn on the next run."""
    return sc.build(ctx, sc.THEMES[theme], data.county_shapes, map_height=map_height)


def chart(c, key: str, height: int) -> None:
    if c is None:
        return
    fig = c.figure
    if charts.is_empty(fig):
        st.html(f'<div class="scr-panel scr-empty" style="height:{height}px">'
                f'{html.escape(c.title)}：当前范围内没有可显示的数据</div>')
        return
    if c.key != "map":
        fig = sc.dark(fig, height=height)
    # A school's profile is another page: the screen stays on the screen.
    drill = c.drill if c.drill and c.drill != SCHOOL else None
    with st.container(key=f"panel_{key}"):
        # The figure's height for screen.css, which scales the page on larger screens.
        st.html(f"<style>.st-key-{key}, .st-key-{key}_static {{ --scr-h: {int(fig.layout.height or height)}px; }}</style>")
        if drill:
            st.plotly_chart(fig, key=key, theme=None, config=_CONFIG, selection_mode="points",
                            on_select=_drill(key, drill))
        else:
            st.plotly_chart(fig, key=f"{key}_static", theme=None, config=_CONFIG)


def tile(card, focus: bool = False, problem: bool = False, change: str = "") -> str:
    # Card values and details are computed strings; escaped all the same, as anything put in HTML.
    e = html.escape
    if card.rate is not None:
        second = f"{card.rate.num}/{card.rate.den}" if card.rate.defined else "无可计算的分母"
        third = change
    else:
        second, third = card.detail, ""
    classes = "scr-tile" + (" scr-focus" if focus else "") + (" scr-problem" if problem else "")
    return (f'<div class="{classes}"><div class="scr-label">{e(card.label)}</div>'
            f'<div class="scr-value">{e(card.value or DASH)}</div>'
            + (f'<div class="scr-detail">{e(second)}</div>' if second else "")
            + (f'<div class="scr-delta">{e(third)}</div>' if third else "") + "</div>")


ctx = ui.context()
_not_activity()
rotate = rotation()
if _THEME not in st.session_state:
    keys = sc.THEME_KEYS
    st.session_state[_THEME] = keys.index(st.query_params.get("theme")) if st.query_params.get("theme") in keys else 0
    st.session_state[_SHOWN_AT] = time.monotonic()
shown = sc.THEMES[st.session_state[_THEME] % len(sc.THEMES)]
st.session_state[_VERSION] = version = data.version()

# The title band: the scope, the year's date, the theme; the demo notice in the screen's own style.
with st.container(key="screen_head", horizontal=True, vertical_alignment="center"):
    demo = ('<div class="scr-demo">演示数据：学校和各项数字均为虚构</div>' if data.is_demo() else "")
    st.html(f'<div class="scr-root scr-head"><h1 class="scr-title">{html.escape(sc.title(ctx))}</h1>'
            f'<div class="scr-sub">{ctx.year}年 · {sc.data_date(ctx.year)} · 专题：{html.escape(shown.name)}</div>'
            f'</div>{demo}', width="stretch")
    if ctx.scope.county or ctx.scope.township:
        st.button("返回上一级", key="screen_up", on_click=_up)
    if access.screen_session() is None:
        if st.button("退出大屏", key="screen_exit"):
            st.switch_page(f"{ui.PAGES_DIR}/overview.py")

view = ui.section(built, ctx, st.session_state[_THEME] % len(sc.THEMES), MAIN_PX, data.boundaries_stamp())
if view.empty:
    st.html(f'<div class="scr-panel scr-empty" style="height:{MAIN_PX}px">{html.escape(view.empty)}</div>')
else:
    st.html('<div class="scr-tiles">' + "".join(tile(c, c.label == shown.tile, change=view.changes.get(c.label, ""))
                                         for c in view.tiles) + "</div>")
    if view.map is not None:
        left, centre, right = st.columns([0.29, 0.42, 0.29], gap="small")
        with centre:
            chart(view.map, "screen_map", MAIN_PX)
    else:
        left, right = st.columns([0.68, 0.32], gap="small")
    with left:
        chart(view.ranking, "screen_rank", MAIN_PX)
    with right:
        st.html('<div class="scr-problems">'
                + "".join(tile(c, shown.tile is None, problem=True) for c in view.problems) + "</div>")
        chart(view.trend, "screen_trend", MAIN_PX - PROBLEMS_PX - 12)

strip = "".join(f'<span class="scr-theme{" scr-on" if t is shown else ""}">{html.escape(t.key)}</span>'
                for t in sc.THEMES)
note = f"每{rotate}秒轮换专题" if rotate else ""
if ctx.level != SCHOOL and not view.empty:
    note = "；".join(x for x in (f"点击{ctx.unit_word}可进入下一级", note) if x)
st.html(f'<div class="scr-foot">{strip}<span class="scr-note">{html.escape(note)}</span></div>')
_watch(version, rotate)
