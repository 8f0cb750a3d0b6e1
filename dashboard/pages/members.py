"""党员发展: members, admissions, transfers and net growth by year and county; members per 100
staff; age, sex and probationary structure; the admission pipeline; the 双培养 share."""
import streamlit as st

from dashboard import charts, data, ui
from dashboard.metrics import Rate, row_for_year

scope = ui.scope()
ui.header("党员发展", scope, "党员队伍、发展与流动")
h = ui.headline(scope)
c, p = h.current, h.previous
years = data.members_by_year(scope)
y = row_for_year(years, scope.year) or {}

cols = st.columns(4)
ui.count_card(cols[0], "党员数(年末)", c.members, p and p.members, "名")
ui.count_card(cols[1], "新发展党员", c.admitted, p and p.admitted, "名")
ui.rate_card(cols[2], "党员增长率", c.growth, p and p.growth, "(年末党员数 − 年初党员数) / 年初党员数")
ui.rate_card(cols[3], "每百名教职工党员数", c.per_100_staff, p and p.per_100_staff, "100 × 党员数 / 教职工数(名)")
cols = st.columns(4)
members = int(y.get("members_end") or 0)
ui.rate_card(cols[0], "预备党员占比", Rate(int(y.get("probationary") or 0), members), None)
ui.rate_card(cols[1], "女党员占比", Rate(int(y.get("female") or 0), members), None)
ui.rate_card(cols[2], "35岁及以下占比", Rate(int(y.get("aged_35_or_under") or 0), members), None)
ui.rate_card(cols[3], "“双培养”占新发展党员", c.backbone, p and p.backbone, "发展的业务骨干 / 新发展党员")
ui.previous_note(h)

left, right = st.columns(2)
with left:
    ui.chart(charts.trend(years["year"], {"年末党员数": years["members_end"]}, "党员数变化", "名",
                                 labels={"年末党员数": [f"{int(v)}名" for v in years["members_end"]]}),
                    "members_trend")
with right:
    exits = years["deceased"] + years["other_exits"]
    ui.chart(charts.grouped_bars(years["year"].astype(str) + "年",
                                        {"新发展": years["admitted"], "转入": years["transferred_in"],
                                         "转出": years["transferred_out"], "死亡及其他减少": exits},
                                        "党员发展与流动", "名"), "flows")

by_county = data.members_by_county(scope)
left, right = st.columns(2)
with left:
    key = "members_county"
    ui.chart(charts.count_ranking(by_county["county_name"], by_county["members_end"],
                                         f"{scope.year}年各县区党员数", "名", keys=by_county["county_code"]), key, county_click=True)
with right:
    key = "per100_county"
    ui.chart(charts.rate_ranking(by_county["county_name"], by_county["members_end"], by_county["staff"],
                                        f"{scope.year}年各县区每百名教职工党员数", keys=by_county["county_code"],
                                        unit="", axis_title="每百名教职工党员数(名)"), key, county_click=True)
st.caption("点击县区的条形可筛选到该县区。")

ui.chart(charts.funnel(["入党申请人", "入党积极分子", "发展对象", "新发展党员"],
                              [y.get("applicants") or 0, y.get("activists") or 0, y.get("candidates") or 0,
                               y.get("admitted") or 0], f"{scope.year}年发展党员工作情况"), "pipeline")

st.subheader("明细")
tabs = st.tabs(["按县区", "按年度"])
with tabs[0]:
    t = ui.add_rate(by_county.copy(), "growth", "net_growth", "members_start")
    t["per_100_staff"] = [Rate(int(m), int(s), unit="").pct for m, s in zip(t["members_end"], t["staff"])]
    ui.table(t, "各县区党员情况", scope, "t_mem_county",
             ["county_name", "members_start", "admitted", "transferred_in", "transferred_out", "exits",
              "members_end", "net_growth", "growth", "staff", "per_100_staff", "admitted_backbone"])
with tabs[1]:
    t = ui.add_rate(years.copy(), "growth", "net_growth", "members_start")
    ui.table(t, "党员情况按年度", scope, "t_mem_year",
             ["year", "members_start", "admitted", "transferred_in", "transferred_out", "deceased", "other_exits",
              "members_end", "net_growth", "growth", "probationary", "female", "aged_35_or_under",
              "applicants", "activists", "candidates", "admitted_backbone", "staff"])
