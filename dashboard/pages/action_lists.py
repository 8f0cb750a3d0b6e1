"""问题清单: what needs action: elections due or overdue; organisation types that do not fit their
size; schools that should have their own organisation; schools not covered; counties below a target."""
import streamlit as st

from dashboard import data, ui
from dashboard.metrics import Rate

scope = ui.scope()
ui.header("问题清单", scope, "需要跟进处理的事项")

elections = data.elections_due(scope)
mismatch = data.org_type_mismatch(scope)
need = data.schools_needing_own_org(scope)
uncovered = data.schools_not_covered(scope)
overdue = int((elections["status"] == "已逾期").sum())
cols = st.columns(4)
cols[0].metric("换届已逾期", f"{overdue}个", border=True, help=f"应换届日期早于{scope.year}年底")
cols[1].metric("半年内到期", f"{len(elections) - overdue}个", border=True,
               help=f"应换届日期在{scope.year + 1}年1月1日至6月30日之间")
cols[2].metric("类型与规模不符", f"{len(mismatch)}个", border=True)
cols[3].metric("应单独建立党组织", f"{len(need)}所", border=True)


def school_table(frame, name, key, columns):
    picked = ui.table(frame, name, scope, key, columns, selectable=True)
    if picked is not None:
        ui.open_profile(frame.iloc[picked]["school_id"])


st.subheader("换届提醒")
st.caption("应换届日期 = 上次换届日期 + 任期(党支部、党总支3年,党委5年)。含一级党组织下设的党支部。")
if elections.empty:
    st.success("没有已到期或半年内到期的党组织。")
else:
    ui.table(elections, "换届提醒", scope, "t_elections",
             ["status", "org_name", "org_type", "county_name", "township", "host_school_name",
              "last_election_date", "term_years", "due_date"])

st.subheader("组织类型与党员规模不符")
st.caption("党支部一般3—50人;党总支一般50—100人;党委一般100人以上(不足100人需经批准)。")
if mismatch.empty:
    st.success("没有类型与规模不符的一级党组织。")
else:
    ui.table(mismatch, "组织类型与规模不符", scope, "t_mismatch",
             ["org_name", "org_type", "members", "finding", "county_name", "township", "host_school_name"])

st.subheader("应单独建立党组织的学校")
st.caption("正式党员3名以上的学校应单独建立党组织。点击一行可查看该校画像。")
if need.empty:
    st.success("没有此类学校。")
else:
    school_table(need, "应单独建立党组织的学校", "t_need",
                 ["school_name", "county_name", "township", "stage", "coverage", "covering_org", "full_members"])

st.subheader("未被党组织覆盖的学校")
if uncovered.empty:
    st.success("所有学校均已被党组织覆盖。")
else:
    school_table(uncovered, "未被党组织覆盖的学校", "t_uncovered",
                 ["school_name", "county_name", "township", "stage", "ownership", "coverage", "full_members"])

st.subheader("低于目标的县区")
c1, c2 = st.columns(2)
cov_target = c1.number_input("党组织覆盖率目标(%)", 0.0, 100.0, 100.0, 0.5, key="target_coverage")
comb_target = c2.number_input("一肩挑比例目标(%)", 0.0, 100.0, 70.0, 1.0, key="target_combined")
cov = data.coverage_by_county(scope)
orgs = data.orgs_by_county(scope)
table = cov.merge(orgs[["county_code", "hosted", "combined"]], on="county_code")
table["org_coverage"] = [str(Rate(int(n), int(d))) for n, d in zip(table["org_covered"], table["schools"])]
table["combined_rate"] = [str(Rate(int(n), int(d))) for n, d in zip(table["combined"], table["hosted"])]


def below(nums, dens, target: float) -> list[bool]:
    """Compared as shown (one decimal), so a county shown at the target is not listed below it."""
    rates = [Rate(int(n), int(d)) for n, d in zip(nums, dens)]
    return [r.defined and float(r.rounded()) < target for r in rates]


below_cov = below(table["org_covered"], table["schools"], cov_target)
below_comb = below(table["combined"], table["hosted"], comb_target)
table["finding"] = ["、".join(x for x, flag in (("覆盖率低于目标", a), ("一肩挑比例低于目标", b)) if flag)
                    for a, b in zip(below_cov, below_comb)]
lagging = table[table["finding"] != ""]
if lagging.empty:
    st.success("所有县区均达到目标。")
else:
    ui.table(lagging, "低于目标的县区", scope, "t_targets",
             ["county_name", "schools", "org_covered", "org_coverage", "hosted", "combined", "combined_rate", "finding"])
