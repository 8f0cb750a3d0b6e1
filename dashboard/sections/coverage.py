"""组织覆盖: how many schools an organisation (or an adviser) covers, by unit and stage; how the
organisations are set up (a section of its own in the report); which schools are not covered or
should have their own organisation."""
from __future__ import annotations

from dashboard import charts, contract, rules, summary
from dashboard.metrics import Rate
from dashboard.sections.blocks import RATE, TEXT, Chart, Col, Section, Table, count_of, plain, with_total
from dashboard.sections.common import stage_ordered
from dashboard.sections.context import Context
from dashboard.sections.overview import coverage_cards, no_schools, previous_note

STAGE_PARTS = {"单独建立": "standalone", "联合或挂靠建立": "joint_or_attached", "党建指导员": "adviser", "未覆盖": "uncovered"}
SCHOOL_LIST_DOC_ROWS = 30   # long name lists would swamp the document; the workbook has them whole


def coverage_columns(first: Col) -> list[Col]:
    return [first, Col("schools", "学校数", unit="所"), Col("org_covered", "党组织覆盖学校数", unit="所"),
            Col("org_coverage", "党组织覆盖率", RATE, of=("org_covered", "schools")),
            Col("work_covered", "党的工作覆盖学校数", unit="所"),
            Col("work_coverage", "党的工作覆盖率", RATE, of=("work_covered", "schools"))]


def coverage_row(first, r) -> list:
    schools, org, work = count_of(r["schools"]), count_of(r["org_covered"]), count_of(r["work_covered"])
    return [first, schools, org, Rate(org, schools), work, Rate(work, schools)]


def build(ctx: Context) -> Section:
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    section = Section("coverage", "党组织覆盖情况")
    h = ctx.headline
    if h.current is None:
        section.empty = no_schools(ctx)
        return section
    section.cards = coverage_cards(ctx)
    section.notes = previous_note(ctx)
    section.paragraphs = [summary.coverage_paragraph(h, who, ctx.scope)]

    by_unit = ctx.by_unit("coverage_by_unit")
    by_stage = stage_ordered(ctx.get("coverage_by_stage", ctx.scope))
    multi = ctx.multi_unit
    section.add_chart(Chart("rank", f"{y}年{who}各{unit}党组织覆盖率", lambda: charts.rate_ranking(
        by_unit["unit_name"], by_unit["org_covered"], by_unit["schools"], f"{y}年{who}各{unit}党组织覆盖率",
        keys=by_unit["unit_code"], reference=(who, h.current.org_coverage), target=rules.TARGETS["org_coverage"]),
        drill=ctx.level, report=multi))
    section.add_chart(Chart("work_rank", f"{y}年{who}各{unit}党的工作覆盖率", lambda: charts.rate_ranking(
        by_unit["unit_name"], by_unit["work_covered"], by_unit["schools"], f"{y}年{who}各{unit}党的工作覆盖率",
        keys=by_unit["unit_code"], reference=(who, h.current.work_coverage)), drill=ctx.level, report=False))
    if len(by_stage):
        title = f"{y}年{who}各学段学校覆盖方式"
        section.add_chart(Chart("stage", title, lambda: charts.stacked_bars(
            by_stage["stage"], {k: by_stage[v] for k, v in STAGE_PARTS.items()}, title, "所", horizontal=True)))

    cols = coverage_columns(Col("unit_name", unit, TEXT))
    section.add_table(ctx.with_changes(Table(
        "by_unit", f"各{unit}党组织覆盖情况", cols,
        with_total([coverage_row(r["unit_name"], r) for _, r in by_unit.iterrows()], cols), total=True, report=multi,
        doc_columns=["unit_name", "schools", "org_covered", "org_coverage", "work_covered", "work_coverage"]),
        by_unit, ctx.by_unit_compared("coverage_by_unit"),
        lambda r: Rate(count_of(r["org_covered"]), count_of(r["schools"])), "%"))
    cols = coverage_columns(Col("stage", "学段", TEXT)) + [
        Col(v, f"{k}", unit="所") for k, v in STAGE_PARTS.items()]
    rows = [coverage_row(r["stage"], r) + [count_of(r[v]) for v in STAGE_PARTS.values()] for _, r in by_stage.iterrows()]
    section.add_table(Table("by_stage", "各学段党组织覆盖情况", cols, with_total(rows, cols) if rows else rows,
                            total=bool(rows),
                            doc_columns=["stage", "schools", "org_coverage", "work_coverage", "standalone",
                                         "joint_or_attached"]))
    # The written report lists these two among the action lists, not here.
    for table in (schools_not_covered(ctx), schools_needing_own_org(ctx)):
        table.report = False
        section.add_table(table)
    return section


