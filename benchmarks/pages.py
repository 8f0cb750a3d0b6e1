"""The pages the benchmark measures, the filter changes it makes, and how it records which
queries a page runs.

Nothing here lists a page's queries: the worker runs each page's script (AppTest) after each
filter change and records every data.query call it makes (name, scope, other parameters) and
which of them reached DuckDB (a miss of data.py's cache). Those recorded calls are what the
warm, cold and raw timings replay, so they follow the pages as the pages change.
"""
from __future__ import annotations

import contextlib
import random
from dataclasses import asdict, dataclass, field, fields

from dashboard import contract
from dashboard.scope import Scope

# The pages a filter change redraws (report_export only draws its form until asked; data_admin is
# an administrator's and runs no query). Titles as the navigation shows them.
PAGES = {
    "overview": "总览",
    "coverage": "组织覆盖",
    "leadership": "一肩挑",
    "demonstration": "示范创建",
    "members": "党员发展",
    "school_profile": "学校画像",
    "action_lists": "问题清单",
}
ALL = "全部"
# The filter bar's selects (dashboard/filters.py): widget key -> label, in the bar's order.
FILTER_LABELS = {"year": "年度", "city": "市", "county": "县区", "township": "乡镇（街道）",
                 "stage": "学段", "ownership": "办学性质", "locale": "城乡分类"}


# Filter changes -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """What a user picks in the filter bar (None: 全部); on the profile page, also the school opened."""
    year: int
    city: str | None = None
    county: str | None = None
    township: str | None = None
    stage: str | None = None
    ownership: str | None = None
    locale: str | None = None
    school: str | None = None

    def describe(self) -> str:
        parts = [str(self.year)] + [v for v in (self.city, self.county, self.township, self.stage,
                                                self.ownership, self.locale) if v]
        return "/".join(parts)

    def widgets(self, names: dict[str, str], cities: dict[str, str]) -> dict[str, str]:
        """The filter bar's selects as the browser sends them: label -> the option's label.
        `names` and `cities` map codes to the names the selects show; 市 only when shown."""
        out = {"年度": f"{self.year}年"}
        if len(cities) > 1:
            out["市"] = cities[self.city] if self.city else ALL
        out["县区"] = names[self.county] if self.county else ALL
        out["乡镇（街道）"] = self.township or ALL
        for key in ("stage", "ownership", "locale"):
            out[FILTER_LABELS[key]] = getattr(self, key) or ALL
        return out


@dataclass(frozen=True)
class Options:
    """What the filter bar offers on an extract."""
    years: list[int]
    counties: list[str]                  # in the bar's order
    county_city: dict[str, str]          # county -> city
    county_names: dict[str, str]
    city_names: dict[str, str]
    townships: dict[str, list[str]]
    schools: list[str]                   # schools to open on the profile page, one per change


def options(con) -> Options:
    years = [r[0] for r in con.execute("select distinct year from school_years order by year desc").fetchall()]
    regions = con.execute("select county_code, county_name, city_code, city_name from regions "
                          "order by sort_order, county_code").fetchall()
    towns: dict[str, list[str]] = {}
    for county, town in con.execute("select distinct county_code, township from schools order by 1, 2").fetchall():
        towns.setdefault(county, []).append(town)
    # Schools that host an organisation have the fullest profiles (history, organisation, awards).
    schools = [r[0] for r in con.execute(
        "select host_school_id from orgs where host_school_id is not null "
        "group by 1 order by hash(host_school_id) limit 50").fetchall()]
    return Options(years, [r[0] for r in regions], {r[0]: r[2] for r in regions}, {r[0]: r[1] for r in regions},
                   {r[2]: r[3] for r in regions}, towns, schools)


