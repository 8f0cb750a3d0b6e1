"""组织覆盖: how many schools an organisation (or an adviser) covers, by unit and stage; how the
organisations are built; which schools are not covered or should have their own organisation."""
import streamlit as st

from dashboard import rules, ui
from dashboard.sections import coverage

ctx = ui.context()
ui.header("组织覆盖", ctx, "党组织覆盖率、党的工作覆盖率和组织设置")
section = ui.section(coverage.build, ctx)
if ui.empty(section):
    st.stop()
ui.cards(section.cards)
ui.notes(section)

left, right = st.columns(2)
with left:
    ui.chart(section.charts["rank"], "coverage_rank")
with right:
    ui.chart(section.charts["work_rank"], "work_coverage_rank")
ui.drill_hint(ctx)
if "stage" in section.charts:
    ui.chart(section.charts["stage"], "coverage_stage")

st.subheader("覆盖情况明细")
tab_unit, tab_stage = st.tabs([f"按{ctx.unit_word}", "按学段"])
with tab_unit:
    ui.table(section.tables["by_unit"], ctx, "t_cov_county")
with tab_stage:
    ui.table(section.tables["by_stage"], ctx, "t_cov_stage")

st.subheader("党组织设置")
setup = ui.section(coverage.organisation_setup, ctx)
if "type_formation" not in setup.charts:
    st.info("当前范围内没有一级党组织。")
else:
    ui.chart(setup.charts["type_formation"], "org_type_formation")
    ui.notes(setup)

st.subheader("未被党组织覆盖的学校")
ui.table_or(section.tables["not_covered"], ctx, f"{ctx.year}年{ctx.subject}所有学校均已被党组织覆盖。")
st.subheader(f"有{rules.OWN_ORG_MIN_FULL_MEMBERS}名以上正式党员但未单独建立党组织的学校")
ui.table_or(section.tables["need_own_org"], ctx, "没有此类学校。")
st.caption("点击表格中的一行可查看该校画像。")
