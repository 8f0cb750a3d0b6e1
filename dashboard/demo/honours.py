"""Honours: 党建示范校 and 一校一品 for schools, 先进基层党组织 and 最强党支部 for organisations."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo import arrays
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import (
    ADVANCED, BRAND, BRANCH, CITY, COMMITTEE, COUNTY, DEMO, GENERAL, LEVELS_TO_COUNTY, NATIONAL, OWN, PROVINCIAL,
    STRONGEST,
)
from dashboard.demo.schools import Schools

HONOUR_KEYS = ("school", "org", "kind", "level", "year", "revoked")
# 最强党支部 is a campaign that starts in the third year.
_STRONGEST_FROM_YEAR = 2


def honours(plan: Plan, schools: Schools, history, rng) -> dict[str, np.ndarray]:
    """Every award: HONOUR_KEYS arrays (school or org -1 where not that kind; revoked -1: never)."""
    y0, y1 = plan.y0, plan.y1
    o = history.orgs
    host = o.host
    top = o.parent < 0
    first = o.first_year
    otype, formation = o.type, o.formation
    recs = []  # (school, org, kind, level, year, revoked)

    def add(school, org, kind, level, year, revoked=None):
        k = len(school)
        recs.append((np.asarray(school), np.asarray(org), np.full(k, kind), np.asarray(level),
                     np.asarray(year), np.full(k, -1) if revoked is None else np.asarray(revoked)))

    # 党建示范校: the published number of schools hold one as of the first year, never revoked;
    # schools are picked among organisation hosts, larger organisations more often.
    hosts0 = np.flatnonzero(top & (first == y0))
    w = np.select([otype[hosts0] == COMMITTEE, otype[hosts0] == GENERAL, formation[hosts0] == OWN],
                  [8.0, 5.0, 2.0], 0.5) * np.where(schools.private[host[hosts0]], 0.3, 1.0)
    chosen = host[hosts0[arrays.weighted_pick(rng, w, plan.scaled("demo_schools"))]]
    k = len(chosen)
    level = np.where(rng.random(k) < 0.7, COUNTY, CITY)
    year = rng.integers(y0 - 3, y0 + 1, k)
    add(chosen, np.full(k, -1), DEMO, level, year)
    up = (rng.random(k) < 0.35) & (year < y0)
    level_up = np.maximum(level[up] - 1, PROVINCIAL)  # one level higher, 省级 at most
    add(chosen[up], np.full(up.sum(), -1), DEMO, level_up, rng.integers(year[up] + 1, y0 + 1))
    best = np.full(len(schools), -1)  # each school's highest demonstration level held (-1: none)
    best[chosen] = level
    best[chosen[up]] = level_up

    for y in plan.years:
        alive = np.flatnonzero(top & (first <= y))
        host_y = history.host_in(y)
        cand = np.unique(host_y[alive])
        if y > y0:
            fresh = cand[best[cand] < 0]
            k = min(len(fresh), int(round(0.009 * plan.n)) + int(rng.integers(0, 3)))
            pick = rng.choice(fresh, size=k, replace=False)
            level = np.where(rng.random(k) < 0.8, COUNTY, CITY)
            revoked = np.where(rng.random(k) < 0.04, y + rng.integers(1, 4, k), -1)
            revoked = np.where(revoked > y1, -1, revoked)
            add(pick, np.full(k, -1), DEMO, level, np.full(k, y), revoked)
            best[pick] = np.where(revoked < 0, level, best[pick])
            held = np.flatnonzero(best > NATIONAL)
            up = held[rng.random(len(held)) < np.where(best[held] == PROVINCIAL, 0.01, 0.07)]
            add(up, np.full(len(up), -1), DEMO, best[up] - 1, np.full(len(up), y))
            best[up] -= 1

        # 一校一品 brands, recognised at a level.
        k = min(len(cand), int(round(0.008 * plan.n)) + 1)
        pick = rng.choice(cand, size=k, replace=False)
        add(pick, np.full(k, -1), BRAND, rng.choice(LEVELS_TO_COUNTY, size=k, p=[0.01, 0.09, 0.35, 0.55]),
            np.full(k, y))

        # Organisation titles: 先进基层党组织 every year, 最强党支部 from the campaign's start.
        k = min(len(alive), int(round(0.02 * len(alive))) + 1)
        pick = rng.choice(alive, size=k, replace=False)
        add(np.where(rng.random(k) < 0.5, host_y[pick], -1), pick, ADVANCED,
            rng.choice(LEVELS_TO_COUNTY, size=k, p=[0.01, 0.09, 0.30, 0.60]), np.full(k, y))
        if y >= y0 + _STRONGEST_FROM_YEAR:
            branches = np.flatnonzero((first <= y) & (otype == BRANCH))
            k = min(len(branches), int(round(0.03 * len(branches))) + 1)
            pick = rng.choice(branches, size=k, replace=False)
            add(np.where(rng.random(k) < 0.6, host_y[pick], -1), pick, STRONGEST,
                rng.choice([CITY, COUNTY], size=k, p=[0.3, 0.7]), np.full(k, y))

    school, org, kind, level, year, revoked = (np.concatenate(x) for x in zip(*recs))
    # A school holds a demonstration title or a brand once per level (organisations may be
    # honoured again in another year).
    key = pd.DataFrame({"s": school, "o": org, "k": kind, "l": level})
    keep = ~(key.duplicated().to_numpy() & ((kind == DEMO) | (kind == BRAND)))
    school, org, kind, level, year, revoked = (a[keep] for a in (school, org, kind, level, year, revoked))
    order = np.lexsort((school, kind, year))
    return {"school": school[order], "org": org[order], "kind": kind[order],
            "level": level[order], "year": year[order], "revoked": revoked[order]}
