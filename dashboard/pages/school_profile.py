"""学校画像: one school across the years: its coverage and organisation, leadership, stars,
elections, members and awards. Reached by clicking a school anywhere, or by searching here."""
import streamlit as st

from dashboard import text, ui
from dashboard.sections import school_profile

ctx = ui.context()
st.title("学校画像")

school_id = ui.profile_school()
typed = st.text_input("搜索学校（名称中的文字或10位学校标识码）", key="school_search_text")
matches = school_profile.search(ctx, typed.strip())
if len(matches):
    ids = list(matches["school_id"])
    names = {r.school_id: f"{r.school_name}({r.county_name} · {r.stage})" for r in matches.itertuples()}
    index = ids.index(school_id) if school_id in ids else None
    chosen = st.selectbox(f"选择学校（共{len(ids)}所匹配{'，仅显示前200所' if len(ids) >= 200 else ''}）", ids,
                          index=index, format_func=names.get, placeholder="请选择学校")
    if chosen and chosen != school_id:
        st.query_params["school"] = chosen
        school_id = chosen
elif typed:
    st.info("没有找到名称包含该文字的学校。")

if not school_id:
    st.info("请在上方搜索并选择一所学校，或在其他页面的学校表格中点击一行。")
    st.stop()

profile = school_profile.build(ctx, school_id)
if profile.name:
    st.header(text.literal(profile.name))
    st.caption(text.literal(profile.facts))
if profile.empty:
    if profile.found:
        st.info(text.literal(profile.empty))
    else:
        st.warning(text.literal(profile.empty))
    st.stop()
for col, card in zip(st.columns(4), profile.cards):
    # A card here holds the school's own values (its organisation's name): text, never Markdown.
    col.metric(card.label, text.literal(card.value), border=True, help=card.help and text.literal(card.help))

left, right = st.columns(2)
with left:
    ui.chart(profile.charts["members"], "profile_members")
with right:
    ui.chart(profile.charts["staff"], "profile_staff")
st.subheader("历年情况")
ui.table(profile.tables["years"], ctx, "t_profile_years")
st.subheader("荣誉")
ui.table_or(profile.tables["honors"], ctx, "该校及其党组织暂无荣誉记录。")
st.subheader(f"{ctx.year}年组织生活")
if "org_life" in profile.tables:
    ui.table(profile.tables["org_life"], ctx, "t_profile_org_life")
else:
    st.info(profile.extra["org_life"], icon=":material/info:")
