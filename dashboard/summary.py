"""The summary paragraphs, written as a bureau writes its own reports (domain.md, last section).

One place writes them from the headline figures; the overview page, the sections and the report
pack all call it, so they never disagree. The scope and the date come first ("截至2023年底，
山阳县……"); counts carry their units; a rate is given with one decimal beside the counts it is
made of ("实现“一肩挑”的48个，占61.5%"); a zero is left out or said in words ("未设党委"),
never "党委0个"; changes on the year compared are in words; punctuation is full-width.
"""
from __future__ import annotations

from dashboard import rules
from dashboard.figures import Headline
from dashboard.metrics import Rate, change, count, rate_change
from dashboard.scope import Scope


def _clause(text: str) -> str:
    """A change as a trailing clause; nothing in a scope's first year."""
    return f"，{text}" if text else ""


def _share(rate: Rate) -> str:
    """"，占61.5%": a rate after the count it is made of; nothing without a denominator."""
    return f"，占{rate.pct}" if rate.defined else ""


def _listing(parts: list[tuple[str, int, str]]) -> str:
    """"党总支10个、党支部68个": the non-zero parts, each with its unit."""
    return "、".join(f"{name}{count(n, unit)}" for name, n, unit in parts if n)


def levels_words(by_level: dict[str, int]) -> str:
    """"（市级4所、县级9所）", or nothing when no level has a school."""
    listed = _listing([(level, n, "所") for level, n in by_level.items()])
    return f"（{listed}）" if listed else ""


def coverage_paragraph(h: Headline, who: str, scope: Scope) -> str:
    c, p, since = h.current, h.previous, h.since
    schools = "学校" if scope.stage else "中小学校（幼儿园）"
    text = (f"截至{c.year}年底，{who}共有{schools}{count(c.schools, '所')}"
            f"{_clause(change(c.schools, p and p.schools, '所', since))}。"
            f"其中，党组织覆盖{count(c.org_coverage.num, '所')}，覆盖率{c.org_coverage.pct}"
            f"{_clause(rate_change(c.org_coverage, p and p.org_coverage, since))}；"
            f"党的工作覆盖{count(c.work_coverage.num, '所')}，覆盖率{c.work_coverage.pct}")
    if c.org_coverage.num == c.schools and c.work_coverage.num == c.schools:
        return text + "，实现党的组织和工作全覆盖。"
    uncovered = c.schools - c.org_coverage.num
    text += f"。尚有{count(uncovered, '所')}学校未被党组织覆盖"
    if c.adviser_schools:
        text += f"，其中{count(c.adviser_schools, '所')}已选派党建指导员"
    return text + "。"


def organisations_paragraph(h: Headline, who: str) -> str:
    c, p, since = h.current, h.previous, h.since
    if not c.orgs:
        return f"{who}尚未建立党组织。"
    types = _listing([("党委", c.committees, "个"), ("党总支", c.general_branches, "个"), ("党支部", c.branches, "个")])
    text = (f"{who}建立一级党组织{count(c.orgs, '个')}{_clause(change(c.orgs, p and p.orgs, '个', since))}，"
            f"其中{types}{'' if c.committees else '（未设党委）'}")
    forms = []
    if c.standalone:
        forms.append(f"单独建立党组织{count(c.standalone, '个')}")
    if c.joint_or_attached:
        forms.append(f"通过联合组建、挂靠组建等形式建立党组织{count(c.joint_or_attached, '个')}")
    if forms:
        text += "；" + "，".join(forms)
    owners = _listing([("公办学校党组织", c.hosted_public, "个"), ("民办学校党组织", c.hosted_private, "个")])
    if owners:
        text += "；" + owners.replace("、", "，")
    if c.unplaced:
        text += f"；另有{count(c.unplaced, '个')}党组织未依托学校、也未覆盖学校，计入总数但不计入各县区、学段的数字"
    return text + "。"


