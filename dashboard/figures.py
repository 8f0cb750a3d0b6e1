"""The headline figures of a scope for a year and the year before, from the by-year queries.

Pages, the summary paragraph and the report all read these, so they never disagree. `get` runs a
query: `data.query` (cached) in the app, `db.runner(con)` in the command line and tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from dashboard.metrics import Rate, row_for_year
from dashboard.scope import Scope

Getter = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class YearFigures:
    year: int
    schools: int
    org_coverage: Rate
    work_coverage: Rate
    orgs: int
    committees: int
    general_branches: int
    branches: int
    standalone: int
    joint_or_attached: int
    hosted_public: int
    hosted_private: int
    combined: Rate
    separate: Rate
    vacant: Rate
    rated: int
    five_star: int
    demo_schools: int
    demo_new: int
    members: int
    members_start: int
    net_growth: int
    growth: Rate
    admitted: int
    staff: int
    per_100_staff: Rate
    backbone: Rate


@dataclass(frozen=True)
class Headline:
    current: YearFigures | None
    previous: YearFigures | None


def _year_figures(cov: dict | None, orgs: dict | None, mem: dict | None, demo: dict | None,
                  year: int) -> YearFigures | None:
    if cov is None or not cov["schools"]:
        return None
    orgs = orgs or {}
    mem = mem or {}
    demo = demo or {}
    g = lambda d, k: int(d.get(k) or 0)  # noqa: E731 - a missing aggregate is zero of that thing
    hosted = g(orgs, "hosted")
    return YearFigures(
        year=year,
        schools=cov["schools"],
        org_coverage=Rate(cov["org_covered"], cov["schools"]),
        work_coverage=Rate(cov["work_covered"], cov["schools"]),
        orgs=g(orgs, "orgs"), committees=g(orgs, "committees"),
        general_branches=g(orgs, "general_branches"), branches=g(orgs, "branches"),
        standalone=g(orgs, "standalone"), joint_or_attached=g(orgs, "joint") + g(orgs, "attached"),
        hosted_public=g(orgs, "hosted_public"), hosted_private=g(orgs, "hosted_private"),
        combined=Rate(g(orgs, "combined"), hosted), separate=Rate(g(orgs, "separate"), hosted),
        vacant=Rate(g(orgs, "vacant"), hosted),
        rated=g(orgs, "rated"), five_star=g(orgs, "five_star"),
        demo_schools=g(demo, "schools"), demo_new=g(demo, "new_schools"),
        members=g(mem, "members_end"), members_start=g(mem, "members_start"),
        net_growth=g(mem, "net_growth"), growth=Rate(g(mem, "net_growth"), g(mem, "members_start")),
        admitted=g(mem, "admitted"), staff=g(mem, "staff"),
        per_100_staff=Rate(g(mem, "members_end"), g(mem, "staff"), unit=""),
        backbone=Rate(g(mem, "admitted_backbone"), g(mem, "admitted")),
    )


def by_year_frames(get: Getter, scope: Scope) -> dict[str, pd.DataFrame]:
    return {
        "coverage": get("coverage_by_year", scope),
        "orgs": get("orgs_by_year", scope),
        "members": get("members_by_year", scope),
        "demo": get("honors_by_year", scope, kind="党建示范校"),
    }


def headline(get: Getter, scope: Scope) -> Headline:
    frames = by_year_frames(get, scope)

    def for_year(y: int) -> YearFigures | None:
        return _year_figures(*(row_for_year(frames[k], y) for k in ("coverage", "orgs", "members", "demo")), y)

    return Headline(for_year(scope.year), for_year(scope.year - 1))
