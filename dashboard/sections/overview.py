"""总览: the headline cards, the summary paragraph, the ranking of units by one of five metrics,
and the key-figures table that opens the report."""
from __future__ import annotations

from dashboard import charts, contract, rules, summary
from dashboard.metrics import Rate, change, rate_change
from dashboard.sections.blocks import COUNT, RATE, TEXT, Card, Chart, Col, Section, Table, count_of
from dashboard.sections.common import NEITHER, UP, count_card, rate_card
from dashboard.sections.context import Context

RANKINGS = ("党组织覆盖率", "一肩挑比例", "党员数", "党建示范校", "每百名教职工党员数")
COMBINED_HELP = "一肩挑的党组织 / 依托学校建立的一级党组织"


def coverage_cards(ctx: Context) -> list[Card]:
    """Schools, both coverage rates and organisations: the first row of the overview and coverage pages."""
    c, p = ctx.headline.current, ctx.headline.previous
    return [
        count_card("学校数", c.schools, p and p.schools, "所", since=ctx.headline.since),
        rate_card("党组织覆盖率", c.org_coverage, p and p.org_coverage,
                  "有党组织覆盖（单独、联合或挂靠建立）的学校 / 学校数", UP),
        rate_card("党的工作覆盖率", c.work_coverage, p and p.work_coverage, "有党组织或党建指导员的学校 / 学校数", UP),
        count_card("党组织数（一级）", c.orgs, p and p.orgs, "个", since=ctx.headline.since),
    ]


def build(ctx: Context, ranking: str = RANKINGS[0]) -> Section:
    h = ctx.headline
    section = Section("overview", "总览")
    if h.current is None:
        section.empty = no_schools(ctx)
        return section
    c, p = h.current, h.previous
    section.cards = coverage_cards(ctx) + [
        rate_card("“一肩挑”比例", c.combined, p and p.combined, COMBINED_HELP, NEITHER),
        count_card("党建示范校", c.demo_schools, p and p.demo_schools, "所",
                   "持有未撤销党建示范校称号的学校（按最高级别计一次）", UP, since=ctx.headline.since),
        count_card("党员数", c.members, p and p.members, "名", direction=UP, since=ctx.headline.since),
        rate_card("党员增长率", c.growth, p and p.growth, "净增党员 / 年初党员数", UP),
    ]
    section.notes = previous_note(ctx)
    section.paragraphs = [summary.overview_paragraph(h, ctx.subject, ctx.scope)]
    section.add_chart(ranking_chart(ctx, ranking))
    section.add_table(key_figures(ctx))
    return section


def ranking_values(ctx: Context, metric: str) -> tuple[dict, dict[str, str], str]:
    """One of RANKINGS for every unit at the view's level, in the query's order: (unit code -> its
    figure, a Rate or a count; unit code -> its name; the figure's unit: "%", "" for a figure per
    100 staff, else the count's). The ranking below and the county map draw the same figures."""
    if metric == "一肩挑比例":
        orgs = ctx.by_unit("orgs_by_unit").dropna(subset=["unit_code"])
        return *per_unit(orgs, lambda r: Rate(count_of(r.combined), count_of(r.hosted))), "%"
    if metric in ("党员数", "每百名教职工党员数"):
        mem = ctx.by_unit("members_by_unit")
        if metric == "党员数":
            return *per_unit(mem, lambda r: count_of(r.members_end)), "名"
        return *per_unit(mem, lambda r: Rate(count_of(r.members_end), count_of(r.staff), unit="")), ""
    if metric == "党建示范校":
        demo = ctx.by_unit("honors_by_unit", kind=contract.DEMO_SCHOOL)
        totals = demo.groupby(["unit_code", "unit_name"], sort=False, as_index=False)["schools"].sum()
        return *per_unit(totals, lambda r: count_of(r.schools)), "所"
    if metric != RANKINGS[0]:
        raise ValueError(f"unknown ranking {metric!r}")
    cov = ctx.by_unit("coverage_by_unit")
    return *per_unit(cov, lambda r: Rate(count_of(r.org_covered), count_of(r.schools))), "%"


def per_unit(frame, figure) -> tuple[dict, dict[str, str]]:
    """(unit code -> figure(row), unit code -> unit name) of a by-unit query's rows."""
    codes = [str(c) for c in frame["unit_code"]]
    return (dict(zip(codes, (figure(r) for r in frame.itertuples()))),
            dict(zip(codes, (str(n) for n in frame["unit_name"]))))


# How a ranking's title names its figure, where it differs from the ranking's own name.
_TITLE_WORDS = {"一肩挑比例": "书记校长“一肩挑”比例", "党建示范校": "党建示范校数"}


