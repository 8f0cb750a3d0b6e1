"""学校画像: one school across all years: its coverage and organisation, leadership, stars,
elections, members and awards. Reached by clicking a school anywhere, or by searching here."""
import streamlit as st

from dashboard import charts, data, ui

scope = ui.scope()
st.title("学校画像")
visible = scope.visible_counties

school_id = st.query_params.get("school")
text = st.text_input("搜索学校(名称中的文字或10位学校标识码)", key="school_search_text")
matches = data.school_search(text.strip() or None, visible)
if len(matches):
    ids = list(matches["school_id"])
    names = {r.school_id: f"{r.school_name}({r.county_name} · {r.stage})" for r in matches.itertuples()}
    index = ids.index(school_id) if school_id in ids else None
    chosen = st.selectbox(f"选择学校(共{len(ids)}所匹配{',仅显示前200所' if len(ids) >= 200 else ''})", ids,
                          index=index, format_func=names.get, placeholder="请选择学校")
    if chosen and chosen != school_id:
        st.query_params["school"] = chosen
        school_id = chosen
elif text:
    st.info("没有找到名称包含该文字的学校。")

if not school_id:
    st.info("请在上方搜索并选择一所学校,或在其他页面的学校表格中点击一行。")
    st.stop()

info = data.school_info(school_id, visible)
if info.empty:
    # Unknown id, or a school in a county this user may not see: the same answer, so nothing leaks.
    st.warning("未找到该学校,或您无权查看该学校所在县区的数据。")
    st.stop()
s = info.iloc[0]
st.header(s["school_name"])
closed = s["closed_year"]
st.caption(f"学校标识码 {s['school_id']} · {s['county_name']} {s['township']} · {s['stage']} · {s['ownership']} · "
           f"{s['locale']} · {int(s['opened_year'])}年开办" + ("" if closed is None or str(closed) == "<NA>" else f" · {int(closed)}年撤并"))

hist = data.school_history(school_id, visible)
if hist.empty:
    st.info("该校没有年度数据。")
    st.stop()
latest = hist[hist["year"] <= scope.year].tail(1)
row = (latest if len(latest) else hist.tail(1)).iloc[0]
cols = st.columns(4)
cols[0].metric(f"{int(row['year'])}年覆盖方式", row["coverage"], border=True)
cols[1].metric("所在党组织", row["org_name"] if isinstance(row["org_name"], str) else "—", border=True,
               help=f"{row['org_type']} · {row['formation']}" if isinstance(row["org_type"], str) else None)
cols[2].metric("书记校长设置", row["leadership"] if isinstance(row["leadership"], str) else "—", border=True)
cols[3].metric("党员数", f"{int(row['members_end'])}名" if row["members_end"] == row["members_end"] else "—",
               border=True)

left, right = st.columns(2)
with left:
    m = hist.dropna(subset=["members_end"])
    ui.chart(charts.trend(m["year"], {"年末党员数": m["members_end"]}, "党员数", "名",
                                 labels={"年末党员数": [f"{int(v)}名" for v in m["members_end"]]}), "profile_members")
with right:
    ui.chart(charts.trend(hist["year"], {"教职工数": hist["staff"]}, "教职工数", "名",
                                 labels={"教职工数": [f"{int(v)}名" for v in hist["staff"]]}), "profile_staff")

st.subheader("历年情况")
ui.table(hist, f"{s['school_name']}历年情况", scope, "t_profile_years",
         ["year", "staff", "students", "coverage", "org_name", "org_type", "formation", "leadership", "star_rating",
          "last_election_date", "members_start", "admitted", "transferred_in", "transferred_out", "exits",
          "members_end", "probationary", "admitted_backbone"])
st.subheader("荣誉")
honors = data.school_honors(school_id, visible)
if honors.empty:
    st.info("该校及其党组织暂无荣誉记录。")
else:
    ui.table(honors, f"{s['school_name']}荣誉", scope, "t_profile_honors",
             ["year_awarded", "kind", "level", "title", "revoked_year"])
