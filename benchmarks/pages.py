"""What each page asks of the data layer, and the filter changes the benchmark makes.

The lists mirror dashboard/pages/*.py and the filter bar (dashboard/filters.py, run before every
page): each entry is one data.query call the page makes on a filter change. A query a page asks
for twice (members_by_year on 党员发展) is listed once, as data.py's cache answers the second.
Keep them in step with the pages: the worker records which queries each page really runs
(in AppTest) and the report names any difference.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from dashboard import contract
from dashboard.scope import Scope

DEMO = "党建示范校"
BRAND = "一校一品"


@dataclass(frozen=True)
class Call:
    """One data.query call: the query, whether it takes the scope, and its other parameters."""
    name: str
    scoped: bool = True
    extra: dict = field(default_factory=dict)

    def params(self, scope: Scope, school_id: str | None = None) -> dict:
        visible = list(scope.visible_counties)
        if self.name == "available_years":
            return {}
        if self.name == "counties":
            return {"visible": visible}
        if self.name == "townships":
            return {"county": scope.county, "visible": visible}
        if self.name == "school_search":
            return {"text": None, "visible": visible}
        if not self.scoped:
            return {"school_id": school_id, "visible": visible}
        return {**scope.params(), **self.extra}


HEADLINE = [Call("coverage_by_year"), Call("orgs_by_year"), Call("members_by_year"),
            Call("honors_by_year", extra={"kind": DEMO})]

PAGES: dict[str, tuple[str, list[Call]]] = {
    "overview": ("总览", HEADLINE + [
        Call("coverage_by_county"), Call("orgs_by_county"), Call("members_by_county"),
        Call("honors_by_county", extra={"kind": DEMO})]),
    "coverage": ("组织覆盖", HEADLINE + [
        Call("coverage_by_county"), Call("coverage_by_stage"), Call("orgs_by_type_formation"),
        Call("schools_not_covered"), Call("schools_needing_own_org")]),
    "leadership": ("一肩挑", HEADLINE + [
        Call("orgs_by_county"), Call("leadership_by_stage"), Call("leadership_by_org_type"), Call("org_list", extra={"limit": 5000})]),
    "demonstration": ("示范创建", [
        Call("honors_by_year", extra={"kind": DEMO}), Call("honors_by_year", extra={"kind": BRAND}),
        Call("star_ratings"), Call("orgs_by_year"), Call("honors_by_county", extra={"kind": DEMO}),
        Call("org_honors_by_year")]),
    "members": ("党员发展", HEADLINE + [Call("members_by_county")]),
    "school_profile": ("学校画像", [
        Call("school_search", scoped=False), Call("school_info", scoped=False),
        Call("school_history", scoped=False), Call("school_honors", scoped=False)]),
    "action_lists": ("问题清单", [
        Call("elections_due"), Call("org_type_mismatch"), Call("schools_needing_own_org"),
        Call("schools_not_covered"), Call("coverage_by_county"), Call("orgs_by_county")]),
}

# The overview page's queries, which the pandas baseline reproduces.
OVERVIEW = PAGES["overview"][1]


def calls(page: str, scope: Scope) -> list[Call]:
    """The filter bar's queries, then the page's."""
    frame = [Call("available_years", scoped=False), Call("counties", scoped=False)]
    if scope.county:
        frame.append(Call("townships", scoped=False))
    return frame + PAGES[page][1]


@dataclass(frozen=True)
class Options:
    """What the filter bar offers on an extract."""
    years: list[int]
    counties: list[str]
    townships: dict[str, list[str]]
    schools: list[str]  # schools for the profile page, one per sample


def options(con) -> Options:
    years = [r[0] for r in con.execute("select distinct year from school_years order by year desc").fetchall()]
    counties = [r[0] for r in con.execute("select county_code from regions order by sort_order, county_code").fetchall()]
    towns: dict[str, list[str]] = {}
    for county, town in con.execute("select distinct county_code, township from schools order by 1, 2").fetchall():
        towns.setdefault(county, []).append(town)
    # Schools that host an organisation have the fullest profiles (history, organisation, awards).
    schools = [r[0] for r in con.execute(
        "select host_school_id from orgs where host_school_id is not null "
        "group by 1 order by hash(host_school_id) limit 50").fetchall()]
    return Options(years, counties, towns, schools)


def scopes(opts: Options, n: int, seed: int = 7) -> list[Scope]:
    """n filter combinations as someone changes filters in a meeting: every other one the whole
    area for some year (the heaviest case), the rest a county, a stage, ownership or locale, alone
    or together, now and then a township. The same seed gives the same sequence."""
    rng = random.Random(seed)
    visible = tuple(opts.counties)
    out = []
    for i in range(n):
        year = opts.years[i % len(opts.years)] if i < len(opts.years) else rng.choice(opts.years)
        if i % 2 == 0:
            out.append(Scope(year=year, visible_counties=visible))
            continue
        county = rng.choice(opts.counties) if rng.random() < 0.6 else None
        township = rng.choice(opts.townships[county]) if county and rng.random() < 0.3 else None
        out.append(Scope(
            year=year, visible_counties=visible, county=county, township=township,
            stage=rng.choice(contract.STAGES) if rng.random() < 0.4 else None,
            ownership=rng.choice(contract.OWNERSHIPS) if rng.random() < 0.3 else None,
            locale=rng.choice(contract.LOCALES) if rng.random() < 0.3 else None))
    return out


def describe(scope: Scope) -> str:
    parts = [str(scope.year)]
    parts += [v for v in (scope.county, scope.township, scope.stage, scope.ownership, scope.locale) if v]
    return "/".join(parts)
