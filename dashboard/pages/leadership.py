"""一肩挑: how many school organisations have the secretary also serving as principal, versus
separate posts or a vacant secretary, by unit, stage and organisation type, and the trend."""
import streamlit as st

from dashboard import ui
from dashboard.sections import leadership

ctx = ui.context()
ui.header("书记、校长“一肩挑”", ctx, "一肩挑、分设与书记空缺")
section = ui.section(leadership.build, ctx)
if ui.empty(section):
    st.stop()
ui.cards(section.cards)
ui.notes(section)

ui.chart(section.charts["by_unit"], "leadership_county")
ui.drill_hint(ctx)
left, right = st.columns(2)
with left:
    ui.chart(section.charts["by_stage"], "leadership_stage")
with right:
    ui.chart(section.charts["by_type"], "leadership_type")
if "trend" in section.charts:
    ui.chart(section.charts["trend"], "leadership_trend")

st.subheader("明细")
tabs = st.tabs([f"按{ctx.unit_word}", "按学段", "按组织类型", "党组织名单"])
for tab, key in zip(tabs, ("by_unit", "by_stage", "by_type", "org_list")):
    with tab:
        ui.table(section.tables[key], ctx, f"t_lead_{key}")
