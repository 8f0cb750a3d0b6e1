"""Honours: 党建示范校 and 一校一品 for schools, 先进基层党组织 and 最强党支部 for organisations."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo import arrays
from dashboard.demo import targets as tg
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import (
    ADVANCED, BRAND, BRANCH, CITY, COMMITTEE, COUNTY, DEMO, GENERAL, LEVELS_TO_COUNTY, NATIONAL, OWN, PROVINCIAL,
    STRONGEST, SYSTEM,
)
from dashboard.demo.schools import Schools

HONOUR_KEYS = ("school", "org", "kind", "level", "year", "revoked")
# 最强党支部 is a campaign that starts in the third year.
_STRONGEST_FROM_YEAR = 2


def honours(plan: Plan, schools: Schools, history, goals: list, rng, crng) -> dict[str, np.ndarray]:
    """Every award: HONOUR_KEYS arrays (school or org -1 where not that kind; revoked -1: never)."""
    y0, y1 = plan.y0, plan.y1
    o = history.orgs
    host = o.host
    top = o.parent < 0
    first = o.first_year
    last = o.last_year
    # Schools of a county whose demonstration schools of a year are quoted: the generic draws
    # leave them out that year, the quotas award them.
    quoted_demo = {y: np.isin(schools.county, [g.county for g in goals if y in g.target.demo_years])
                   for y in plan.years}
    otype, formation = o.type, o.formation
    recs = []  # (school, org, kind, level, year, revoked)

    def add(school, org, kind, level, year, revoked=None):
        k = len(school)
        recs.append((np.asarray(school), np.asarray(org), np.full(k, kind), np.asarray(level),
                     np.asarray(year), np.full(k, -1) if revoked is None else np.asarray(revoked)))

    # 党建示范校: the published number of schools hold one as of the first year, never revoked;
    # schools are picked among organisation hosts, larger organisations more often.
    hosts0 = np.flatnonzero(top & (first == y0) & ~quoted_demo[y0][host])
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
        alive = np.flatnonzero(top & (first <= y) & (last >= y))
        host_y = history.host_in(y)
        cand = np.unique(host_y[alive])
        goals_y = tg.for_year(goals, y)
        if y > y0:
            fresh = cand[(best[cand] < 0) & ~quoted_demo[y][cand]]
            k = min(len(fresh), int(round(0.009 * plan.n)) + int(rng.integers(0, 3)))
            pick = rng.choice(fresh, size=k, replace=False)
            level = np.where(rng.random(k) < 0.8, COUNTY, CITY)
            revoked = np.where(rng.random(k) < 0.04, y + rng.integers(1, 4, k), -1)
            revoked = np.where(revoked > y1, -1, revoked)
            add(pick, np.full(k, -1), DEMO, level, np.full(k, y), revoked)
            best[pick] = np.where(revoked < 0, level, best[pick])
            held = np.flatnonzero((best > NATIONAL) & ~quoted_demo[y])
            up = held[rng.random(len(held)) < np.where(best[held] == PROVINCIAL, 0.01, 0.07)]
            add(up, np.full(len(up), -1), DEMO, best[up] - 1, np.full(len(up), y))
            best[up] -= 1
        for goal in goals:
            quota = {lv: k for (yy, lv), k in goal.target.demo_awards.items() if yy == y}
            if quota:
                _award_demo(goal, y, tg.level_quota(quota), cand, schools, best, recs, add, crng)

        # 一校一品 brands, recognised at a level.
        branded = [g for g in goals_y if g.target.brands]
        pool = cand[~np.isin(schools.county[cand], [g.county for g in branded])] if branded else cand
        k = min(len(cand), int(round(0.008 * plan.n)) + 1)
        pick = rng.choice(pool, size=min(k, len(pool)), replace=False)
        add(pick, np.full(len(pick), -1), BRAND,
            rng.choice(LEVELS_TO_COUNTY, size=len(pick), p=[0.01, 0.09, 0.35, 0.55]), np.full(len(pick), y))
        for goal in branded:
            mine = cand[schools.county[cand] == goal.county]
            for level, k in tg.level_quota(goal.target.brands).items():
                free = mine[~_holds(recs, mine, BRAND, level)]
                chosen = tg.pick(crng, free, k, "一校一品品牌")
                add(chosen, np.full(k, -1), BRAND, np.full(k, level), np.full(k, y))

        # Organisation titles: 先进基层党组织 every year, 最强党支部 from the campaign's start.
        k = min(len(alive), int(round(0.02 * len(alive))) + 1)
        pick = rng.choice(alive, size=k, replace=False)
        add(np.where(rng.random(k) < 0.5, host_y[pick], -1), pick, ADVANCED,
            rng.choice(LEVELS_TO_COUNTY, size=k, p=[0.01, 0.09, 0.30, 0.60]), np.full(k, y))
        strongest = [g for g in goals_y if g.target.strongest]
        if y >= y0 + _STRONGEST_FROM_YEAR:
            branches = np.flatnonzero((first <= y) & (last >= y) & (otype == BRANCH))
            if strongest:
                branches = branches[~np.isin(schools.county[host_y[branches]], [g.county for g in strongest])]
            k = min(len(branches), int(round(0.03 * len(branches))) + 1)
            pick = rng.choice(branches, size=k, replace=False)
            add(np.where(rng.random(k) < 0.6, host_y[pick], -1), pick, STRONGEST,
                rng.choice([CITY, COUNTY], size=k, p=[0.3, 0.7]), np.full(k, y))
        for goal in strongest:
            mine = np.flatnonzero((first <= y) & (last >= y) & top & (otype == BRANCH)
                                  & (schools.county[host_y] == goal.county))
            _award_strongest(goal, mine, host_y, add, crng)

    school, org, kind, level, year, revoked = (np.concatenate(x) for x in zip(*recs))
    # A school holds a demonstration title or a brand once per level (organisations may be
    # honoured again in another year).
    key = pd.DataFrame({"s": school, "o": org, "k": kind, "l": level})
    keep = ~(key.duplicated().to_numpy() & ((kind == DEMO) | (kind == BRAND)))
    school, org, kind, level, year, revoked = (a[keep] for a in (school, org, kind, level, year, revoked))
    order = np.lexsort((school, kind, year))
    return {"school": school[order], "org": org[order], "kind": kind[order],
            "level": level[order], "year": year[order], "revoked": revoked[order]}


def _holds(recs: list, schools: np.ndarray, kind: int, level: int) -> np.ndarray:
    """Whether each school has been awarded this kind at this level already (revoked or not)."""
    if not recs:
        return np.zeros(len(schools), bool)
    school, _, k, lv = (np.concatenate([r[i] for r in recs]) for i in range(4))
    return np.isin(schools, school[(k == kind) & (lv == level)])


def _award_demo(goal, y: int, quota: dict[int, int], cand: np.ndarray, schools: Schools, best: np.ndarray,
                recs: list, add, crng) -> None:
    """The quoted 党建示范校 awards of a county's year: 县级 to schools holding none yet, higher
    levels first to the county's demonstration schools one level below (an upgrade), then to others."""
    mine = cand[schools.county[cand] == goal.county]
    for level in sorted(quota):  # highest first: an upgrade must not take a school awarded below this year
        k = quota[level]
        free = mine[~_holds(recs, mine, DEMO, level) & ((best[mine] < 0) | (best[mine] > level))]
        below = free[best[free] == level + 1]
        up = tg.pick(crng, below, min(len(below), k // 2), "升级的示范校")
        rest = tg.pick(crng, np.setdiff1d(free[best[free] < 0], up), k - len(up), f"{y}年新增示范校")
        chosen = np.sort(np.r_[up, rest])
        add(chosen, np.full(k, -1), DEMO, np.full(k, level), np.full(k, y))
        best[chosen] = level
        mine = mine[~np.isin(mine, chosen)]


def _award_strongest(goal, branches: np.ndarray, host_y: np.ndarray, add, crng) -> None:
    """The quoted 最强党支部 of a county's year, nested: each level's among the level below's."""
    pool = branches
    for level, k in sorted(tg.level_quota(goal.target.strongest).items(), reverse=True):  # 系统级 first
        chosen = tg.pick(crng, pool, k, "最强党支部")
        # Most name the school too, as the generic awards do.
        school = np.where(crng.random(k) < 0.6, host_y[chosen], -1)
        add(school, chosen, STRONGEST, np.full(k, level), np.full(k, goal.year))
        pool = chosen


# Of a year's 党支部, the share the education system names 最强党支部 itself (系统级), and of its
# top-level organisations the share it names 先进基层党组织.
_SYSTEM_STRONGEST_SHARE = 0.04
_SYSTEM_ADVANCED_SHARE = 0.015


def system_honours(plan: Plan, schools: Schools, history, goals: list, hrng) -> dict[str, np.ndarray]:
    """Awards of the education system's own Party committee (系统级): 最强党支部 and 先进基层党组织
    from the second year on, drawn from their own stream (they come after every other award).
    A county whose 最强党支部 of a year are quoted gets only the quoted ones that year."""
    o = history.orgs
    top = o.parent < 0
    quoted = {(g.county, g.year) for g in goals if g.target.strongest}
    recs = []
    for y in plan.years[1:]:
        host_y = history.host_in(y)
        alive = (o.first_year <= y) & (o.last_year >= y) & top
        county = schools.county[host_y]
        not_quoted = ~np.isin(county, [c for c, yy in quoted if yy == y])
        for kind, share, pool in ((STRONGEST, _SYSTEM_STRONGEST_SHARE, alive & (o.type == BRANCH)),
                                  (ADVANCED, _SYSTEM_ADVANCED_SHARE, alive)):
            cand = np.flatnonzero(pool & not_quoted)
            k = min(len(cand), int(round(share * len(cand))))
            pick = np.sort(hrng.choice(cand, size=k, replace=False))
            school = np.where(hrng.random(k) < 0.6, host_y[pick], -1)
            recs.append((school, pick, np.full(k, kind), np.full(k, SYSTEM), np.full(k, y), np.full(k, -1)))
    if not recs:
        return {key: np.array([], dtype=np.int64) for key in HONOUR_KEYS}
    return dict(zip(HONOUR_KEYS, (np.concatenate(x).astype(np.int64) for x in zip(*recs))))
