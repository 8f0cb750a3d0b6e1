"""How the pages draw the sections' blocks with st.*: the frame (data check, demo notice,
filters), cards, charts, tables with downloads, paragraphs and empty states. Pages stay layout only."""
from __future__ import annotations

import html
import time
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import access, charts, config, data, db, filters, text
from dashboard.metrics import Rate
from dashboard.report import workbook
from dashboard.scope import Scope
from dashboard.sections.blocks import Card, Chart, Section, Table
from dashboard.sections.context import SCHOOL, Context, scope_name

PAGES_DIR = "dashboard/pages"
PAGE_ROWS = 500
STYLESHEET = Path(__file__).resolve().parent / "static" / "app.css"
CHINESE_INTERFACE = Path(__file__).resolve().parent / "static" / "zh.js"
HISTORY = Path(__file__).resolve().parent / "static" / "history.js"


# The frame --------------------------------------------------------------------------------------
def frame(page: str = "") -> Scope | None:
    """Check the extract, show the filter bar; None when there is no data. `page` is the url path
    of the page being shown."""
    st.html(STYLESHEET)
    # A static script of the project's (no data in it): Streamlit's own English words in Chinese.
    scripts = "".join(p.read_text(encoding="utf-8") for p in (CHINESE_INTERFACE, HISTORY))
    st.html(f"<script>{scripts}</script>", unsafe_allow_javascript=True)
    # The school belongs to the profile page's address only: another page's link must not carry it.
    if page != "school_profile" and "school" in st.query_params:
        del st.query_params["school"]
    try:
        scope = filters.filter_bar()
    except db.ExtractPreparing:
        preparing_page()
    except db.ExtractMissing as exc:
        st.session_state["_scope"] = None
        st.session_state["_missing"] = exc
        return None
    st.session_state["_scope"] = scope
    st.session_state["_missing"] = None
    # A school clicked on this page (a callback cannot switch pages): its profile, which takes it.
    if page != "school_profile" and st.session_state.get(PROFILE_SCHOOL):
        st.switch_page(f"{PAGES_DIR}/school_profile.py", query_params={})
    if scope is not None:
        counties = data.counties(scope.visible_counties)
        filters.crumbs(scope, counties, scope_name(scope.with_(city=None, county=None, township=None, stage=None,
                                                               ownership=None, locale=None), counties))
    return scope


def scope() -> Scope:
    """The current scope for a page; stops the page with a clear message when there is no data."""
    missing = st.session_state.get("_missing")
    current = st.session_state.get("_scope")
    if missing is not None or current is None:
        missing_data_page(missing)
        st.stop()
    if not current.visible_counties:
        st.title(config.APP_TITLE)
        st.warning("您的账号负责的县区不在当前数据中，暂无可查看的数据。请联系管理员核对账号的县区设置。",
                   icon=":material/warning:")
        st.stop()
    if data.is_demo():
        st.warning("当前显示的是**演示数据**，学校、党组织和各项数字均为虚构，不代表任何真实情况。", icon=":material/warning:")
    return current


def drill_hint(ctx: Context) -> None:
    below = "查看该校画像" if ctx.level == SCHOOL else "进入下一级"
    st.caption(f"点击{ctx.unit_word}的条形可{below}。")


def context() -> Context:
    """The page's view: the current scope, queried through the cache."""
    return Context.of(data.query, scope(), filters.compare_year())


def section(builder, ctx: Context, *args):
    """A sections builder's result for the page's view, shared through data.py's cache."""
    return data.section(builder, ctx.scope, ctx.compare_year, *args)


def preparing_page() -> None:
    """A large extract's database file is being built (data replaced by hand): say so and look
    again in a few seconds; the page follows by itself once the data is ready."""
    st.title(config.APP_TITLE)
    st.info("数据正在准备中（首次载入大规模数据约需一至两分钟），页面将自动刷新，请稍候。", icon=":material/hourglass:")
    time.sleep(5)
    st.rerun()


def missing_data_page(exc: db.ExtractMissing | None) -> None:
    st.title(config.APP_TITLE)
    st.error("没有找到可用的数据，看板暂时无法显示。", icon=":material/error:")
    where = exc.data_dir if exc else config.data_dir()
    missing = "、".join(exc.missing) if exc else "各年度数据"
    st.markdown(f"数据目录：`{where}`\n\n缺少或无法读取：{missing}")
    st.markdown(
        "**如何加载数据**\n\n"
        "1. 使用演示数据：在项目目录运行 `python -m dashboard demo --out data`；\n"
        "2. 导入本地填报的表格：在“数据管理”页面下载模板、填写后上传，或运行 "
        "`python -m dashboard ingest 文件.xlsx --data 数据目录`；\n"
        "3. 已有符合数据规范的 Parquet 文件：设置环境变量 `DASHBOARD_DATA_DIR` 指向该目录后重新启动。\n\n"
        "数据规范见项目中的 `docs/data-contract.md`。")


