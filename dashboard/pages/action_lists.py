"""问题清单: what needs action: elections due or overdue; organisation types that do not fit their
size; schools that should have their own organisation; schools not covered; organisations behind
on 三会一课; units below a target."""
import streamlit as st

from dashboard import rules, ui
from dashboard.sections import action_lists, org_life

ctx = ui.context()
ui.header("问题清单", ctx, "需要跟进处理的事项")
# The targets are read before the section is built, so the list below follows them at once.
targets = {"org_coverage": st.session_state.get("target_coverage", rules.TARGETS["org_coverage"]),
           "combined": st.session_state.get("target_combined", rules.TARGETS["combined"])}
section = ui.section(action_lists.build, ctx, targets)
ui.cards(section.cards)

st.subheader("换届提醒")
ui.table_or(section.tables["elections"], ctx, "没有已到期或即将到期的党组织。")
st.subheader("组织类型与党员规模不符")
ui.table_or(section.tables["mismatch"], ctx, "没有类型与规模不符的一级党组织。")
st.subheader("应单独建立党组织的学校")
st.caption("点击一行可查看该校画像。")
ui.table_or(section.tables["need_own_org"], ctx, "没有此类学校。")
st.subheader("未被党组织覆盖的学校")
ui.table_or(section.tables["not_covered"], ctx, "所有学校均已被党组织覆盖。")

behind = section.tables["org_life_behind"]
st.subheader(behind.title)
missing = org_life.life(ctx).missing   # organisational life not supplied: said, not an empty list
if missing:
    st.info(missing, icon=":material/info:")
else:
    ui.table_or(behind, ctx, "所有党组织均按期开展了本季度到期的组织生活。")
st.page_link(f"{ui.PAGES_DIR}/org_life.py", label="查看组织生活完成情况", icon=":material/event_available:")

st.subheader(f"低于目标的{ctx.unit_word}")
c1, c2 = st.columns(2)
c1.number_input("党组织覆盖率目标（%）", 0.0, 100.0, rules.TARGETS["org_coverage"], 0.5, key="target_coverage")
c2.number_input("一肩挑比例目标（%）", 0.0, 100.0, rules.TARGETS["combined"], 1.0, key="target_combined")
ui.table_or(section.tables["below_target"], ctx, f"所有{ctx.unit_word}均达到目标。")
