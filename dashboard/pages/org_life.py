"""组织生活: 三会一课 completion for the current quarter, the year to date and the year; by unit
and by month; the requirement missed most; the organisations behind and what they miss."""
import streamlit as st

from dashboard import ui
from dashboard.sections import org_life

ctx = ui.context()
ui.header("组织生活", ctx, "“三会一课”等组织生活开展情况")
section = org_life.build(ctx)
if ui.empty(section):
    st.stop()
ui.cards(section.cards)
ui.notes(section)
ui.paragraph(section.paragraphs[0])

left, right = st.columns(2)
with left:
    ui.chart(section.charts["by_unit"], "org_life_unit")
    ui.drill_hint(ctx)
with right:
    ui.chart(section.charts["by_month"], "org_life_month")
ui.chart(section.charts["misses"], "org_life_misses")

behind = section.tables["org_life_behind"]
st.subheader(behind.title)
if behind.links is not None:
    st.caption("点击一行可查看党组织所在学校的画像。")
ui.table_or(behind, ctx, "所有党组织均按期开展了本季度到期的组织生活。")

st.subheader("明细")
tabs = st.tabs([f"按{ctx.unit_word}", "按月份", "按要求"])
for tab, key in zip(tabs, ("by_unit", "by_month", "misses")):
    with tab:
        ui.table(section.tables[key], ctx, f"t_life_{key}")
