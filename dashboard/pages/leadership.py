"""一肩挑: how many school organisations have the secretary also serving as principal, versus
separate posts or a vacant secretary, by county, stage and organisation type, and the trend."""
import streamlit as st

from dashboard import charts, data, labels, ui
from dashboard.metrics import Rate

scope = ui.scope()
ui.header("书记、校长“一肩挑”", scope, "一肩挑、分设与书记空缺")
h = ui.headline(scope)
c, p = h.current, h.previous
if not c.combined.defined:
    st.info(f"{scope.year}年{ui.scope_words(scope)}没有依托学校建立的一级党组织,无法计算一肩挑比例。")
    st.stop()

cols = st.columns(4)
ui.rate_card(cols[0], "“一肩挑”比例", c.combined, p and p.combined, "一肩挑的党组织 / 依托学校建立的一级党组织")
ui.rate_card(cols[1], "分设比例", c.separate, p and p.separate)
ui.rate_card(cols[2], "书记空缺比例", c.vacant, p and p.vacant, lower_is_better=True)
ui.count_card(cols[3], "依托学校的一级党组织", c.combined.den, p and p.combined.den, "个")
ui.previous_note(h)

by_county = data.orgs_by_county(scope)
key = "leadership_county"
ui.chart(charts.stacked_bars(by_county["county_name"], {"一肩挑": by_county["combined"], "分设": by_county["separate"],
                                                              "书记空缺": by_county["vacant"]},
                                    f"{scope.year}年各县区书记校长设置", "个", percent=True, keys=by_county["county_code"],
                                    horizontal=True), key, county_click=True)
st.caption("点击县区的条形可筛选到该县区。")

left, right = st.columns(2)
by_stage = data.leadership_by_stage(scope)
by_stage = by_stage.set_index("stage").loc[labels.stage_order(by_stage["stage"])].reset_index()
with left:
    ui.chart(charts.stacked_bars(by_stage["stage"], {"一肩挑": by_stage["combined"], "分设": by_stage["separate"],
                                                           "书记空缺": by_stage["vacant"]},
                                        f"{scope.year}年各学段书记校长设置", "个", percent=True, horizontal=True), "leadership_stage")
by_type = data.leadership_by_org_type(scope)
by_type = by_type.set_index("org_type").loc[[t for t in ("党委", "党总支", "党支部") if t in set(by_type["org_type"])]].reset_index()
with right:
    ui.chart(charts.stacked_bars(by_type["org_type"], {"一肩挑": by_type["combined"], "分设": by_type["separate"],
                                                             "书记空缺": by_type["vacant"]},
                                        f"{scope.year}年各类型党组织书记校长设置", "个", percent=True, horizontal=True), "leadership_type")

trend = data.orgs_by_year(scope)
trend = trend[trend["hosted"] > 0]
rates = {name: [Rate(int(n), int(d)) for n, d in zip(trend[col], trend["hosted"])]
         for name, col in (("一肩挑", "combined"), ("分设", "separate"), ("书记空缺", "vacant"))}
ui.chart(charts.trend(trend["year"], {k: [r.value for r in v] for k, v in rates.items()},
                             f"{ui.scope_words(scope)}书记校长设置变化趋势", "%", percent=True,
                             labels={k: [str(r) for r in v] for k, v in rates.items()}), "leadership_trend")
st.caption("2022年起推行党组织领导的校长负责制,规模较大的学校(党委、党总支)书记、校长逐步分设。")

st.subheader("明细")
tabs = st.tabs(["按县区", "按学段", "按组织类型", "党组织名单"])
for tab, frame, first, name, key in ((tabs[0], by_county, "county_name", "各县区一肩挑情况", "t_lead_county"),
                                     (tabs[1], by_stage, "stage", "各学段一肩挑情况", "t_lead_stage"),
                                     (tabs[2], by_type, "org_type", "各类型党组织一肩挑情况", "t_lead_type")):
    with tab:
        t = ui.add_rate(frame.copy(), "combined_rate", "combined", "hosted")
        ui.table(t, name, scope, key, [first, "hosted", "combined", "combined_rate", "separate", "vacant"])
with tabs[3]:
    orgs = data.org_list(scope)
    # A province or the nation has hundreds of thousands: the list stops at the limit and says so.
    total = int(orgs["total_rows"].iloc[0]) if len(orgs) else 0
    if total > len(orgs):
        st.caption(f"共{total}个一级党组织,列出前{len(orgs)}个;选择县区或其他筛选条件可查看完整名单。")
    ui.table(orgs, "一级党组织名单", scope, "t_lead_orgs",
             ["org_name", "org_type", "formation", "leadership", "host_school_name", "county_name", "township",
              "full_members", "probationary_members"])
