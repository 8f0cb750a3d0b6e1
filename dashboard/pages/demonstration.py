"""示范创建: demonstration schools and 一校一品 brands by level, unit and year (new and
cumulative); star ratings and five-star organisations; organisation awards."""
import streamlit as st

from dashboard import text, ui
from dashboard.sections import demonstration

ctx = ui.context()
ui.header("示范创建", ctx, "党建示范校、一校一品与星级评定")
section = ui.section(demonstration.build, ctx)
if ui.empty(section):
    st.stop()
ui.cards(section.cards)

left, right = st.columns(2)
with left:
    ui.chart(section.charts["levels_trend"], "demo_levels_trend")
with right:
    ui.chart(section.charts["new_trend"], "demo_new_trend")
ui.chart(section.charts["by_unit"], "demo_county")
ui.drill_hint(ctx)

left, right = st.columns(2)
with left:
    if "stars" in section.charts:
        ui.chart(section.charts["stars"], "stars")
    else:
        st.info(text.literal(f"{ctx.year}年{ctx.subject}没有星级评定结果。"))
with right:
    if "org_awards" in section.charts:
        ui.chart(section.charts["org_awards"], "org_awards")
    ui.notes(section)

st.subheader("明细")
tabs = st.tabs([f"示范校按{ctx.unit_word}", "示范校按年度", "新增示范校按级别", "一校一品按年度"])
for tab, key in zip(tabs, ("by_unit", "demo_years", "demo_new_years", "brand_years")):
    with tab:
        ui.table(section.tables[key], ctx, f"t_demo_{key}")