def organisation_setup(ctx: Context) -> Section:
    """党组织设置: types and formations of the top-level organisations, by unit."""
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    section = Section("organisations", "党组织设置情况")
    h = ctx.headline
    if h.current is None:
        section.empty = no_schools(ctx)
        return section
    c = h.current
    section.paragraphs = [summary.organisations_paragraph(h, who)]
    section.notes = [f"一级党组织{c.orgs}个：党委{c.committees}个、党总支{c.general_branches}个、党支部{c.branches}个；"
                     f"单独建立{c.standalone}个，联合或挂靠建立{c.joint_or_attached}个；"
                     f"公办学校党组织{c.hosted_public}个，民办学校党组织{c.hosted_private}个。"] if c.orgs else []
    tf = ctx.get("orgs_by_type_formation", ctx.scope)
    if len(tf):
        pivot = tf.pivot_table(index="org_type", columns="formation", values="orgs", aggfunc="sum", fill_value=0)
        types = [t for t in contract.ORG_TYPES if t in pivot.index]
        forms = [f for f in contract.FORMATIONS if f in pivot.columns]
        title = f"{y}年{who}一级党组织类型与组建方式"
        section.add_chart(Chart("type_formation", title, lambda: charts.stacked_bars(
            types, {f: [int(pivot.loc[t, f]) for t in types] for f in forms}, title, "个")))
        cols = [Col("org_type", "组织类型", TEXT), *(Col(f, f, unit="个") for f in contract.FORMATIONS),
                Col("total", "合计", unit="个")]
        rows = [[t, *(count_of(pivot.loc[t, f]) if f in pivot.columns else 0 for f in contract.FORMATIONS)]
                for t in types]
        rows = [r + [sum(r[1:])] for r in rows]
        section.add_table(Table("type_formation", "一级党组织类型与组建方式", cols, with_total(rows, cols), total=True))
    oc = ctx.by_unit("orgs_by_unit")
    cols = [Col("unit_name", unit, TEXT), Col("orgs", "党组织数", unit="个"), Col("committees", "党委", unit="个"),
            Col("general_branches", "党总支", unit="个"), Col("branches", "党支部", unit="个"),
            Col("standalone", "单独建立", unit="个"), Col("joint_or_attached", "联合或挂靠建立", unit="个")]
    rows = [[plain(r["unit_name"]) or UNPLACED, *(count_of(r[k.key]) for k in cols[1:])] for _, r in oc.iterrows()]
    section.add_table(Table("by_unit", f"各{unit}一级党组织设置情况", cols, with_total(rows, cols), total=True,
                            report=ctx.multi_unit))
    return section


# An organisation that cannot be placed at any school (DESIGN §3) has no unit; tables list it so.
UNPLACED = "（未能定位到学校的党组织）"


def schools_not_covered(ctx: Context) -> Table:
    nc = ctx.get("schools_not_covered", ctx.scope)
    cols = [Col("school_name", "学校名称", TEXT), Col("school_id", "学校标识码", TEXT), Col("county_name", "县区", TEXT),
            Col("township", "乡镇（街道）", TEXT), Col("stage", "学段", TEXT), Col("ownership", "办学性质", TEXT),
            Col("coverage", "覆盖方式", TEXT), Col("staff", "教职工数", unit="名"),
            Col("full_members", "正式党员", unit="名")]
    return Table("not_covered", "未被党组织覆盖的学校", cols,
                 [[plain(r[c.key]) for c in cols] for _, r in nc.iterrows()], links=list(nc["school_id"]),
                 doc_columns=["school_name", "county_name", "stage", "ownership", "coverage", "full_members"],
                 doc_max_rows=SCHOOL_LIST_DOC_ROWS)


def schools_needing_own_org(ctx: Context) -> Table:
    need = ctx.get("schools_needing_own_org", ctx.scope)
    cols = [Col("school_name", "学校名称", TEXT), Col("school_id", "学校标识码", TEXT), Col("county_name", "县区", TEXT),
            Col("township", "乡镇（街道）", TEXT), Col("stage", "学段", TEXT), Col("coverage", "覆盖方式", TEXT),
            Col("covering_org", "所在党组织", TEXT), Col("full_members", "正式党员", unit="名")]
    return Table("need_own_org", "应单独建立党组织的学校", cols,
                 [[plain(r[c.key]) for c in cols] for _, r in need.iterrows()], links=list(need["school_id"]),
                 doc_columns=["school_name", "county_name", "stage", "coverage", "full_members"],
                 doc_max_rows=SCHOOL_LIST_DOC_ROWS,
                 note=f"正式党员{rules.OWN_ORG_MIN_FULL_MEMBERS}名以上的学校应单独建立党组织。")