def changes(opts: Options, n: int, seed: int = 7) -> list[Change]:
    """n filter changes as someone makes them in a meeting: every other one the whole area for
    some year (the heaviest view), the others a city (where there are several), a county, a
    stage, ownership or locale, alone or together, now and then a township. No change repeats
    the view before it (the first, the default view: the newest year, everything). The same seed
    gives the same sequence."""
    rng = random.Random(seed)
    several_cities = len(opts.city_names) > 1
    out: list[Change] = []
    while len(out) < n:
        i = len(out)
        year = opts.years[(i + 1) % len(opts.years)] if i < len(opts.years) else rng.choice(opts.years)
        school = opts.schools[i % len(opts.schools)] if opts.schools else None
        if i % 2 == 0:
            c = Change(year=year, school=school)
        else:
            county = rng.choice(opts.counties) if rng.random() < 0.6 else None
            city = opts.county_city[county] if county and several_cities else None
            if county is None and several_cities and rng.random() < 0.5:
                city = rng.choice(sorted(opts.city_names))
            township = rng.choice(opts.townships[county]) if county and opts.townships.get(county) \
                and rng.random() < 0.3 else None
            c = Change(year=year, city=city, county=county, township=township,
                       stage=rng.choice(contract.STAGES) if rng.random() < 0.4 else None,
                       ownership=rng.choice(contract.OWNERSHIPS) if rng.random() < 0.3 else None,
                       locale=rng.choice(contract.LOCALES) if rng.random() < 0.3 else None, school=school)
        if _view(c) != _view(out[-1] if out else Change(year=opts.years[0])):
            out.append(c)
    return out


def _view(c: Change) -> tuple:
    return tuple(getattr(c, f.name) for f in fields(c) if f.name != "school")


# Recording ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One data.query call: the query, the scope it was given (None for the unscoped ones) and
    its other parameters."""
    name: str
    scope: Scope | None
    extra: tuple = ()            # sorted (key, value) pairs; lists as tuples

    @classmethod
    def of(cls, name: str, scope: Scope | None, extra: dict) -> "Call":
        return cls(name, scope, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in extra.items())))

    @property
    def kwargs(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.extra}

    def params(self) -> dict:
        """The bound parameters, as data.query passes them to the query."""
        return {**(self.scope.params() if self.scope else {}), **self.kwargs}

    @property
    def key(self) -> tuple:
        return self.name, self.scope.key if self.scope else "", self.extra

    def to_json(self) -> dict:
        scope = None
        if self.scope is not None:
            scope = asdict(self.scope)
            scope["visible_counties"] = ("*all*" if self.scope.all_visible and len(self.scope.visible_counties) > 50
                                         else list(self.scope.visible_counties))
        return {"name": self.name, "scope": scope, "extra": self.kwargs}

    @classmethod
    def from_json(cls, d: dict, all_counties: tuple[str, ...]) -> "Call":
        scope = None
        if d["scope"] is not None:
            s = dict(d["scope"])
            s["visible_counties"] = all_counties if s["visible_counties"] == "*all*" else tuple(s["visible_counties"])
            scope = Scope(**s)
        return cls.of(d["name"], scope, d["extra"])


@dataclass
class Recording:
    """The calls a run made, in order, each once (a second identical call is answered by the cache
    within the run); `missed` those that reached DuckDB."""
    calls: list[Call] = field(default_factory=list)
    missed: list[Call] = field(default_factory=list)
    asked: int = 0               # data.query calls, repeats included

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.calls]


@contextlib.contextmanager
def recording():
    """Record every data.query call, and whether it ran the query (db.run_query), while the block
    runs: yields a function returning the Recording so far and starting a new one."""
    from dashboard import data, db

    current = [Recording()]
    seen: set = set()
    executed = [0]
    original_query, original_run = data.query, db.run_query

    def run_query(con, name, **params):
        executed[0] += 1
        return original_run(con, name, **params)

    def query(name, scope=None, **extra):
        before = executed[0]
        out = original_query(name, scope, **extra)
        call = Call.of(name, scope, extra)
        rec = current[0]
        rec.asked += 1
        if call.key not in seen:
            seen.add(call.key)
            rec.calls.append(call)
        if executed[0] > before:
            rec.missed.append(call)
        return out

    def take() -> Recording:
        rec = current[0]
        current[0] = Recording()
        seen.clear()
        return rec

    data.query, db.run_query = query, run_query
    try:
        yield take
    finally:
        data.query, db.run_query = original_query, original_run
