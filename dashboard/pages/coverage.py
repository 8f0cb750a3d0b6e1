"""组织覆盖: how many schools an organisation (or an adviser) covers, by county and stage; how the
organisations are built; which schools are not covered or should have their own organisation."""
import streamlit as st

from dashboard import charts, data, labels, ui

scope = ui.scope()
ui.header("组织覆盖", scope, "党组织覆盖率、党的工作覆盖率和组织设置")
h = ui.headline(scope)
c, p = h.current, h.previous

ui.coverage_cards(h)
ui.previous_note(h)

by_county = data.coverage_by_county(scope)
left, right = st.columns(2)
with left:
    key = "coverage_rank"
    ui.chart(charts.rate_ranking(by_county["county_name"], by_county["org_covered"], by_county["schools"],
                                        f"{scope.year}年各县区党组织覆盖率", keys=by_county["county_code"]), key, county_click=True)
with right:
    key = "work_coverage_rank"
    ui.chart(charts.rate_ranking(by_county["county_name"], by_county["work_covered"], by_county["schools"],
                                        f"{scope.year}年各县区党的工作覆盖率", keys=by_county["county_code"]), key, county_click=True)
st.caption("点击县区的条形可筛选到该县区。")

by_stage = data.coverage_by_stage(scope)
by_stage = by_stage.set_index("stage").loc[labels.stage_order(by_stage["stage"])].reset_index()
ui.chart(charts.stacked_bars(
    by_stage["stage"], {"单独建立": by_stage["standalone"], "联合或挂靠建立": by_stage["joint_or_attached"],
                        "党建指导员": by_stage["adviser"], "未覆盖": by_stage["uncovered"]},
    f"{scope.year}年各学段学校覆盖方式", "所", horizontal=True), "coverage_stage")

st.subheader("覆盖情况明细")
tab_county, tab_stage = st.tabs(["按县区", "按学段"])
with tab_county:
    t = ui.add_rate(by_county.copy(), "org_coverage", "org_covered", "schools")
    t = ui.add_rate(t, "work_coverage", "work_covered", "schools")
    ui.table(t, "各县区覆盖情况", scope, "t_cov_county",
             ["county_name", "schools", "org_covered", "org_coverage", "work_covered", "work_coverage"])
with tab_stage:
    t = ui.add_rate(by_stage.copy(), "org_coverage", "org_covered", "schools")
    t = ui.add_rate(t, "work_coverage", "work_covered", "schools")
    ui.table(t, "各学段覆盖情况", scope, "t_cov_stage",
             ["stage", "schools", "org_covered", "org_coverage", "work_covered", "work_coverage",
              "standalone", "joint_or_attached", "adviser", "uncovered"])

st.subheader("党组织设置")
tf = data.orgs_by_type_formation(scope)
if tf.empty:
    st.info("当前范围内没有一级党组织。")
else:
    pivot = tf.pivot_table(index="org_type", columns="formation", values="orgs", aggfunc="sum", fill_value=0)
    types = [t for t in ("党委", "党总支", "党支部") if t in pivot.index]
    pivot = pivot.loc[types]
    ui.chart(charts.stacked_bars(types, {f: pivot[f].tolist() for f in pivot.columns},
                                        f"{scope.year}年一级党组织类型与组建方式", "个"), "org_type_formation")
    st.caption(f"一级党组织{c.orgs}个:党委{c.committees}个、党总支{c.general_branches}个、党支部{c.branches}个;"
               f"单独建立{c.standalone}个,联合或挂靠建立{c.joint_or_attached}个;"
               f"公办学校党组织{c.hosted_public}个,民办学校党组织{c.hosted_private}个。")

st.subheader("未被党组织覆盖的学校")
nc = data.schools_not_covered(scope)
if nc.empty:
    st.success(f"{scope.year}年{ui.scope_words(scope)}所有学校均已被党组织覆盖。")
else:
    picked = ui.table(nc, "未被党组织覆盖的学校", scope, "t_not_covered",
                      ["school_name", "county_name", "township", "stage", "ownership", "coverage", "staff", "full_members"],
                      selectable=True)
    if picked is not None:
        ui.open_profile(nc.iloc[picked]["school_id"])

st.subheader("有3名以上正式党员但未单独建立党组织的学校")
need = data.schools_needing_own_org(scope)
if need.empty:
    st.success("没有此类学校。")
else:
    picked = ui.table(need, "应单独建立党组织的学校", scope, "t_need_org",
                      ["school_name", "county_name", "township", "stage", "coverage", "covering_org", "full_members"],
                      selectable=True)
    if picked is not None:
        ui.open_profile(need.iloc[picked]["school_id"])
st.caption("点击表格中的一行可查看该校画像。")
