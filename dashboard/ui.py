"""Pieces every page shares: the frame (data check, demo notice, filters), cards, tables with
downloads, empty states and chart clicks. Pages stay layout only."""
from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from dashboard import access, config, data, db, figures, filters, labels, summary
from dashboard.figures import Headline
from dashboard.metrics import DASH, Rate, change, count, signed
from dashboard.scope import Scope

PAGES_DIR = "dashboard/pages"


# The frame --------------------------------------------------------------------------------------
def frame() -> Scope | None:
    """Check the extract, show the demo notice and the filter bar; None when there is no data."""
    try:
        scope = filters.filter_bar()
    except db.ExtractMissing as exc:
        st.session_state["_scope"] = None
        st.session_state["_missing"] = exc
        return None
    st.session_state["_scope"] = scope
    st.session_state["_missing"] = None
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
        st.warning("您的账号负责的县区不在当前数据中,暂无可查看的数据。请联系管理员核对账号的县区设置。",
                   icon=":material/warning:")
        st.stop()
    if data.is_demo():
        st.warning("当前显示的是**演示数据**,学校、党组织和各项数字均为虚构,不代表任何真实情况。", icon=":material/warning:")
    return current


def missing_data_page(exc: db.ExtractMissing | None) -> None:
    st.title(config.APP_TITLE)
    st.error("没有找到可用的数据,看板暂时无法显示。", icon=":material/error:")
    where = exc.data_dir if exc else config.data_dir()
    missing = "、".join(exc.missing) if exc else "各年度数据"
    st.markdown(f"数据目录:`{where}`\n\n缺少或无法读取:{missing}")
    st.markdown(
        "**如何加载数据**\n\n"
        "1. 使用演示数据:在项目目录运行 `python -m dashboard demo --out data`;\n"
        "2. 导入本地填报的表格:在“数据管理”页面下载模板、填写后上传,或运行 "
        "`python -m dashboard ingest 文件.xlsx --data 数据目录`;\n"
        "3. 已有符合数据规范的 Parquet 文件:设置环境变量 `DASHBOARD_DATA_DIR` 指向该目录后重新启动。\n\n"
        "数据规范见项目中的 `docs/data-contract.md`。")


def scope_words(scope: Scope) -> str:
    """"全市" / "山阳县" / "山阳县公办小学": the subject of titles and paragraphs."""
    return summary.scope_label(scope, filters.county_name(scope), filters.area_name(scope))


def header(title: str, scope: Scope, question: str = "") -> None:
    st.title(title)
    st.caption(f"{scope.year}年 · {scope_words(scope)}" + (f" · {question}" if question else ""))


# Cards ------------------------------------------------------------------------------------------
def rate_card(col, label_text: str, cur: Rate | None, prev: Rate | None, help_text: str | None = None,
              lower_is_better: bool = False) -> None:
    """A rate, the change on last year in points, and beneath it the full "73.6%(335/455)"."""
    delta = None
    if cur is not None and prev is not None and cur.defined and prev.defined:
        d = cur.rounded() - prev.rounded()
        # Percentages change in points; a per-100 figure changes in its own unit.
        delta = (f"{d:+}个百分点" if cur.unit == "%" else f"{d:+}") if d else None
    box = col.container(border=True, height="stretch")
    box.metric(label_text, cur.pct if cur is not None else DASH, delta=delta, help=help_text,
               delta_color="inverse" if lower_is_better else "normal")
    box.caption(str(cur) if cur is not None and cur.defined else "无可计算的分母")


def count_card(col, label_text: str, cur, prev, unit: str, help_text: str | None = None) -> None:
    """A count with its unit, the change on last year, and beneath it the change in words."""
    delta = None if prev is None or cur is None else int(cur) - int(prev)
    box = col.container(border=True, height="stretch")
    box.metric(label_text, count(cur, unit), delta=f"{signed(delta)}{unit}" if delta else None, help=help_text)
    box.caption(change(cur, prev, unit) or "上年无可比数据")


def no_data(scope: Scope, what: str = "学校") -> None:
    st.info(f"{scope.year}年{scope_words(scope)}没有符合筛选条件的{what}。请调整左侧的筛选条件。", icon=":material/info:")


def headline(scope: Scope) -> Headline:
    """The scope's headline figures for the year and the year before; stops the page with a clear
    message when the filters leave no schools."""
    h = figures.headline(data.query, scope)
    if h.current is None:
        no_data(scope)
        st.stop()
    return h


