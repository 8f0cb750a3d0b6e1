"""总览: where coverage, 一肩挑, demonstration schools and members stand, the change on last year,
which counties lag, and the paragraph for the summary report."""
import streamlit as st

from dashboard import charts, data, summary, ui

scope = ui.scope()
ui.header("总览", scope, "党组织覆盖、一肩挑、示范创建和党员发展情况")
h = ui.headline(scope)
c, p = h.current, h.previous

ui.coverage_cards(h)
row2 = st.columns(4)
ui.rate_card(row2[0], "“一肩挑”比例", c.combined, p and p.combined, "一肩挑的党组织 / 依托学校建立的一级党组织")
ui.count_card(row2[1], "党建示范校", c.demo_schools, p and p.demo_schools, "所", "持有未撤销党建示范校称号的学校(按最高级别计一次)")
ui.count_card(row2[2], "党员数", c.members, p and p.members, "名")
ui.rate_card(row2[3], "党员增长率", c.growth, p and p.growth, "净增党员 / 年初党员数")
ui.previous_note(h)

st.subheader("汇报材料段落")
who = ui.scope_words(scope)
paragraph = summary.overview_paragraph(h, who, scope)
st.caption("以下段落由当前筛选范围的数据自动生成,点击右上角图标可复制。")
st.code(paragraph, language=None, wrap_lines=True)

st.subheader("县区排名")
metric = st.segmented_control(
    "排名指标", ["党组织覆盖率", "一肩挑比例", "党员数", "党建示范校", "每百名教职工党员数"],
    default="党组织覆盖率", key="overview_metric")
cov = data.coverage_by_county(scope)
orgs = data.orgs_by_county(scope)
mem = data.members_by_county(scope)
demo = data.honors_by_county(scope, "党建示范校")
key = "overview_rank"
if metric == "一肩挑比例":
    fig = charts.rate_ranking(orgs["county_name"], orgs["combined"], orgs["hosted"], f"{scope.year}年各县区书记校长“一肩挑”比例",
                              keys=orgs["county_code"])
elif metric == "党员数":
    fig = charts.count_ranking(mem["county_name"], mem["members_end"], f"{scope.year}年各县区党员数", "名", keys=mem["county_code"])
elif metric == "党建示范校":
    fig = charts.count_ranking(demo["county_name"], demo["schools"], f"{scope.year}年各县区党建示范校数", "所", keys=demo["county_code"])
elif metric == "每百名教职工党员数":
    fig = charts.rate_ranking(mem["county_name"], mem["members_end"], mem["staff"],
                              f"{scope.year}年各县区每百名教职工党员数", keys=mem["county_code"],
                              unit="", axis_title="每百名教职工党员数(名)")
else:
    fig = charts.rate_ranking(cov["county_name"], cov["org_covered"], cov["schools"], f"{scope.year}年各县区党组织覆盖率",
                              keys=cov["county_code"])
ui.chart(fig, key, county_click=True)
st.caption("点击县区的条形可筛选到该县区。")
