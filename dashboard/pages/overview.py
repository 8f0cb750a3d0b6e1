"""总览: where coverage, 一肩挑, demonstration schools and members stand, the change on last year,
which units lag, and the paragraph for the summary report."""
import streamlit as st

from dashboard import data, ui
from dashboard.sections import maps, overview, year_work

ctx = ui.context()
ui.header("总览", ctx, "党组织覆盖、一肩挑、示范创建和党员发展情况")
metric = st.session_state.get("overview_metric") or overview.RANKINGS[0]
section = ui.section(overview.build, ctx, metric)
if ui.empty(section):
    st.stop()
ui.cards(section.cards)
ui.notes(section)

st.subheader("汇报材料段落")
st.caption("以下段落由当前筛选范围的数据自动生成，可直接复制到汇报材料中。")
ui.paragraph(section.paragraphs[0])

# The year's work (issue 14): its own row of cards and its paragraph.
work = ui.section(year_work.build, ctx)
st.subheader(f"{ctx.year}年重点工作")
ui.cards(work.cards)
if work.paragraphs:
    ui.paragraph(work.paragraphs[0], key="work_paragraph")

st.subheader(f"{ctx.unit_word}排名")
st.segmented_control("排名指标", overview.RANKINGS, default=overview.RANKINGS[0], key="overview_metric")
county_map = maps.county_map(ctx, metric, data.county_shapes)
if county_map is None:
    ui.chart(section.charts["rank"], "overview_rank")
else:
    left, right = st.columns(2)
    with left:
        ui.chart(section.charts["rank"], "overview_rank")
    with right:
        ui.chart(county_map, "overview_map")
ui.drill_hint(ctx)