def coverage_cards(h: Headline) -> None:
    """Schools, both coverage rates and organisations: the first row of the overview and coverage pages."""
    c, p = h.current, h.previous
    cols = st.columns(4)
    count_card(cols[0], "学校数", c.schools, p and p.schools, "所")
    rate_card(cols[1], "党组织覆盖率", c.org_coverage, p and p.org_coverage,
              "有党组织覆盖(单独、联合或挂靠建立)的学校 / 学校数")
    rate_card(cols[2], "党的工作覆盖率", c.work_coverage, p and p.work_coverage, "有党组织或党建指导员的学校 / 学校数")
    count_card(cols[3], "党组织数(一级)", c.orgs, p and p.orgs, "个")


def previous_note(h: Headline) -> None:
    if h.previous is None and h.current is not None:
        st.caption(f"{h.current.year}年是数据中的第一年(或上年无符合条件的学校),没有可比较的上年数据,变化显示为“—”。")


# Tables -----------------------------------------------------------------------------------------
def add_rate(df: pd.DataFrame, column: str, num: str, den: str) -> pd.DataFrame:
    """A text column "73.6%(335/455)" next to the counts, as the reports write rates."""
    df[column] = [str(Rate(int(n), int(d))) for n, d in zip(df[num], df[den])]
    return df


def _file_stem(name: str, scope: Scope) -> str:
    parts = [name, f"{scope.year}年", scope_words(scope)]
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", "_".join(parts))


def to_xlsx(df: pd.DataFrame, sheet: str) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        df.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        for i, col in enumerate(df.columns):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2
            ws.set_column(i, i, min(width * 1.6, 60))
    return buf.getvalue()


def table(df: pd.DataFrame, name: str, scope: Scope, key: str, columns: list[str] | None = None,
          selectable: bool = False, height: int | str = "auto"):
    """A table with Chinese headers and CSV (UTF-8 with BOM, for Excel) and XLSX downloads.

    With `selectable`, one row can be picked; returns the picked row's index, else None.
    """
    shown = labels.chinese_headers(df[columns] if columns else df)
    event = st.dataframe(shown, hide_index=True, key=key, height=height,
                         on_select="rerun" if selectable else "ignore",
                         selection_mode="single-row" if selectable else "multi-row")
    stem = _file_stem(name, scope)
    # Files are made when clicked (a callable), which is also when the audit log records the
    # download; who and what scope are captured now, as the click runs on another thread.
    who, where = access.identity(), access.scope_record(scope)

    def made_on_click(file_name: str, render):
        def make() -> bytes:
            access.audit("download", who, file=file_name, table=name, rows=len(shown), scope=where)
            return render()
        return make

    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("下载 CSV", made_on_click(f"{stem}.csv", lambda: shown.to_csv(index=False).encode("utf-8-sig")),
                       f"{stem}.csv", "text/csv", key=f"{key}_csv", on_click="ignore")
    c2.download_button("下载 Excel", made_on_click(f"{stem}.xlsx", lambda: to_xlsx(shown, name)), f"{stem}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore")
    if selectable and event is not None:
        picked = event.selection.rows
        return picked[0] if picked else None
    return None


# Charts -----------------------------------------------------------------------------------------
_CHART_CONFIG = {"displaylogo": False, "locale": "zh-CN",
                 # The camera button saves a print-size PNG with the Chinese text as drawn.
                 "toImageButtonOptions": {"format": "png", "scale": 3}}


def chart(fig, key: str, county_click: bool = False) -> None:
    """Draw a figure in our own template (not Streamlit's, whose type is too small for a projector).

    With `county_click`, clicking a bar whose customdata starts with a county code filters to it.
    """
    if county_click:
        st.plotly_chart(fig, key=key, theme=None, on_select=county_click_callback(key),
                        selection_mode="points", config=_CHART_CONFIG)
    else:
        st.plotly_chart(fig, key=key, theme=None, config=_CHART_CONFIG)


# Clicks -----------------------------------------------------------------------------------------
def county_click_callback(chart_key: str):
    """An on_select callback: a click on a county's bar filters every page to that county."""
    def callback():
        state = st.session_state.get(chart_key)
        points = (state or {}).get("selection", {}).get("points", []) if state else []
        if points:
            custom = points[0].get("customdata")
            if custom:
                filters.select_county(str(custom[0]))
    return callback


def open_profile(school_id: str) -> None:
    """Go to the school profile page for one school; the filters are bound to the URL and follow."""
    st.switch_page(f"{PAGES_DIR}/school_profile.py", query_params={"school": school_id})
