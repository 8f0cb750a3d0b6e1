"""党员发展: members, admissions, transfers and net growth by year and unit; members per 100
staff; age, sex and probationary structure; the admission pipeline; the 双培养 share."""
from __future__ import annotations

from dashboard import charts, summary
from dashboard.metrics import Rate
from dashboard.sections.blocks import RATE, TEXT, Chart, Col, Section, Table, count_of, with_total
from dashboard.sections.common import UP, count_card, rate_card, span
from dashboard.sections.context import Context
from dashboard.sections.overview import no_schools, previous_note

PIPELINE = ("入党申请人", "入党积极分子", "发展对象", "新发展党员")


def build(ctx: Context) -> Section:
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    section = Section("members", "党员队伍建设情况")
    h = ctx.headline
    if h.current is None:
        section.empty = no_schools(ctx)
        return section
    c, p = h.current, h.previous
    section.cards = [
        count_card("党员数（年末）", c.members, p and p.members, "名", direction=UP, since=ctx.headline.since),
        count_card("新发展党员", c.admitted, p and p.admitted, "名", direction=UP, since=ctx.headline.since),
        rate_card("党员增长率", c.growth, p and p.growth, "（年末党员数 − 年初党员数） / 年初党员数", UP),
        rate_card("每百名教职工党员数", c.per_100_staff, p and p.per_100_staff, "100 × 党员数 / 教职工数（名）", UP),
        rate_card("预备党员占比", c.probationary, None),
        rate_card("女党员占比", c.female, None),
        rate_card("35岁及以下占比", c.young, None),
        rate_card("“双培养”占新发展党员", c.backbone, p and p.backbone, "发展的业务骨干 / 新发展党员", UP),
    ]
    section.notes = previous_note(ctx)
    section.paragraphs = [summary.members_paragraph(h, who)]

    years = h.years[h.years["schools_reporting"] > 0]
    title = f"{span(years['year'])}{who}党员数变化" if len(years) else f"{who}党员数变化"
    section.add_chart(Chart("trend", title, lambda: charts.trend(
        years["year"], {"年末党员数": years["members_end"]}, title, "名",
        labels={"年末党员数": [f"{int(v)}名" for v in years["members_end"]]}, mark=y), report=len(years) > 1))
    title_flows = f"{who}党员发展与流动"
    section.add_chart(Chart("flows", title_flows, lambda: charts.grouped_bars(
        years["year"].astype(str) + "年",
        {"新发展": years["admitted"], "转入": years["transferred_in"], "转出": years["transferred_out"],
         "死亡及其他减少": years["deceased"] + years["other_exits"]}, title_flows, "名"), report=False))

    by_unit = ctx.by_unit("members_by_unit")
    title_unit = f"{y}年{who}各{unit}党员数"
    section.add_chart(Chart("by_unit", title_unit, lambda: charts.count_ranking(
        by_unit["unit_name"], by_unit["members_end"], title_unit, "名", keys=by_unit["unit_code"]),
        drill=ctx.level, report=ctx.multi_unit))
    title_per100 = f"{y}年{who}各{unit}每百名教职工党员数"
    section.add_chart(Chart("per100", title_per100, lambda: charts.rate_ranking(
        by_unit["unit_name"], by_unit["members_end"], by_unit["staff"], title_per100, keys=by_unit["unit_code"],
        unit="", axis_title="每百名教职工党员数（名）", reference=(who, c.per_100_staff)), drill=ctx.level, report=False))
    title_pipe = f"{y}年{who}发展党员工作情况"
    pipeline = [c.applicants, c.activists, c.candidates, c.admitted]
    section.add_chart(Chart("pipeline", title_pipe, lambda: charts.funnel(list(PIPELINE), pipeline, title_pipe)))

    cols = [Col("unit_name", unit, TEXT), Col("members_start", "年初党员数", unit="名"),
            Col("admitted", "新发展党员", unit="名"), Col("transferred_in", "转入", unit="名"),
            Col("transferred_out", "转出", unit="名"), Col("exits", "死亡及其他减少", unit="名"),
            Col("members_end", "年末党员数", unit="名"), Col("net_growth", "净增", unit="名"),
            Col("growth", "增长率", RATE, of=("net_growth", "members_start")), Col("staff", "教职工数", unit="名"),
            Col("per_100_staff", "每百名教职工党员数", RATE, unit="名", of=("members_end", "staff")),
            Col("admitted_backbone", "发展业务骨干", unit="名")]
    rows = [[r["unit_name"], *(count_of(r[k]) for k in ("members_start", "admitted", "transferred_in",
                                                         "transferred_out", "exits", "members_end", "net_growth")),
             Rate(count_of(r["net_growth"]), count_of(r["members_start"])), count_of(r["staff"]),
             Rate(count_of(r["members_end"]), count_of(r["staff"]), unit=""), count_of(r["admitted_backbone"])]
            for _, r in by_unit.iterrows()]
    section.add_table(ctx.with_changes(Table(
        "by_unit", f"各{unit}党员队伍情况", cols, with_total(rows, cols), total=True,
        doc_columns=["unit_name", "members_end", "admitted", "net_growth", "growth", "per_100_staff"],
        report=ctx.multi_unit), by_unit, ctx.by_unit_compared("members_by_unit"),
        lambda r: count_of(r["members_end"]), "名"))
    cols = [Col("year", "年度", TEXT), Col("members_start", "年初党员数", unit="名"), Col("admitted", "新发展党员", unit="名"),
            Col("transferred_in", "转入", unit="名"), Col("transferred_out", "转出", unit="名"),
            Col("exits", "死亡及其他减少", unit="名"), Col("members_end", "年末党员数", unit="名"),
            Col("net_growth", "净增", unit="名"), Col("growth", "增长率", RATE, of=("net_growth", "members_start")),
            Col("probationary", "预备党员", unit="名"), Col("female", "女党员", unit="名"),
            Col("aged_35_or_under", "35岁及以下", unit="名"), Col("applicants", "入党申请人", unit="名"),
            Col("activists", "入党积极分子", unit="名"), Col("candidates", "发展对象", unit="名"),
            Col("admitted_backbone", "发展业务骨干", unit="名"),
            Col("backbone", "“双培养”占新发展党员比例", RATE, of=("admitted_backbone", "admitted")),
            Col("staff", "教职工数", unit="名"),
            Col("per_100_staff", "每百名教职工党员数", RATE, unit="名", of=("members_end", "staff"))]
    rows = [[f"{count_of(r['year'])}年", *(count_of(r[k]) for k in (
        "members_start", "admitted", "transferred_in", "transferred_out")),
        count_of(r["deceased"]) + count_of(r["other_exits"]), count_of(r["members_end"]), count_of(r["net_growth"]),
        Rate(count_of(r["net_growth"]), count_of(r["members_start"])),
        *(count_of(r[k]) for k in ("probationary", "female", "aged_35_or_under", "applicants", "activists",
                                   "candidates", "admitted_backbone")),
        Rate(count_of(r["admitted_backbone"]), count_of(r["admitted"])), count_of(r["staff"]),
        Rate(count_of(r["members_end"]), count_of(r["staff"]), unit="")] for _, r in years.iterrows()]
    section.add_table(Table("by_year", "党员队伍情况（按年度）", cols, rows,
                            doc_columns=["year", "members_end", "admitted", "net_growth", "growth", "per_100_staff"]))
    return section

