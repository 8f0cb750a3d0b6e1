"""The headline figures of a scope for each year, from two queries (figures_by_year and the
demonstration schools of honors_by_year).

Every section reads these, so the pages, the paragraphs, the report and the screen never
disagree. `get` runs a query: `data.query` (cached) in the app, `db.runner(con)` in the command
line and tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from dashboard import contract, rules
from dashboard.metrics import Rate, row_for_year
from dashboard.scope import Scope

Getter = Callable[..., pd.DataFrame]
DEMO_KIND = contract.DEMO_SCHOOL


@dataclass(frozen=True)
class YearFigures:
    year: int
    schools: int
    org_coverage: Rate
    work_coverage: Rate
    standalone_schools: int
    joint_or_attached_schools: int
    adviser_schools: int
    uncovered_schools: int
    orgs: int
    committees: int
    general_branches: int
    branches: int
    standalone: int
    joint_or_attached: int
    unplaced: int               # organisations that cannot be placed at a school (DESIGN §3)
    hosted_public: int
    hosted_private: int
    combined: Rate
    separate: Rate
    vacant: Rate
    rated: int
    five_star: int
    demo_schools: int
    demo_new: int
    demo_by_level: dict[str, int]       # level -> schools holding it as their highest (rules.LEVELS order)
    demo_new_by_level: dict[str, int]   # level -> schools newly awarded it that year
    members: int
    members_start: int
    net_growth: int
    growth: Rate
    admitted: int
    staff: int
    per_100_staff: Rate
    backbone: Rate
    probationary: Rate
    female: Rate
    young: Rate
    applicants: int
    activists: int
    candidates: int


@dataclass(frozen=True)
class Headline:
    current: YearFigures | None
    previous: YearFigures | None      # the year compared with (the year before, unless chosen)
    years: pd.DataFrame               # figures_by_year up to the scope's year, for the trends
    compared: int = 0                 # the year `previous` is for

    @property
    def since(self) -> str:
        """How a change names the year compared: "上年", or "2020年" when another was chosen."""
        if self.current is not None and self.compared == self.current.year - 1:
            return "上年"
        return f"{self.compared}年"


def _year_figures(row: dict | None, demo: pd.DataFrame, year: int) -> YearFigures | None:
    if row is None or not row["schools"]:
        return None
    g = lambda k: int(row.get(k) or 0)  # noqa: E731 - a missing aggregate is zero of that thing
    hosted, members = g("hosted"), g("members_end")
    d = demo[demo["year"] == year]
    held = {lv: int(n) for lv, n in zip(d["level"], d["schools"])}
    new = {lv: int(n) for lv, n in zip(d["level"], d["new_schools"])}
    return YearFigures(
        year=year,
        schools=g("schools"),
        org_coverage=Rate(g("org_covered"), g("schools")),
        work_coverage=Rate(g("work_covered"), g("schools")),
        standalone_schools=g("standalone"), joint_or_attached_schools=g("joint") + g("attached"),
        adviser_schools=g("adviser"), uncovered_schools=g("uncovered"),
        orgs=g("orgs"), committees=g("committees"),
        general_branches=g("general_branches"), branches=g("branches"),
        standalone=g("org_standalone"), joint_or_attached=g("org_joint") + g("org_attached"),
        unplaced=g("unplaced"),
        hosted_public=g("hosted_public"), hosted_private=g("hosted_private"),
        combined=Rate(g("combined"), hosted), separate=Rate(g("separate"), hosted),
        vacant=Rate(g("vacant"), hosted),
        rated=g("rated"), five_star=g("five_star"),
        demo_schools=sum(held.values()), demo_new=sum(new.values()),
        demo_by_level={lv: held.get(lv, 0) for lv in rules.LEVELS},
        demo_new_by_level={lv: new.get(lv, 0) for lv in rules.LEVELS},
        members=members, members_start=g("members_start"),
        net_growth=g("net_growth"), growth=Rate(g("net_growth"), g("members_start")),
        admitted=g("admitted"), staff=g("staff"),
        per_100_staff=Rate(members, g("staff"), unit=""),
        backbone=Rate(g("admitted_backbone"), g("admitted")),
        probationary=Rate(g("probationary"), members), female=Rate(g("female"), members),
        young=Rate(g("aged_35_or_under"), members),
        applicants=g("applicants"), activists=g("activists"), candidates=g("candidates"),
    )


def headline(get: Getter, scope: Scope, compare_year: int | None = None) -> Headline:
    """The scope's figures for its year and for the year compared with (the year before unless
    `compare_year` says otherwise)."""
    years = get("figures_by_year", scope)
    demo = get("honors_by_year", scope, kind=DEMO_KIND)
    other = compare_year if compare_year is not None else scope.year - 1
    return Headline(_year_figures(row_for_year(years, scope.year), demo, scope.year),
                    _year_figures(row_for_year(years, other), demo, other),
                    years[years["year"] <= scope.year].reset_index(drop=True), other)
