"""The summary paragraphs in the official style of the bureau's reports (domain.md, last section).

One place writes them from the headline figures; the overview page and the report pack both call
it, so they never disagree. Scope and date first, counts with units, rates with one decimal
and their numerator and denominator, changes on the previous year in words.
"""
from __future__ import annotations

from dashboard.figures import Headline, YearFigures
from dashboard.metrics import change, count, rate_change
from dashboard.scope import Scope


def _school_word(scope: Scope) -> str:
    return "" if scope.stage else "中小学校(幼儿园)"


def coverage_paragraph(h: Headline, who: str, scope: Scope) -> str:
    c, p = h.current, h.previous
    full = c.org_coverage.num == c.schools and c.work_coverage.num == c.schools
    text = (f"截至{c.year}年底,{who}共有{_school_word(scope) or '学校'}{count(c.schools, '所')}"
            f"{_clause(change(c.schools, p and p.schools, '所'))}。"
            f"党组织覆盖{count(c.org_coverage.num, '所')},覆盖率{c.org_coverage}"
            f"{_clause(rate_change(c.org_coverage, p and p.org_coverage))};"
            f"党的工作覆盖{count(c.work_coverage.num, '所')},覆盖率{c.work_coverage}")
    return text + (",实现党的组织和工作全覆盖。" if full else "。")


def organisations_paragraph(h: Headline, who: str) -> str:
    c, p = h.current, h.previous
    if not c.orgs:
        return f"{who}尚未建立党组织。"
    return (f"{who}建立党组织{count(c.orgs, '个')}{_clause(change(c.orgs, p and p.orgs, '个'))},"
            f"其中党委{count(c.committees, '个')},党总支{count(c.general_branches, '个')},"
            f"党支部{count(c.branches, '个')};单独建立党组织{count(c.standalone, '个')},"
            f"通过联合组建、挂靠组建等形式建立党组织{count(c.joint_or_attached, '个')};"
            f"公办学校党组织{count(c.hosted_public, '个')},民办学校党组织{count(c.hosted_private, '个')}。")


def leadership_paragraph(h: Headline, who: str) -> str:
    c, p = h.current, h.previous
    if not c.combined.defined:
        return ""
    return (f"{who}{c.combined.pct}({c.combined.num}/{c.combined.den})的学校党组织实现了书记、校长“一肩挑”"
            f"{_clause(rate_change(c.combined, p and p.combined))},"
            f"书记、校长分设{count(c.separate.num, '个')},书记空缺{count(c.vacant.num, '个')}。")


def demonstration_paragraph(h: Headline, who: str) -> str:
    c = h.current
    text = f"{who}累计创建党建示范校{count(c.demo_schools, '所')}"
    if c.demo_new:
        text += f",其中{c.year}年新增{count(c.demo_new, '所')}"
    if c.rated:
        text += f";参加星级评定的党组织{count(c.rated, '个')},其中五星级党组织{count(c.five_star, '个')}"
    return text + "。"


def members_paragraph(h: Headline, who: str) -> str:
    c, p = h.current, h.previous
    text = (f"{who}学校共有党员{count(c.members, '名')}{_clause(change(c.members, p and p.members, '名'))},"
            f"{c.year}年发展党员{count(c.admitted, '名')}")
    if c.backbone.defined and c.backbone.num:
        text += f",其中业务骨干{count(c.backbone.num, '名')}(占{c.backbone.pct})"
    if c.growth.defined:
        text += f";党员净增{count(c.net_growth, '名')},增长率{c.growth}"
    if c.per_100_staff.defined:
        text += f";每百名教职工中有党员{c.per_100_staff.pct}名"
    return text + "。"


def overview_paragraph(h: Headline, who: str, scope: Scope) -> str:
    """The overview's paragraph for the scope and year; empty when the scope has no schools."""
    if h.current is None:
        return ""
    parts = [coverage_paragraph(h, who, scope), organisations_paragraph(h, who), leadership_paragraph(h, who),
             demonstration_paragraph(h, who), members_paragraph(h, who)]
    return "".join(p for p in parts if p)


def action_lists_paragraph(year: int, who: str, overdue: int, due_soon: int, mismatched: int,
                           need_own: int, not_covered: int) -> str:
    """The action lists (问题清单) in one sentence: what still needs following up in the scope."""
    parts = []
    if overdue:
        parts.append(f"{count(overdue, '个')}党组织任期已满尚未换届")
    if due_soon:
        parts.append(f"{count(due_soon, '个')}党组织将于{year + 1}年6月底前任期届满")
    if mismatched:
        parts.append(f"{count(mismatched, '个')}一级党组织的组织类型与党员规模不相符")
    if need_own:
        parts.append(f"{count(need_own, '所')}学校有3名以上正式党员但未单独建立党组织")
    if not_covered:
        parts.append(f"{count(not_covered, '所')}学校未被党组织覆盖")
    if not parts:
        return (f"截至{year}年底,{who}学校党组织均按期换届,组织类型与党员规模相符,"
                f"没有需要跟进的问题。")
    return f"截至{year}年底,{who}有" + ";".join(parts) + ",需跟进落实。"


def _clause(text: str) -> str:
    """A year-on-year change as a trailing clause; nothing in a scope's first year."""
    return f",{text}" if text else ""


__all__ = ["overview_paragraph", "coverage_paragraph", "organisations_paragraph",
           "leadership_paragraph", "demonstration_paragraph", "members_paragraph", "action_lists_paragraph",
           "YearFigures"]