def header(title: str, ctx: Context, question: str = "") -> None:
    st.title(title)
    st.caption(text.literal(f"{ctx.year}年 · {ctx.subject}" + (f" · {question}" if question else "")))


# Blocks -----------------------------------------------------------------------------------------
_DELTA_COLOURS = {1: "normal", -1: "inverse", 0: "off"}


def cards(items: list[Card], per_row: int = 4) -> None:
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, card in zip(cols, items[start:start + per_row]):
            box = col.container(border=True, height="stretch")
            box.metric(card.label, card.value, delta=card.delta, help=card.help,
                       delta_color=_DELTA_COLOURS[card.direction])
            if card.detail:
                box.caption(card.detail)


def notes(section: Section) -> None:
    for note in section.notes:
        st.caption(text.literal(note))


def empty(section: Section) -> bool:
    """Say why the section has nothing to show; True when it has not."""
    if section.empty:
        st.info(text.literal(section.empty), icon=":material/info:")
    return bool(section.empty)


_COPY_SCRIPT = """
<div class="paragraph-copy"><button type="button" data-text="{text}">复制段落</button><span></span></div>
<script>
(() => {{
  const box = document.currentScript.previousElementSibling;
  const button = box.querySelector("button"), said = box.querySelector("span");
  button.addEventListener("click", () => {{
    // navigator.clipboard needs https; a bureau's intranet often serves plain http.
    const area = document.createElement("textarea");
    area.value = button.dataset.text;
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    said.textContent = done ? "已复制" : "复制失败，请选中文字后按 Ctrl+C";
  }});
}})();
</script>"""


def paragraph(body: str, key: str = "paragraph") -> None:
    """A generated paragraph as text (the body font, not a code box) with a copy button beside it."""
    box = st.container(border=True, key=key)
    box.markdown(text.literal(body))
    box.html(_COPY_SCRIPT.format(text=html.escape(body, quote=True)), unsafe_allow_javascript=True)


# Tables -----------------------------------------------------------------------------------------
def display_frame(t: Table, start: int = 0, stop: int | None = None) -> pd.DataFrame:
    """Rows start:stop of the table as shown: Chinese headers with units, rates as "73.6%(335/455)"."""
    def cell(v):
        if isinstance(v, Rate):
            return str(v) if v.unit == "%" else v.pct
        if v is None:
            return None
        return v.isoformat() if hasattr(v, "isoformat") else v

    return pd.DataFrame([[cell(v) for v in row] for row in t.rows[start:stop]], columns=[c.title for c in t.columns])


def _file_stem(name: str, ctx: Context) -> str:
    parts = [name, f"{ctx.year}年", ctx.subject]
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", "_".join(parts))