def leadership_paragraph(h: Headline, who: str) -> str:
    c, p, since = h.current, h.previous, h.since
    if not c.combined.defined:
        return f"{who}没有依托学校建立的一级党组织，不计算“一肩挑”比例。"
    text = f"{who}依托学校建立的一级党组织{count(c.combined.den, '个')}，"
    if c.combined.num:
        text += f"其中书记、校长“一肩挑”的{count(c.combined.num, '个')}{_share(c.combined)}"
    else:
        # "“一肩挑”的0个，占0.0%" is not how a report puts it.
        text += "没有书记、校长“一肩挑”的党组织"
    text += _clause(rate_change(c.combined, p and p.combined, since))
    if c.separate.num:
        text += f"；书记、校长分设的{count(c.separate.num, '个')}{_share(c.separate)}"
    if c.vacant.num:
        text += f"；书记空缺的{count(c.vacant.num, '个')}{_share(c.vacant)}"
    return text + "。"


def demonstration_paragraph(h: Headline, who: str) -> str:
    c = h.current
    if not c.demo_schools:
        text = f"{who}尚无党建示范校"
    else:
        text = f"{who}累计创建党建示范校{count(c.demo_schools, '所')}{levels_words(c.demo_by_level)}"
        if c.demo_new:
            text += f"，其中{c.year}年新增{count(c.demo_new, '所')}{levels_words(c.demo_new_by_level)}"
    if c.rated:
        text += f"；参加星级评定的党组织{count(c.rated, '个')}"
        text += f"，其中五星级党组织{count(c.five_star, '个')}" if c.five_star else "，尚无五星级党组织"
    return text + "。"


def members_paragraph(h: Headline, who: str) -> str:
    c, p, since = h.current, h.previous, h.since
    text = (f"{who}学校共有党员{count(c.members, '名')}{_clause(change(c.members, p and p.members, '名', since))}；"
            f"{c.year}年发展党员{count(c.admitted, '名')}")
    if c.backbone.defined and c.backbone.num:
        text += f"，其中业务骨干{count(c.backbone.num, '名')}{_share(c.backbone)}"
    if c.growth.defined:
        if c.net_growth >= 0:
            text += f"；党员净增{count(c.net_growth, '名')}，增长率{c.growth.pct}"
        else:
            text += f"；党员净减少{count(-c.net_growth, '名')}，下降{Rate(-c.growth.num, c.growth.den).pct}"
    if c.per_100_staff.defined:
        text += f"；每百名教职工中有党员{c.per_100_staff.pct}名"
    return text + "。"


def overview_paragraph(h: Headline, who: str, scope: Scope) -> str:
    """The overview's paragraph for the scope and year; empty when the scope has no schools."""
    if h.current is None:
        return ""
    return "".join([coverage_paragraph(h, who, scope), organisations_paragraph(h, who), leadership_paragraph(h, who),
                    demonstration_paragraph(h, who), members_paragraph(h, who)])


def action_lists_paragraph(year: int, who: str, overdue: int, due_soon: int, mismatched: int,
                           need_own: int, not_covered: int) -> str:
    """The action lists (问题清单) in one sentence: what still needs following up in the scope."""
    soon_end = f"{year + 1}年{rules.DUE_SOON_MONTHS}月底前" if rules.DUE_SOON_MONTHS <= 12 else "近期"
    parts = []
    if overdue:
        parts.append(f"{count(overdue, '个')}党组织任期已满尚未换届")
    if due_soon:
        parts.append(f"{count(due_soon, '个')}党组织将于{soon_end}任期届满")
    if mismatched:
        parts.append(f"{count(mismatched, '个')}一级党组织的组织类型与党员规模不相符")
    if need_own:
        parts.append(f"{count(need_own, '所')}学校有{rules.OWN_ORG_MIN_FULL_MEMBERS}名以上正式党员但未单独建立党组织")
    if not_covered:
        parts.append(f"{count(not_covered, '所')}学校未被党组织覆盖")
    if not parts:
        return (f"截至{year}年底，{who}学校党组织均按期换届，组织类型与党员规模相符，"
                f"没有需要跟进的问题。")
    return f"截至{year}年底，{who}有" + "；".join(parts) + "，需跟进落实。"


__all__ = ["overview_paragraph", "coverage_paragraph", "organisations_paragraph", "leadership_paragraph",
           "demonstration_paragraph", "members_paragraph", "action_lists_paragraph"]
