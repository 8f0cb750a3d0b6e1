"""示范创建: demonstration schools and 一校一品 brands by level, unit and year (new and
cumulative); star ratings and five-star organisations; organisation awards."""
from __future__ import annotations

import pandas as pd

from dashboard import charts, contract, rules, summary
from dashboard.metrics import Rate
from dashboard.sections.blocks import RATE, TEXT, Chart, Col, Section, Table, count_of, with_total
from dashboard.sections.common import UP, count_card
from dashboard.sections.context import Context
from dashboard.sections.overview import no_schools

DEMO, BRAND = contract.DEMO_SCHOOL, contract.BRAND


def by_level(frame: pd.DataFrame, index: list[str], value: str) -> pd.DataFrame:
    """A long honours frame (one row per index × level) as one row per index with a column per
    level in rules.LEVELS order, plus the total (each school counts once, at one level)."""
    wide = frame.pivot_table(index=index, columns="level", values=value, aggfunc="sum", fill_value=0, sort=False)
    wide = wide.reindex(columns=list(rules.LEVELS), fill_value=0)
    wide.insert(0, "total", wide.sum(axis=1))
    return wide.reset_index()


def level_columns(what: str) -> list[Col]:
    return [Col(level, level, unit="所") for level in rules.LEVELS]


def build(ctx: Context) -> Section:
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    section = Section("demonstration", "示范创建与星级评定情况")
    h = ctx.headline
    if h.current is None:
        section.empty = no_schools(ctx)
        return section
    c, p = h.current, h.previous
    section.paragraphs = [summary.demonstration_paragraph(h, who)]

    demo_long = ctx.get("honors_by_year", ctx.scope, kind=DEMO)
    brand_long = ctx.get("honors_by_year", ctx.scope, kind=BRAND)
    demo_long, brand_long = demo_long[demo_long["year"] <= y], brand_long[brand_long["year"] <= y]
    demo_years, demo_new = by_level(demo_long, ["year"], "schools"), by_level(demo_long, ["year"], "new_schools")
    brand_years, brand_new = by_level(brand_long, ["year"], "schools"), by_level(brand_long, ["year"], "new_schools")

    def at(frame, year, col="total"):
        row = frame[frame["year"] == year]
        return count_of(row[col].iloc[0]) if len(row) else None

    section.cards = [
        count_card("党建示范校（累计）", c.demo_schools, p and p.demo_schools, "所",
                   "持有未撤销党建示范校称号的学校，按最高级别计一次", UP, since=ctx.headline.since),
        count_card(f"{y}年新增示范校", c.demo_new, p and p.demo_new, "所",
                   "当年获得党建示范校称号的学校" + summary.levels_words(c.demo_new_by_level), since=ctx.headline.since),
        count_card("一校一品品牌学校", at(brand_years, y), at(brand_years, y - 1), "所", direction=UP, since=ctx.headline.since),
        count_card("五星级党组织", c.five_star, p and p.five_star, "个", f"参加星级评定的一级党组织{c.rated}个", UP, since=ctx.headline.since),
    ]

    years_axis = demo_years["year"].astype(str) + "年"
    title = f"{who}党建示范校累计数（按最高级别）"
    section.add_chart(Chart("levels_trend", title, lambda: charts.stacked_bars(
        years_axis, {lv: demo_years[lv] for lv in rules.LEVELS}, title, "所"), report=False))
    title_new = f"{who}各年新增示范创建学校"
    section.add_chart(Chart("new_trend", title_new, lambda: charts.grouped_bars(
        years_axis, {"当年新增示范校": demo_new["total"], "当年新增一校一品": brand_new["total"]}, title_new, "所"),
        report=False))

    held = by_level(ctx.by_unit("honors_by_unit", kind=DEMO), ["unit_code", "unit_name"], "schools")
    new = by_level(ctx.by_unit("honors_by_unit", kind=DEMO), ["unit_code", "unit_name"], "new_schools")
    title_unit = f"截至{y}年底{who}各{unit}党建示范校"
    section.add_chart(Chart("by_unit", title_unit, lambda: charts.stacked_bars(
        held["unit_name"], {lv: held[lv] for lv in rules.LEVELS}, title_unit, "所", keys=held["unit_code"],
        horizontal=True), drill=ctx.level, report=ctx.multi_unit))

    stars = ctx.get("star_ratings", ctx.scope)
    rated = stars[stars["star_rating"].notna()]
    if len(rated):
        title_stars = f"{y}年{who}一级党组织星级评定结果"
        section.add_chart(Chart("stars", title_stars, lambda: charts.grouped_bars(
            [f"{int(v)}星级" for v in rated["star_rating"]], {"党组织数": rated["orgs"]}, title_stars, "个")))
    awards = ctx.get("org_honors_by_year", ctx.scope)
    awards = awards[awards["year"] <= y]
    if len(awards):
        pivot = awards.pivot_table(index="year", columns="kind", values="awards", aggfunc="sum", fill_value=0)
        title_awards = f"{who}党组织获评荣誉（按授予年份）"
        section.add_chart(Chart("org_awards", title_awards, lambda: charts.grouped_bars(
            pivot.index.astype(str) + "年", {k: pivot[k] for k in pivot.columns}, title_awards, "个"), report=False))
    else:
        section.notes.append("没有“最强党支部”“先进基层党组织”等组织荣誉记录。")

    cols = [Col("unit_name", unit, TEXT), Col("total", "示范校", unit="所"), *level_columns("示范校"),
            Col("new", f"{y}年新增", unit="所")]
    rows = [[r["unit_name"], count_of(r["total"]), *(count_of(r[lv]) for lv in rules.LEVELS), count_of(n)]
            for (_, r), n in zip(held.iterrows(), new["total"])]
    section.add_table(Table("by_unit", f"各{unit}党建示范校", cols, with_total(rows, cols), total=True,
                            note="每所学校按所获最高级别计一次；已撤销的称号不计。", report=ctx.multi_unit))
    for key, table_title, frame, new_frame, what in (("demo_years", "党建示范校（按年度）", demo_years, demo_new, "示范校累计"),
                                               ("brand_years", "一校一品品牌学校（按年度）", brand_years, brand_new,
                                                "品牌学校累计")):
        cols = [Col("year", "年度", TEXT), Col("total", what, unit="所"), *level_columns(what),
                Col("new", "当年新增", unit="所")]
        rows = [[f"{count_of(r['year'])}年", count_of(r["total"]), *(count_of(r[lv]) for lv in rules.LEVELS),
                 count_of(n)] for (_, r), n in zip(frame.iterrows(), new_frame["total"])]
        section.add_table(Table(key, table_title, cols, rows))
    # DESIGN §3: new demonstration schools per level as well as in total (each at the highest
    # level awarded that year).
    cols = [Col("year", "年度", TEXT), Col("total", "当年新增", unit="所"), *level_columns("新增")]
    rows = [[f"{count_of(r['year'])}年", count_of(r["total"]), *(count_of(r[lv]) for lv in rules.LEVELS)]
            for _, r in demo_new.iterrows()]
    section.add_table(Table("demo_new_years", "新增党建示范校（按级别、年度）", cols, rows,
                            note="每所学校按当年所获最高级别计一次。"))
    cols = [Col("stars", "星级", TEXT), Col("orgs", "党组织数", unit="个"),
            Col("share", "占参评党组织比例", RATE)]
    total, rated_total = count_of(stars["orgs"].sum()), count_of(rated["orgs"].sum())
    rows = [[f"{int(v)}星级", count_of(n), Rate(count_of(n), rated_total)] for v, n in zip(rated["star_rating"], rated["orgs"])]
    rows += [["未评定", total - rated_total, None], ["合计", total, None]]
    section.add_table(Table("stars", f"{y}年一级党组织星级评定", cols, rows, total=True))
    return section