def ranking_chart(ctx: Context, metric: str) -> Chart:
    """One ranking of the units by `metric`; its query runs only when the chart is drawn."""
    y, unit_words = ctx.year, f"{ctx.subject}各{ctx.unit_word}"
    c = ctx.headline.current

    def build():
        values, names, unit = ranking_values(ctx, metric)
        codes = list(names)
        labels, figures = [names[k] for k in codes], [values[k] for k in codes]
        title = f"{y}年{unit_words}{_TITLE_WORDS.get(metric, metric)}"
        if unit not in ("%", ""):
            return charts.count_ranking(labels, figures, title, unit, keys=codes)
        nums, dens = [r.num for r in figures], [r.den for r in figures]
        if unit == "":
            return charts.rate_ranking(labels, nums, dens, title, keys=codes, unit="",
                                       axis_title="每百名教职工党员数（名）", reference=(ctx.subject, c.per_100_staff))
        parent, target = ((c.combined, rules.TARGETS["combined"]) if metric == "一肩挑比例"
                          else (c.org_coverage, rules.TARGETS["org_coverage"]))
        return charts.rate_ranking(labels, nums, dens, title, keys=codes, reference=(ctx.subject, parent),
                                   target=target)

    return Chart("rank", f"{y}年{unit_words}{metric}", build, drill=ctx.level, report=False)


def key_figures(ctx: Context) -> Table:
    """The report's first table: every headline figure, this year and the year compared."""
    c, p = ctx.headline.current, ctx.headline.previous
    rows = []

    def counted(name, unit, attr):
        cur, prev = getattr(c, attr), getattr(p, attr) if p else None
        rows.append([name, unit, cur, None, None, prev, change(cur, prev, unit)])

    def rated(name, attr):
        cur, prev = getattr(c, attr), getattr(p, attr) if p else None
        rows.append([name, "%", cur, cur.num, cur.den, prev, rate_change(cur, prev)])

    counted("学校数", "所", "schools")
    rated("党组织覆盖率", "org_coverage")
    rated("党的工作覆盖率", "work_coverage")
    counted("一级党组织数", "个", "orgs")
    counted("其中：党委", "个", "committees")
    counted("党总支", "个", "general_branches")
    counted("党支部", "个", "branches")
    counted("单独建立党组织", "个", "standalone")
    counted("联合组建、挂靠组建党组织", "个", "joint_or_attached")
    counted("公办学校党组织", "个", "hosted_public")
    counted("民办学校党组织", "个", "hosted_private")
    rated("书记、校长“一肩挑”比例", "combined")
    rated("书记、校长分设比例", "separate")
    rated("书记空缺比例", "vacant")
    counted("党建示范校（累计）", "所", "demo_schools")
    counted("当年新增党建示范校", "所", "demo_new")
    counted("参加星级评定的党组织", "个", "rated")
    counted("五星级党组织", "个", "five_star")
    counted("党员数（年末）", "名", "members")
    counted("新发展党员", "名", "admitted")
    counted("党员净增", "名", "net_growth")
    rated("党员增长率", "growth")
    per, per_prev = c.per_100_staff, p.per_100_staff if p else None
    rows.append(["每百名教职工党员数", "名", per, per.num, per.den, per_prev, _per_100_change(per, per_prev)])
    rated("“双培养”占新发展党员比例", "backbone")
    cols = [Col("name", "指标", TEXT), Col("unit", "单位", TEXT), Col("cur", f"{c.year}年", RATE),
            Col("num", "分子", COUNT), Col("den", "分母", COUNT), Col("prev", f"{c.year - 1}年", RATE),
            Col("change", "较上年", TEXT)]
    note = "比例的分子、分母见统计表“表1”；每百名教职工党员数 = 100 × 党员数 ÷ 教职工数。"
    if p is None:
        # The extract's first year (or a scope with no schools the year before): no columns of dashes.
        note += f"{c.year - 1}年没有可比较的数据。"
        return Table("key_figures", "主要指标", cols[:5], [r[:5] for r in rows],
                     doc_columns=["name", "unit", "cur"], note=note)
    return Table("key_figures", "主要指标", cols, rows, doc_columns=["name", "unit", "cur", "prev", "change"], note=note)


def _per_100_change(cur: Rate, prev: Rate | None) -> str:
    if prev is None or not cur.defined or not prev.defined:
        return ""
    d = cur.rounded() - prev.rounded()
    return "与上年持平" if d == 0 else f"较上年{'增加' if d > 0 else '减少'}{abs(d)}名"


def previous_note(ctx: Context) -> list[str]:
    h = ctx.headline
    if h.previous is None and h.current is not None:
        return [f"{h.current.year}年是数据中的第一年（或上年无符合条件的学校），没有可比较的上年数据，变化显示为“—”。"]
    return []


def no_schools(ctx: Context, what: str = "学校") -> str:
    return f"{ctx.year}年{ctx.subject}没有符合筛选条件的{what}。请调整上方的筛选条件。"
