"""党员发展: members, admissions, transfers and net growth by year and unit; members per 100
staff; age, sex and probationary structure; the admission pipeline; the 双培养 share."""
import streamlit as st

from dashboard import ui
from dashboard.sections import members

ctx = ui.context()
ui.header("党员发展", ctx, "党员队伍、发展与流动")
section = ui.section(members.build, ctx)
if ui.empty(section):
    st.stop()
ui.cards(section.cards)
ui.notes(section)

left, right = st.columns(2)
with left:
    ui.chart(section.charts["trend"], "members_trend")
with right:
    ui.chart(section.charts["flows"], "flows")
left, right = st.columns(2)
with left:
    ui.chart(section.charts["by_unit"], "members_county")
with right:
    ui.chart(section.charts["per100"], "per100_county")
ui.drill_hint(ctx)
ui.chart(section.charts["pipeline"], "pipeline")

st.subheader("明细")
tabs = st.tabs([f"按{ctx.unit_word}", "按年度"])
for tab, key in zip(tabs, ("by_unit", "by_year")):
    with tab:
        ui.table(section.tables[key], ctx, f"t_mem_{key}")
