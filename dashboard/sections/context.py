"""What every section needs to know besides the data: the scope, its name, the level it
compares, and the headline figures (computed once, shared by every section of a view)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from dashboard import figures
from dashboard.figures import Getter, Headline
from dashboard.sections.blocks import TEXT, Col
from dashboard.sections.common import change_cells
from dashboard.scope import Scope

CITY, COUNTY, TOWNSHIP, SCHOOL = "city", "county", "township", "school"
# The unit each level compares, as titles name it ("各县区…", "各乡镇(街道)…").
UNIT_WORDS = {CITY: "市", COUNTY: "县区", TOWNSHIP: "乡镇（街道）", SCHOOL: "学校"}


def scope_name(scope: Scope, counties: pd.DataFrame) -> str:
    """The subject of every sentence, title and file name about the scope: "全市", "山阳县",
    "山阳县城关街道公办小学", "商州区、山阳县"… `counties` are the counties the user may see.

    "全市" only for a user who sees every county of a one-city extract ("全辖区" for several
    cities); a user who sees part of it gets those counties named, so no figure claims more
    than it covers."""
    names = dict(zip(counties["county_code"], counties["county_name"]))
    cities = dict(zip(counties["city_code"], counties["city_name"]))
    if scope.county:
        place = names.get(scope.county, scope.county)
    elif scope.city:
        place = cities.get(scope.city, scope.city)
    elif scope.all_visible:
        place = "全市" if len(cities) <= 1 else "全辖区"
    elif not names:
        place = "（无可查看的县区）"
    elif len(names) <= 3:
        place = "、".join(names.values())
    else:
        place = f"{next(iter(names.values()))}等{len(names)}个县区"
    if scope.township:
        place += scope.township
    qualifiers = "".join(q for q in (scope.locale, scope.ownership) if q) + (scope.stage or "")
    # "山阳县城关街道的小学", not "山阳县城关街道小学": a place and a stage run together read as
    # one school's name. "全市小学" reads as it should.
    joint = "的" if qualifiers and place not in ("全市", "全辖区") else ""
    return place + joint + qualifiers


def comparison_level(scope: Scope, counties: pd.DataFrame) -> str:
    """The level every by-unit figure compares (DESIGN §2 "Levels"): the whole extract compares
    its counties (its cities, when it spans several), a city its counties, a county its
    townships, a township its schools."""
    if scope.township:
        return SCHOOL
    if scope.county:
        return TOWNSHIP
    if scope.city or counties["city_code"].nunique() <= 1:
        return COUNTY
    return CITY


@dataclass
class Context:
    """One view: a scope and the means to query it. Sections take it and return plain blocks."""
    get: Getter
    scope: Scope
    counties: pd.DataFrame            # the counties the user may see (query "counties")
    compare_year: int | None = None   # the year cards compare with; None: the year before

    @classmethod
    def of(cls, get: Getter, scope: Scope, compare_year: int | None = None) -> "Context":
        return cls(get, scope, get("counties", None, visible=scope.params()["visible"]), compare_year)

    @functools.cached_property
    def subject(self) -> str:
        return scope_name(self.scope, self.counties)

    @functools.cached_property
    def level(self) -> str:
        return comparison_level(self.scope, self.counties)

    @property
    def unit_word(self) -> str:
        return UNIT_WORDS[self.level]

    @functools.cached_property
    def headline(self) -> Headline:
        return figures.headline(self.get, self.scope, self.compare_year)

    @property
    def year(self) -> int:
        return self.scope.year

    @property
    def multi_unit(self) -> bool:
        """Whether a breakdown by unit says something: more than one county, or below one county
        (its townships or schools)."""
        return self.level != COUNTY or len(self.counties) > 1

    def by_unit(self, name: str, **extra) -> pd.DataFrame:
        """A per-unit query at this view's level."""
        return self.get(name, self.scope, level=self.level, **extra)

    def by_unit_compared(self, name: str, **extra) -> pd.DataFrame | None:
        """The same per-unit query for the year compared; None when that year has no figures."""
        if self.headline.previous is None:
            return None
        return self.get(name, self.scope.with_(year=self.headline.compared), level=self.level, **extra)

    def with_changes(self, table, frame: pd.DataFrame, before: pd.DataFrame | None, value, unit: str):
        """The table's unit rows (then its 合计) with the change on the year compared and the change
        of rank; `value(row)` gives a row's figure (a Rate or a count)."""
        if before is None:
            return table
        codes = list(frame["unit_code"])
        old = {r["unit_code"]: value(r) for _, r in before.iterrows()}
        deltas, moves = change_cells(codes, [value(r) for _, r in frame.iterrows()], old, unit)
        # The 合计 row (after the units) has no rank.
        extra = [[d, m] for d, m in zip(deltas, moves)] + [[None, None]] * (len(table.rows) - len(codes))
        table.columns += [Col("change", f"较{self.headline.since}", TEXT), Col("rank_change", "位次变化", TEXT)]
        table.rows = [row + e for row, e in zip(table.rows, extra)]
        return table

    @property
    def school_word(self) -> str:
        """"中小学校(幼儿园)", or nothing when one stage is chosen ("全市小学…")."""
        return "" if self.scope.stage else "中小学校（幼儿园）"
