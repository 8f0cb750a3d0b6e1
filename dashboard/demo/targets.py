"""Published events of one county and year (calibration.Target), made exact.

The simulation produces plausible events everywhere; where a calibration quotes a county's year
("新成立1个党总支、7个党支部……"), the steps call these helpers to adjust that county's events to
the quoted numbers with the least change: an election moved a few weeks across the new year, a
star added or an organisation left unrated that year, a promotion brought forward or held back.
They draw from their own random stream, so a jurisdiction without targets is untouched.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard import contract
from dashboard.demo import arrays
from dashboard.demo.calibration import Plan, Target


class CalibrationError(ValueError):
    """A calibration asks for more than the simulated county can give."""


@dataclass(frozen=True)
class Goal:
    target: Target
    county: int             # the county's position in the regions

    @property
    def year(self) -> int:
        return self.target.year


def resolve(plan: Plan, county_codes) -> list[Goal]:
    codes = list(county_codes)
    goals = []
    for t in plan.calibration.targets:
        years = {t.year, *t.demo_years}
        if not years <= set(plan.years):
            raise CalibrationError(f"{t.county}的目标年份{sorted(years)}不在生成的年份范围内")
        # Organisations are founded, and stars awarded, from the second year on.
        if t.year == plan.y0 and (t.established or t.star_rated is not None or t.five_star is not None):
            raise CalibrationError(f"{t.county}：首年的新成立党组织和星级评定不能指定")
        if t.county not in codes:
            raise CalibrationError(f"县区{t.county}不在演示数据的行政区划中")
        goals.append(Goal(t, codes.index(t.county)))
    return goals


def for_year(goals: list[Goal], y: int) -> list[Goal]:
    return [g for g in goals if g.year == y]


def type_quota(quotas: dict[str, int]) -> dict[int, int]:
    """{"党支部": 7} -> {org type code: 7}."""
    return {contract.ORG_TYPES.index(k): v for k, v in quotas.items()}


def level_quota(quotas: dict[str, int]) -> dict[int, int]:
    return {contract.LEVELS.index(k): v for k, v in quotas.items()}


def pick(crng, candidates: np.ndarray, k: int, what: str) -> np.ndarray:
    """k of the candidates at random (their order kept)."""
    if k > len(candidates):
        raise CalibrationError(f"{what}：需要{k}个，只有{len(candidates)}个可选")
    return np.sort(crng.choice(candidates, size=k, replace=False)) if k else candidates[:0]


# ---------------------------------------------------------------------------------------------
# Elections

def meet_elections(goal: Goal, elections: np.ndarray, alive: np.ndarray, in_county: np.ndarray,
                   otype: np.ndarray, founded: np.ndarray, crng) -> None:
    """Move elections (in place: day numbers per organisation and term) so the organisations of each
    type with an election in the goal's year are as many as quoted. Founding counts as the first
    election and is never moved; later elections move with the one moved, keeping the terms."""
    y = goal.year
    start, end = int(arrays.jan1(y).astype(np.int64)), int(arrays.dec31(y).astype(np.int64))
    for t, quota in type_quota(goal.target.elected).items():
        mine = alive & in_county & (otype == t)
        held = ((elections >= start) & (elections <= end)).any(axis=1)
        have = mine & held
        surplus = int(have.sum()) - quota
        if surplus > 0:
            # Held over into the first weeks of the next year.
            movable = np.flatnonzero(have & ~founded)
            for o in pick(crng, movable, surplus, f"{contract.ORG_TYPES[t]}当年换届需推迟"):
                j = np.flatnonzero((elections[o] >= start) & (elections[o] <= end))[0]
                elections[o, j:] += end + int(crng.integers(15, 100)) - elections[o, j]
        elif surplus < 0:
            # Brought forward from early next year: the term is nearly over.
            nxt = np.where(elections > end, elections, np.iinfo(np.int64).max).min(axis=1)
            prev = np.where(elections <= end, elections, np.iinfo(np.int64).min).max(axis=1)
            due = mine & ~held & ~founded & (nxt <= end + 200) & (prev < start - 400)
            cand = np.flatnonzero(due)
            cand = cand[np.argsort(nxt[cand], kind="stable")][:-surplus]
            if len(cand) < -surplus:
                raise CalibrationError(f"{contract.ORG_TYPES[t]}当年换届：需要再提前{-surplus}个，只有{len(cand)}个临近换届")
            for o in cand:
                j = int(np.flatnonzero(elections[o] == nxt[o])[0])
                elections[o, j:] += end - int(crng.integers(0, 60)) - elections[o, j]


# ---------------------------------------------------------------------------------------------
# Stars

def meet_stars(goal: Goal, star: np.ndarray, mine: np.ndarray, crng) -> None:
    """Star ratings (in place) of the county's top-level organisations that year: as many rated and
    five-star as quoted. An organisation left out is unrated that year and rated afresh the next."""
    t = goal.target
    if t.star_rated is not None:
        rated = np.flatnonzero(mine & (star > 0))
        surplus = len(rated) - t.star_rated
        if surplus > 0:
            star[pick(crng, rated[star[rated] < 5], surplus, "不参加星级评定的党组织")] = -1
        elif surplus < 0:
            unrated = np.flatnonzero(mine & (star <= 0))
            star[pick(crng, unrated, -surplus, "参加星级评定的党组织")] = crng.choice([2, 3, 4], size=-surplus)
    if t.five_star is not None:
        rated = np.flatnonzero(mine & (star > 0))
        five = rated[star[rated] == 5]
        surplus = len(five) - t.five_star
        if surplus > 0:
            star[pick(crng, five, surplus, "五星级党组织")] = 4
        elif surplus < 0:
            # The best of the rest gain their fifth star.
            rest = rated[star[rated] < 5]
            rest = rest[np.lexsort((crng.random(len(rest)), -star[rest]))][:-surplus]
            if len(rest) < -surplus:
                raise CalibrationError("五星级党组织：参评的党组织不够")
            star[rest] = 5


# ---------------------------------------------------------------------------------------------
# 双培养

def meet_backbone(goal: Goal, backbone: np.ndarray, admitted: np.ndarray, mine: np.ndarray) -> None:
    """Admissions that were 双培养 (in place) summing to the quoted number in the county, each
    school's share as near its simulated one as the total allows."""
    if goal.target.backbone is None:
        return
    idx = np.flatnonzero(mine)
    if admitted[idx].sum() < goal.target.backbone:
        raise CalibrationError(f"双培养发展党员：需要{goal.target.backbone}名，当年只发展了{admitted[idx].sum()}名")
    backbone[idx] = arrays.alloc_bounded(goal.target.backbone, backbone[idx] + 0.5 * admitted[idx],
                                         np.zeros(len(idx), np.int64), admitted[idx].astype(np.int64))
