"""一肩挑: how many school organisations have the secretary also serving as principal, versus
separate posts or a vacant secretary, by unit, stage and organisation type, the trend, and the
list of organisations."""
from __future__ import annotations

from dashboard import charts, summary
from dashboard.metrics import Rate
from dashboard.sections.blocks import RATE, TEXT, Chart, Col, Section, Table, count_of, plain, with_total
from dashboard.sections.common import DOWN, NEITHER, count_card, rate_card, span, stage_ordered, type_ordered
from dashboard.sections.context import Context
from dashboard.sections.coverage import UNPLACED
from dashboard.sections.overview import COMBINED_HELP, no_schools, previous_note

PARTS = {"一肩挑": "combined", "分设": "separate", "书记空缺": "vacant"}
ORG_LIST_LIMIT = 5000   # a province or the nation has hundreds of thousands: the list says how many


def lead_columns(first: Col) -> list[Col]:
    return [first, Col("hosted", "依托学校的一级党组织", unit="个"),
            Col("combined", "一肩挑", unit="个"), Col("combined_rate", "一肩挑比例", RATE, of=("combined", "hosted")),
            Col("separate", "分设", unit="个"), Col("separate_rate", "分设比例", RATE, of=("separate", "hosted")),
            Col("vacant", "书记空缺", unit="个"), Col("vacant_rate", "书记空缺比例", RATE, of=("vacant", "hosted"))]


def lead_row(first, r) -> list:
    d = count_of(r["hosted"])
    out = [first, d]
    for v in PARTS.values():
        out += [count_of(r[v]), Rate(count_of(r[v]), d)]
    return out


DOC = ["hosted", "combined_rate", "separate_rate", "vacant_rate"]


def build(ctx: Context) -> Section:
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    section = Section("leadership", "书记、校长“一肩挑”情况")
    h = ctx.headline
    if h.current is None:
        section.empty = no_schools(ctx)
        return section
    c, p = h.current, h.previous
    if not c.combined.defined:
        section.empty = f"{y}年{who}没有依托学校建立的一级党组织，无法计算一肩挑比例。"
        section.paragraphs = [f"{who}没有依托学校建立的一级党组织，不计算“一肩挑”比例。"]
        return section
    section.cards = [
        rate_card("“一肩挑”比例", c.combined, p and p.combined, COMBINED_HELP, NEITHER),
        rate_card("分设比例", c.separate, p and p.separate),
        rate_card("书记空缺比例", c.vacant, p and p.vacant, direction=DOWN),
        count_card("依托学校的一级党组织", c.combined.den, p and p.combined.den, "个", since=ctx.headline.since),
    ]
    section.notes = previous_note(ctx)
    section.paragraphs = [summary.leadership_paragraph(h, who)]

    by_unit = ctx.by_unit("orgs_by_unit").dropna(subset=["unit_code"])
    title = f"{y}年{who}各{unit}书记校长设置"
    section.add_chart(Chart("by_unit", title, lambda: charts.stacked_bars(
        by_unit["unit_name"], {k: by_unit[v] for k, v in PARTS.items()}, title, "个", percent=True,
        keys=by_unit["unit_code"], horizontal=True), drill=ctx.level, report=ctx.multi_unit))
    by_stage = stage_ordered(ctx.get("leadership_by_stage", ctx.scope))
    by_type = type_ordered(ctx.get("leadership_by_org_type", ctx.scope))
    title_stage, title_type = f"{y}年{who}各学段书记校长设置", f"{y}年{who}各类型党组织书记校长设置"
    section.add_chart(Chart("by_stage", title_stage, lambda: charts.stacked_bars(
        by_stage["stage"], {k: by_stage[v] for k, v in PARTS.items()}, title_stage, "个", percent=True,
        horizontal=True), report=False))
    section.add_chart(Chart("by_type", title_type, lambda: charts.stacked_bars(
        by_type["org_type"], {k: by_type[v] for k, v in PARTS.items()}, title_type, "个", percent=True,
        horizontal=True), report=False))
    trend = h.years[h.years["hosted"] > 0]
    if len(trend):
        rates = {k: [Rate(count_of(n), count_of(d)) for n, d in zip(trend[v], trend["hosted"])] for k, v in PARTS.items()}
        title_trend = f"{span(trend['year'])}{who}书记校长设置变化趋势"
        section.add_chart(Chart("trend", title_trend, lambda: charts.trend(
            trend["year"], {k: [r.value for r in v] for k, v in rates.items()}, title_trend, "%", percent=True,
            labels={k: [str(r) for r in v] for k, v in rates.items()}, mark=y), report=len(trend) > 1))
    section.notes = section.notes + ["2022年起推行党组织领导的校长负责制，规模较大的学校（党委、党总支）书记、校长逐步分设。"]

    cols = lead_columns(Col("unit_name", unit, TEXT))
    before = ctx.by_unit_compared("orgs_by_unit")
    section.add_table(ctx.with_changes(Table(
        "by_unit", f"各{unit}书记校长设置情况", cols,
        with_total([lead_row(r["unit_name"], r) for _, r in by_unit.iterrows()], cols),
        total=True, doc_columns=["unit_name", *DOC], report=ctx.multi_unit),
        by_unit, None if before is None else before.dropna(subset=["unit_code"]),
        lambda r: Rate(count_of(r["combined"]), count_of(r["hosted"])), "%"))
    cols = lead_columns(Col("stage", "学段", TEXT))
    rows = [lead_row(r["stage"], r) for _, r in by_stage.iterrows()]
    section.add_table(Table("by_stage", "各学段书记校长设置情况", cols, with_total(rows, cols) if rows else rows,
                            total=bool(rows), doc_columns=["stage", *DOC]))
    cols = lead_columns(Col("org_type", "组织类型", TEXT))
    rows = [lead_row(r["org_type"], r) for _, r in by_type.iterrows()]
    section.add_table(Table("by_type", "各类型党组织书记校长设置情况", cols, with_total(rows, cols) if rows else rows,
                            total=bool(rows), doc_columns=["org_type", *DOC]))
    section.add_table(org_list(ctx))
    return section


def org_list(ctx: Context) -> Table:
    orgs = ctx.get("org_list", ctx.scope, limit=ORG_LIST_LIMIT)
    total = count_of(orgs["total_rows"].iloc[0]) if len(orgs) else 0
    cols = [Col("org_name", "党组织名称", TEXT), Col("org_type", "组织类型", TEXT), Col("formation", "组建方式", TEXT),
            Col("leadership", "书记校长设置", TEXT), Col("host_school_name", "依托学校", TEXT),
            Col("county_name", "县区", TEXT), Col("township", "乡镇（街道）", TEXT),
            Col("full_members", "正式党员数", unit="名"), Col("probationary_members", "预备党员数", unit="名")]
    rows = [[plain(r[c.key]) for c in cols] for _, r in orgs.iterrows()]
    for row, placed in zip(rows, orgs["placed_by"]):
        if placed == "unplaced":
            row[cols.index(cols[5])] = UNPLACED
    note = (f"共{total}个一级党组织，列出前{len(orgs)}个；选择县区或其他筛选条件可查看完整名单。"
            if total > len(orgs) else "")
    return Table("org_list", "一级党组织名单", cols, rows, note=note, report=False)
