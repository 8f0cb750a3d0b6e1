"""问题清单: what needs action: elections due or overdue; organisation types that do not fit their
size; schools that should have their own organisation; schools not covered; organisations behind
on 三会一课; units below a target."""
from __future__ import annotations

import pandas as pd

from dashboard import rules, summary
from dashboard.metrics import Rate
from dashboard.sections.blocks import DATE, RATE, TEXT, Card, Col, Section, Table, count_of, plain
from dashboard.sections.context import Context
from dashboard.sections import org_life
from dashboard.sections.coverage import SCHOOL_LIST_DOC_ROWS, schools_needing_own_org, schools_not_covered

OVERDUE = "已逾期"


def due_soon_end(year: int) -> str:
    """The last day of the due-soon window after `year`: "2025年6月30日"."""
    end = pd.Timestamp(year + 1, 1, 1) + pd.DateOffset(months=rules.DUE_SOON_MONTHS) - pd.Timedelta(days=1)
    return f"{end.year}年{end.month}月{end.day}日"


def below(rate: Rate, target: float) -> bool:
    """Compared as shown (one decimal), so a unit shown at the target is not listed below it."""
    return rate.defined and float(rate.rounded()) < target


def build(ctx: Context, targets: dict[str, float] | None = None) -> Section:
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    targets = {**rules.TARGETS, **(targets or {})}
    section = Section("action_lists", "需要跟进的问题")
    elections = ctx.get("elections_due", ctx.scope)
    mismatch = ctx.get("org_type_mismatch", ctx.scope)
    need = schools_needing_own_org(ctx)
    uncovered = schools_not_covered(ctx)
    overdue = int((elections["status"] == OVERDUE).sum())
    due_soon = len(elections) - overdue
    section.cards = [
        Card("换届已逾期", f"{overdue}个", "", help=f"应换届日期早于{y}年底", count=overdue, unit="个"),
        Card(f"{rules.due_soon_words()}到期", f"{due_soon}个", "",
             help=f"应换届日期在{y + 1}年1月1日至{due_soon_end(y)}之间", count=due_soon, unit="个"),
        Card("类型与规模不符", f"{len(mismatch)}个", "", count=len(mismatch), unit="个"),
        Card("应单独建立党组织", f"{len(need.rows)}所", "", count=len(need.rows), unit="所"),
    ]
    section.paragraphs = [summary.action_lists_paragraph(y, who, overdue, due_soon, len(mismatch), len(need.rows),
                                                          len(uncovered.rows))]
    cols = [Col("status", "状态", TEXT), Col("org_name", "党组织名称", TEXT), Col("org_type", "组织类型", TEXT),
            Col("county_name", "县区", TEXT), Col("township", "乡镇（街道）", TEXT), Col("host_school_name", "依托学校", TEXT),
            Col("last_election_date", "上次换届日期", DATE), Col("term_years", "任期", unit="年"),
            Col("due_date", "应换届日期", DATE)]
    section.add_table(Table(
        "elections", "换届提醒", cols, [[plain(r[c.key]) for c in cols] for _, r in elections.iterrows()],
        doc_columns=["status", "org_name", "county_name", "last_election_date", "due_date"],
        doc_max_rows=SCHOOL_LIST_DOC_ROWS,
        note=f"应换届日期 = 上次换届日期 + 任期（{rules.term_rule_text()}）；早于{y}年底为已逾期，"
             f"此后{rules.due_soon_words()}到期为即将到期。含一级党组织下设的党支部。"))
    cols = [Col("org_name", "党组织名称", TEXT), Col("org_type", "组织类型", TEXT), Col("members", "党员数", unit="名"),
            Col("finding", "问题", TEXT), Col("county_name", "县区", TEXT), Col("township", "乡镇（街道）", TEXT),
            Col("host_school_name", "依托学校", TEXT)]
    section.add_table(Table(
        "mismatch", "组织类型与党员规模不符", cols, [[plain(r[c.key]) for c in cols] for _, r in mismatch.iterrows()],
        doc_columns=["org_name", "org_type", "members", "finding", "county_name"], doc_max_rows=SCHOOL_LIST_DOC_ROWS,
        note=rules.size_rule_text()))
    section.add_table(need)
    section.add_table(uncovered)
    # 三会一课: the organisations behind in the current quarter (the 组织生活 page's own list).
    life = org_life.life(ctx)
    behind = section.add_table(org_life.behind_table(ctx, life))
    section.cards.append(
        Card("组织生活未按期", "—", life.missing, help="尚未报送组织生活数据") if life.missing else
        Card("组织生活未按期", f"{len(behind.rows)}个", "", count=len(behind.rows), unit="个",
             help=f"{life.quarter_label}未按期开展“三会一课”等组织生活的党组织（含下设党支部）"))

    cov = ctx.by_unit("coverage_by_unit")
    orgs = ctx.by_unit("orgs_by_unit").dropna(subset=["unit_code"])
    merged = cov.merge(orgs[["unit_code", "hosted", "combined"]], on="unit_code", how="left").fillna(0)
    cols = [Col("unit_name", unit, TEXT), Col("schools", "学校数", unit="所"), Col("org_covered", "党组织覆盖学校数", unit="所"),
            Col("org_coverage", "党组织覆盖率", RATE, of=("org_covered", "schools")),
            Col("hosted", "依托学校的一级党组织", unit="个"), Col("combined", "一肩挑", unit="个"),
            Col("combined_rate", "一肩挑比例", RATE, of=("combined", "hosted")), Col("finding", "问题", TEXT)]
    rows = []
    for _, r in merged.iterrows():
        coverage = Rate(count_of(r["org_covered"]), count_of(r["schools"]))
        combined = Rate(count_of(r["combined"]), count_of(r["hosted"]))
        finding = "、".join(x for x, flag in (("覆盖率低于目标", below(coverage, targets["org_coverage"])),
                                             ("一肩挑比例低于目标", below(combined, targets["combined"]))) if flag)
        if finding:
            rows.append([r["unit_name"], coverage.den, coverage.num, coverage, combined.den, combined.num, combined,
                         finding])
    section.add_table(Table("below_target", f"低于目标的{unit}", cols, rows, report=False,
                            note=f"目标：党组织覆盖率{targets['org_coverage']:g}%，一肩挑比例{targets['combined']:g}%。"))
    return section
