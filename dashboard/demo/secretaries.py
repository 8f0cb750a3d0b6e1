"""When each organisation's secretary took office (orgs.secretary_appointed_date).

A secretary is appointed when an organisation is founded, when a vacancy is filled, mostly when
the secretary and the principal are separated or combined, and now and then by rotation (县管校聘);
the 2022 reform (党组织领导的校长负责制) brought more. A 书记空缺 year has no date. Drawn from its own
random stream after every other table, which it leaves untouched.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo import arrays
from dashboard.demo import targets as tg
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import BRANCH, VACANT
from dashboard.demo.organisations import REFORM_YEAR

_NEW_IN_FIRST_YEAR = 0.08       # first-year organisations whose secretary took office that year
_TENURE_YEARS = 8               # the others took office up to this many years before
_ROTATION = 0.05                # chance a year of a new secretary, all else equal
_ROTATION_REFORM_YEAR = 0.10
_ON_CHANGE = 0.8                # chance of a new secretary when 一肩挑 and 分设 change places
_NONE = np.iinfo(np.int64).min


def appointed_dates(plan: Plan, orgs, rows: dict[str, np.ndarray], county: np.ndarray, goals: list, srng
                    ) -> pd.Series:
    """The secretary's appointment date for every organisation-year row (NaT while 书记空缺)."""
    years = np.asarray(plan.years)
    n_orgs, n_years = len(orgs), len(years)
    j_of = rows["year"] - plan.y0
    lead = np.full((n_orgs, n_years), -1)
    lead[rows["org"], j_of] = rows["lead"]
    exists = lead >= 0
    vacant = lead == VACANT
    est = orgs.established.astype("datetime64[D]").astype(np.int64)

    def day_in(y: int, which: np.ndarray) -> np.ndarray:
        """A random day of year y for each organisation (not before it was established)."""
        lo = np.maximum(int(arrays.jan1(y).astype(np.int64)), est[which])
        hi = int(arrays.dec31(y).astype(np.int64))
        return lo + np.floor(srng.random(len(which)) * (hi - lo + 1)).astype(np.int64)

    day = np.full((n_orgs, n_years), _NONE)
    # Founding: the first secretary takes office with the organisation (or within weeks).
    later = np.flatnonzero(orgs.first_year > plan.y0)
    end = arrays.dec31(orgs.first_year[later]).astype(np.int64)
    day[later, orgs.first_year[later] - plan.y0] = np.minimum(est[later] + srng.integers(0, 46, len(later)), end)
    # First-year organisations: a few new secretaries that year, the others in office for a while;
    # after the reform, the 党委 and 党总支 secretaries came with it.
    first = np.flatnonzero(orgs.first_year == plan.y0)
    y0_start = int(arrays.jan1(plan.y0).astype(np.int64))
    new_now = (srng.random(len(first)) < _NEW_IN_FIRST_YEAR) | (est[first] >= y0_start)
    lo = np.maximum(est[first], int(arrays.jan1(plan.y0 - _TENURE_YEARS).astype(np.int64)))
    hi = np.full(len(first), y0_start - 1)
    if plan.y0 > REFORM_YEAR:
        larger = orgs.type[first] != BRANCH
        lo = np.where(larger, np.maximum(est[first], int(arrays.jan1(REFORM_YEAR).astype(np.int64))), lo)
        hi = np.where(larger, int(arrays.dec31(REFORM_YEAR).astype(np.int64)), hi)
    before = lo + np.floor(srng.random(len(first)) * np.maximum(hi - lo + 1, 1)).astype(np.int64)
    day[first, 0] = np.where(new_now, day_in(plan.y0, first), before)

    # Later years: vacancies filled, arrangements changed, rotation.
    for j in range(1, n_years):
        both = exists[:, j] & exists[:, j - 1] & ~vacant[:, j]
        p = np.where(vacant[:, j - 1], 1.0,
                     np.where(lead[:, j] != lead[:, j - 1], _ON_CHANGE,
                              _ROTATION_REFORM_YEAR if years[j] == REFORM_YEAR else _ROTATION))
        new = np.flatnonzero(both & (srng.random(n_orgs) < p))
        day[new, j] = day_in(int(years[j]), new)
    # A year spent vacant has no secretary; the next one comes when the vacancy is filled.
    day[vacant] = _NONE

    for goal in goals:
        if goal.target.new_secretaries is not None:
            _meet_new_secretaries(plan, goal, day, exists & ~vacant, vacant, county, est, srng)

    held = np.maximum.accumulate(day, axis=1)[rows["org"], j_of]
    missing = vacant[rows["org"], j_of] | (held == _NONE)
    out = np.where(missing, 0, held).astype("datetime64[D]").astype("datetime64[s]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out)


def _meet_new_secretaries(plan: Plan, goal, day, serving, vacant, county, est, srng) -> None:
    """Appointments in the goal's county and year made as many as quoted: some move to an earlier
    year (in the first year) or do not happen (later: the secretary stays on); others are added."""
    j = goal.year - plan.y0
    start = int(arrays.jan1(goal.year).astype(np.int64))
    mine = serving[:, j] & (county == goal.county)
    new = mine & (day[:, j] >= start)
    # Founded that year or filling a vacancy: that appointment cannot move.
    forced = new & ((est >= start) | (vacant[:, j - 1] if j > 0 else False))
    surplus = int(new.sum()) - goal.target.new_secretaries
    if surplus > 0:
        drop = tg.pick(srng, np.flatnonzero(new & ~forced), surplus, "当年新任书记")
        if j == 0:
            day[drop, 0] = np.maximum(est[drop], start - 1 - srng.integers(30, 365 * 4, len(drop)))
        else:
            day[drop, j] = _NONE
    elif surplus < 0:
        add = tg.pick(srng, np.flatnonzero(mine & ~new), -surplus, "当年新任书记")
        day[add, j] = start + srng.integers(0, 365, len(add))