def table(t: Table, ctx: Context, key: str | None = None, height: int | str = "auto") -> None:
    """A table with CSV and XLSX downloads, the report workbook's own sheets (rates as numbers
    beside their numerators and denominators, a 合计 row, text that no spreadsheet reads as a
    formula). A table whose rows are schools (`links`) opens a school's profile when its row is
    clicked."""
    key = key or f"t_{t.key}"
    if t.note:
        st.caption(text.literal(t.note))
    selectable = t.links is not None
    # A long list (a province's organisations) is sent, and converted, a page at a time; the
    # downloads hold all.
    start, n = 0, len(t.rows)
    if n > PAGE_ROWS:
        pages = -(-n // PAGE_ROWS)
        page = st.number_input(f"第几页（共{pages}页，每页{PAGE_ROWS}行，共{n}行）", 1, pages, 1,
                               key=f"{key}_page")
        start = (int(page) - 1) * PAGE_ROWS
    links = t.links[start:start + PAGE_ROWS] if selectable else None

    def opened():
        rows = st.session_state[key].selection.rows
        if rows:
            st.session_state[PROFILE_SCHOOL] = links[rows[0]]

    st.dataframe(display_frame(t, start, start + PAGE_ROWS), hide_index=True, key=key, height=height,
                 on_select=opened if selectable else "ignore",
                 selection_mode="single-row" if selectable else "multi-row")
    stem = _file_stem(t.title, ctx)
    # Files are made when clicked (a callable), which is also when the audit log records the
    # download; who and what scope are captured now, as the click runs on another thread.
    who, where = access.identity(), access.scope_record(ctx.scope)

    def made_on_click(file_name: str, render):
        def make() -> bytes:
            made = render()   # a file that could not be made is not recorded as downloaded
            access.audit("download", who, file=file_name, table=t.title, rows=n, scope=where)
            return made
        return make

    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("下载 CSV", made_on_click(f"{stem}.csv", lambda: workbook.table_csv(t)),
                       f"{stem}.csv", "text/csv", key=f"{key}_csv", on_click="ignore")
    c2.download_button("下载 Excel", made_on_click(f"{stem}.xlsx", lambda: workbook.table_xlsx(t)), f"{stem}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore")


def table_or(t: Table, ctx: Context, when_empty: str) -> None:
    """The table, or a success message when it has no rows (an action list with nothing to do)."""
    if not t.rows:
        st.success(text.literal(when_empty))
    else:
        table(t, ctx)


# Charts -----------------------------------------------------------------------------------------
# Plotly's toolbar in Chinese: only the buttons a reader needs (save the image, reset the view),
# with their tips translated, as plotly.js reads a locale passed with the figure's config.
_PLOTLY_ZH = {
    "Download plot as a PNG": "下载图片（PNG）", "Download plot": "下载图片", "Reset axes": "恢复原始视图",
    "Reset view": "恢复原始视图", "Autoscale": "自动缩放", "Zoom": "缩放", "Pan": "平移", "Zoom in": "放大",
    "Zoom out": "缩小", "Box Select": "框选", "Lasso Select": "套索选择", "Double-click to zoom back out": "双击恢复原始视图",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候", "Snapshot succeeded": "图片已生成",
    "Sorry, there was a problem downloading your snapshot!": "图片生成失败，请重试",
    "Double-click on legend to isolate one trace": "双击图例只显示该项", "trace": "系列",
}
_CHART_CONFIG = {
    "displaylogo": False, "locale": "zh-CN",
    "locales": {"zh-CN": {"dictionary": _PLOTLY_ZH, "format": {"decimal": ".", "thousands": ""}}},
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
                               "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines"],
    # The camera button saves a print-size PNG with the Chinese text as drawn.
    "toImageButtonOptions": {"format": "png", "scale": 3},
}


def chart(c: Chart, key: str | None = None) -> None:
    """Draw a figure in our own template (not Streamlit's, whose type is too small for a projector).

    A drill chart goes one level down from the unit whose bar is clicked (its customdata starts
    with the unit's code): to its counties, townships or schools, or a school's profile."""
    key = key or c.key
    if charts.is_empty(c.figure):
        # Bare axes (from −1 to 1) say nothing: say it in words.
        st.info(f"{text.literal(c.title)}：当前范围内没有可显示的数据。", icon=":material/info:")
        return
    if not c.drill:
        st.plotly_chart(c.figure, key=key, theme=None, config=_CHART_CONFIG)
        return
    st.plotly_chart(c.figure, key=key, theme=None, selection_mode="points", config=_CHART_CONFIG,
                    on_select=_drill_callback(key, c.drill))


def _clicked(state) -> str | None:
    points = (state or {}).get("selection", {}).get("points", []) if state else []
    custom = points[0].get("customdata") if points else None
    return str(custom[0]) if custom else None


def _drill_callback(chart_key: str, level: str):
    """An on_select callback: a click on a unit's bar filters every page to that unit, or (a
    school's bar) opens the school's profile on the next run. A callback, not the chart's return
    value: the selection stays in the chart's state, and coming Back to the page must not open
    the profile again."""
    def callback():
        code = _clicked(st.session_state.get(chart_key))
        if level == SCHOOL:
            st.session_state[PROFILE_SCHOOL] = code
        else:
            filters.drill(level, code)
    return callback


# The school whose profile was asked for by a click. It travels in the session and the profile
# page puts it into its own address, so the page being left keeps its address (Back returns to it
# with its filters; see history.js). The switch passes query_params={}: Streamlit would otherwise
# try to clear the (bound) filter parameters and refuse; the filters follow through the URL.
PROFILE_SCHOOL = "_profile_school"


def profile_school() -> str | None:
    """The school the profile page shows: one just opened from another page, else the address's."""
    school_id = st.session_state.pop(PROFILE_SCHOOL, None)
    if school_id:
        st.query_params["school"] = school_id
        return school_id
    return st.query_params.get("school")

