"""示范创建: demonstration schools and 一校一品 brands by level, county and year (new and
cumulative); star ratings and five-star organisations; organisation awards."""
import streamlit as st

from dashboard import charts, data, ui

scope = ui.scope()
ui.header("示范创建", scope, "党建示范校、一校一品与星级评定")
LEVEL_COLS = {"national": "国家级", "provincial": "省级", "city": "市级", "county_level": "县级"}

demo_years = data.honors_by_year(scope, "党建示范校")
brand_years = data.honors_by_year(scope, "一校一品")
cur = demo_years[demo_years["year"] == scope.year]
prev = demo_years[demo_years["year"] == scope.year - 1]
bcur = brand_years[brand_years["year"] == scope.year]
bprev = brand_years[brand_years["year"] == scope.year - 1]
stars = data.star_ratings(scope)
orgs_years = data.orgs_by_year(scope)


def first(frame, col):
    return int(frame[col].iloc[0]) if len(frame) else None


five_now = orgs_years[orgs_years["year"] == scope.year]
five_before = orgs_years[orgs_years["year"] == scope.year - 1]
cols = st.columns(4)
ui.count_card(cols[0], "党建示范校(累计)", first(cur, "schools"), first(prev, "schools"), "所",
              "持有未撤销党建示范校称号的学校,按最高级别计一次")
ui.count_card(cols[1], f"{scope.year}年新增示范校", first(cur, "new_schools"), first(prev, "new_schools"), "所",
              "当年获得党建示范校称号的学校")
ui.count_card(cols[2], "一校一品品牌学校", first(bcur, "schools"), first(bprev, "schools"), "所")
ui.count_card(cols[3], "五星级党组织", first(five_now, "five_star"), first(five_before, "five_star"), "个",
              f"参加星级评定的一级党组织{first(five_now, 'rated') or 0}个")

left, right = st.columns(2)
with left:
    ui.chart(charts.stacked_bars(demo_years["year"].astype(str) + "年",
                                        {v: demo_years[k] for k, v in LEVEL_COLS.items()},
                                        "党建示范校累计数(按最高级别)", "所"),
                    "demo_levels_trend")
with right:
    ui.chart(charts.grouped_bars(demo_years["year"].astype(str) + "年",
                                        {"当年新增示范校": demo_years["new_schools"],
                                         "当年新增一校一品": brand_years["new_schools"]},
                                        "各年新增示范创建学校", "所"), "demo_new_trend")

by_county = data.honors_by_county(scope, "党建示范校")
key = "demo_county"
ui.chart(charts.stacked_bars(by_county["county_name"], {v: by_county[k] for k, v in LEVEL_COLS.items()},
                                    f"截至{scope.year}年底各县区党建示范校", "所", keys=by_county["county_code"],
                                    horizontal=True), key, county_click=True)
st.caption("点击县区的条形可筛选到该县区。")

left, right = st.columns(2)
with left:
    rated_rows = stars[stars["star_rating"].notna()]
    if len(rated_rows):
        ui.chart(charts.grouped_bars([f"{int(v)}星级" for v in rated_rows["star_rating"]], {"党组织数": rated_rows["orgs"]},
                                     f"{scope.year}年一级党组织星级评定结果", "个"), "stars")
    else:
        st.info(f"{scope.year}年{ui.scope_words(scope)}没有星级评定结果。")
with right:
    awards = data.org_honors_by_year(scope)
    if awards.empty:
        st.info("没有“最强党支部”“先进基层党组织”等组织荣誉记录。")
    else:
        pivot = awards.pivot_table(index="year", columns="kind", values="awards", aggfunc="sum", fill_value=0)
        ui.chart(charts.grouped_bars(pivot.index.astype(str) + "年", {k: pivot[k] for k in pivot.columns},
                                            "党组织获评荣誉(按授予年份)", "个"), "org_awards")

st.subheader("明细")
tabs = st.tabs(["示范校按县区", "示范校按年度", "一校一品按年度"])
with tabs[0]:
    ui.table(by_county, "各县区党建示范校", scope, "t_demo_county",
             ["county_name", "schools", *LEVEL_COLS, "new_schools"])
with tabs[1]:
    ui.table(demo_years, "党建示范校按年度", scope, "t_demo_year", ["year", "schools", *LEVEL_COLS, "new_schools"])
with tabs[2]:
    ui.table(brand_years, "一校一品按年度", scope, "t_brand_year", ["year", "schools", *LEVEL_COLS, "new_schools"])
