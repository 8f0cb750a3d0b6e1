"""Schools: those open in the first year (the calibration's stage mix), closures, and newcomers."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard import rules
from dashboard.demo import arrays
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import COMP, GROUPED, JUN, KG, NINE, PRI, SEN, SPE, TOWN, URBAN, VOC, by_stage
from dashboard.demo.regions import Regions, Townships, build_townships

# Staff of a school by stage (rows) and locale (城区, 镇区, 乡村).
STAFF_LO = by_stage({
    "幼儿园": [15, 10, 10], "小学": [45, 28, 20], "初中": [80, 50, 40], "九年一贯制学校": [70, 45, 40],
    "高中": [150, 100, 100], "完全中学": [120, 100, 100], "十二年一贯制学校": [150, 120, 100],
    "中等职业学校": [80, 70, 60], "特殊教育学校": [20, 20, 20]})
STAFF_HI = by_stage({
    "幼儿园": [40, 30, 18], "小学": [80, 65, 40], "初中": [150, 120, 80], "九年一贯制学校": [140, 110, 80],
    "高中": [300, 220, 180], "完全中学": [260, 200, 180], "十二年一贯制学校": [300, 240, 200],
    "中等职业学校": [220, 160, 120], "特殊教育学校": [50, 45, 40]})

# The calibration's stage groups, as the stage each group's schools start with.
_STAGE_OF_GROUP = np.array([KG, PRI, JUN, SEN, VOC, SPE])
_PRIVATE_SHARE = by_stage({"幼儿园": 0.20, "小学": 0.03, "初中": 0.04, "九年一贯制学校": 0.10, "高中": 0.08,
                           "完全中学": 0.05, "十二年一贯制学校": 0.05, "中等职业学校": 0.15, "特殊教育学校": 0.0})
# Chance of 城区, 镇区, 乡村 by stage.
_LOCALE_SHARE = by_stage({
    "幼儿园": [0.25, 0.45, 0.30], "小学": [0.15, 0.30, 0.55], "初中": [0.20, 0.60, 0.20],
    "九年一贯制学校": [0.10, 0.45, 0.45], "高中": [0.60, 0.40, 0.00], "完全中学": [0.50, 0.50, 0.00],
    "十二年一贯制学校": [0.60, 0.40, 0.00], "中等职业学校": [0.90, 0.10, 0.00], "特殊教育学校": [1.00, 0.00, 0.00]})
_PRIVATE_KG_LOCALE_SHARE = [0.60, 0.35, 0.05]
# Years a first-year school may have opened in, by stage (private schools from 1998).
_OPENED_FROM = by_stage({"幼儿园": 1978, "小学": 1950, "初中": 1956, "九年一贯制学校": 1960, "高中": 1950,
                         "完全中学": 1952, "十二年一贯制学校": 1990, "中等职业学校": 1975, "特殊教育学校": 1988})
_OPENED_TO = by_stage({"幼儿园": 2017, "小学": 2012, "初中": 2010, "九年一贯制学校": 2015, "高中": 1995,
                       "完全中学": 1990, "十二年一贯制学校": 2010, "中等职业学校": 2008, "特殊教育学校": 2014})
_PRIVATE_OPENED_FROM = 1998


@dataclass(frozen=True)
class Schools:
    """One entry per school (the first year's, then every school ever open), by code."""
    county: np.ndarray
    stage: np.ndarray
    locale: np.ndarray
    township: np.ndarray
    private: np.ndarray     # bool
    staff: np.ndarray       # staff in a normal year (each year drifts around it)
    opened: np.ndarray
    closed: np.ndarray      # -1: still open

    def __len__(self) -> int:
        return len(self.county)


@dataclass(frozen=True)
class Newcomers:
    """Schools opened after the first year: school `first + i` is newcomer i."""
    first: int
    lag: np.ndarray         # years without an organisation (未覆盖 or 党建指导员) before one covers it
    uncovered: np.ndarray   # bool: 未覆盖 rather than 党建指导员 while it waits
    match: np.ndarray       # the joint or attached group it would join (-1: none with room)

    def __len__(self) -> int:
        return len(self.lag)

    @property
    def schools(self) -> np.ndarray:
        return self.first + np.arange(len(self))


def draw_staff(rng, stage, locale, private) -> np.ndarray:
    lo, hi = STAFF_LO, STAFF_HI
    u = (rng.random(len(stage)) + rng.random(len(stage))) / 2
    staff = lo[stage, locale] + u * (hi[stage, locale] - lo[stage, locale])
    staff = np.where(private, np.maximum(staff * 0.85, lo[stage, locale] * 0.9), staff)
    return np.maximum(np.rint(staff), 5).astype(np.int64)


def first_year_schools(plan: Plan, regions: Regions, rng) -> tuple[Schools, Townships]:
    """The schools open in the first year, with the calibration's stage mix exactly, and the
    townships they lie in."""
    n = plan.n
    fy = plan.calibration.first_year
    group_totals = arrays.alloc(n, fy.stage_groups)
    county_parts, group_parts = [], []
    for g, total in enumerate(group_totals):
        per_county = arrays.alloc(int(total), regions.weight)
        county_parts.append(np.repeat(np.arange(regions.K), per_county))
        group_parts.append(np.full(int(total), g))
    county = np.concatenate(county_parts)
    group = np.concatenate(group_parts)
    order = np.lexsort((group, county))
    county, group = county[order], group[order]
    stage = _STAGE_OF_GROUP[group]
    # Exact sub-stage counts: some junior-type schools are 九年一贯制, some senior-type 完全中学.
    for parent, child, share in ((JUN, NINE, fy.nine_year_share), (SEN, COMP, fy.complete_share)):
        idx = np.flatnonzero(stage == parent)
        k = int(round(len(idx) * share))
        stage[rng.choice(idx, size=k, replace=False)] = child

    private = rng.random(n) < _PRIVATE_SHARE[stage]
    locale_share = plan.calibration.locale_share
    probs = _LOCALE_SHARE[stage].copy() if locale_share is None else np.tile(locale_share, (n, 1))
    probs[private & (stage == KG)] = _PRIVATE_KG_LOCALE_SHARE
    locale = arrays.draw(rng, probs)
    staff = draw_staff(rng, stage, locale, private)
    lo_s, hi_s = _OPENED_FROM[stage], _OPENED_TO[stage]
    lo_s = np.where(private, np.maximum(lo_s, _PRIVATE_OPENED_FROM), lo_s)
    hi_s = np.minimum(hi_s, plan.y0 - 1)
    lo_s = np.minimum(lo_s, hi_s)
    opened = lo_s + np.floor(rng.random(n) * (hi_s - lo_s + 1)).astype(np.int64)

    towns = build_townships(regions, county, rng)
    township = towns.place(rng, county, locale)
    return Schools(county=county, stage=stage, locale=locale, township=township, private=private, staff=staff,
                   opened=opened, closed=np.full(n, -1, dtype=np.int64)), towns


def later_schools(plan: Plan, regions: Regions, towns: Townships, schools: Schools, role: np.ndarray,
                  groups, rng) -> tuple[Schools, Newcomers, np.ndarray]:
    """Closures and newcomers after the first year: every school ever open, the newcomers' paths to
    coverage, and which joint or attached groups lose a school."""
    n, y0, y1 = plan.n, plan.y0, plan.y1
    # Closures: small non-host schools in groups of three or more, one per group, so a joint
    # organisation never drops below two schools.
    gs = np.flatnonzero(role == GROUPED)
    is_host = np.zeros(n, bool)
    is_host[groups.host] = True
    close_group = np.zeros(groups.G, bool)
    closed = schools.closed.copy()
    if y1 >= y0 + 2:
        eligible_groups = np.flatnonzero(groups.sizes >= 3)
        k = min(len(eligible_groups), int(round(0.012 * n)))
        chosen = rng.choice(eligible_groups, size=k, replace=False)
        close_group[chosen] = True
        cand = gs[~is_host[gs] & close_group[groups.of[gs]]]
        cand = cand[np.lexsort((rng.random(len(cand)), groups.of[cand]))]
        closing = cand[arrays.first_of_groups(groups.of[cand])]
        # Not before the second year: first-year members are the published figure.
        closed[closing] = rng.integers(y0 + 2, y1 + 1, len(closing))

    # New schools, mostly urban kindergartens and primaries; each of the last three years gets
    # some, so recent years show schools not yet covered.
    first_open = y0 + 2
    if y1 >= first_open:
        last_years = np.arange(max(first_open, y1 - 2), y1 + 1)
        k = max(len(last_years) * 2, int(round(0.015 * n)))
        year = np.r_[np.repeat(last_years, 2), rng.integers(first_open, y1 + 1, k - 2 * len(last_years))]
        year = np.sort(year)
    else:
        year = np.array([], dtype=np.int64)
    k = len(year)
    stage = rng.choice([KG, PRI, JUN, NINE, SEN, SPE], size=k, p=[0.55, 0.25, 0.08, 0.05, 0.04, 0.03])
    county = rng.choice(regions.K, size=k, p=regions.weight / regions.weight.sum())
    locale = rng.choice(3, size=k, p=[0.6, 0.3, 0.1])  # 城区, 镇区, 乡村
    private = rng.random(k) < np.where(stage == KG, 0.4, 0.08)
    staff = draw_staff(rng, stage, locale, private)
    # Coverage path: lag years without an organisation (未覆盖 or 党建指导员), then a group or own org.
    lag = rng.choice(3, size=k, p=[0.3, 0.5, 0.2])
    recent = year >= y1 - 2
    lag = np.where(recent, np.maximum(lag, 1), lag)
    uncovered = rng.random(k) < 0.4
    first_of_year = np.r_[True, year[1:] != year[:-1]] if k else np.array([], bool)
    uncovered |= first_of_year

    # Match each new school to a group in its county with room (at most one newcomer per group).
    cand = np.flatnonzero(groups.sizes < rules.JOINT_MAX_SCHOOLS)
    cand_county = groups.county[cand]
    cand = cand[np.lexsort((rng.random(len(cand)), cand_county))]
    cand_county = groups.county[cand]
    c_start = np.searchsorted(cand_county, np.arange(regions.K))
    c_count = np.bincount(cand_county, minlength=regions.K)
    o = np.lexsort((year, county))
    rank = np.empty(k, dtype=np.int64)
    rank[o] = arrays.rank_in_groups(county[o])
    ok = rank < c_count[county]
    match = np.where(ok, cand[np.minimum(c_start[county] + rank, len(cand) - 1)], -1) if len(cand) else \
        np.full(k, -1)
    # A newcomer with no group to join waits a year for its own branch or an adviser.
    lag = np.where((lag == 0) & (match < 0), 1, lag)
    # A newcomer that will join a group is a neighbour: it opens in its host's township.
    township = towns.place(rng, county, locale)
    joins = match >= 0
    township[joins] = schools.township[groups.host[match[joins]]]
    street = towns.is_street[township]
    locale = np.where(street, URBAN, np.where(locale == URBAN, TOWN, locale))

    everyone = Schools(
        county=np.r_[schools.county, county], stage=np.r_[schools.stage, stage],
        locale=np.r_[schools.locale, locale], township=np.r_[schools.township, township],
        private=np.r_[schools.private, private], staff=np.r_[schools.staff, staff],
        opened=np.r_[schools.opened, year], closed=np.r_[closed, np.full(k, -1)],
    )
    return everyone, Newcomers(first=n, lag=lag, uncovered=uncovered, match=match), close_group

