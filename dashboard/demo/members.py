"""Party members: the first year's (calibrated to the published total), then each year's flows
(admissions, transfers, exits) and the admission pipeline."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard import rules
from dashboard.demo import arrays
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import (
    ATTACHED, BRANCH_HOST, COMMITTEE_HOST, GENERAL_HOST, GROUPED, HOSTS_OWN, JOINT, KG, OWN, by_stage,
)

# The most staff a school of a stage has (a 党委's or 党总支's host may need more, up to 120).
_STAGE_MAX_STAFF = by_stage({"幼儿园": 40, "小学": 80, "初中": 150, "九年一贯制学校": 150, "高中": 300,
                             "完全中学": 300, "十二年一贯制学校": 300, "中等职业学校": 250, "特殊教育学校": 50})
# Full members (0, 1 or 2) of a school in a shared organisation, by stage: chance of each.
_GROUPED_FULL_MEMBERS = by_stage({"幼儿园": [0.50, 0.30, 0.20], "小学": [0.30, 0.35, 0.35],
                                  **{s: [0.20, 0.35, 0.45] for s in ("初中", "九年一贯制学校", "高中", "完全中学",
                                                                    "十二年一贯制学校", "中等职业学校", "特殊教育学校")}})
# Members are at most this share of a school's staff.
MAX_MEMBER_SHARE = 0.6


@dataclass(frozen=True)
class FirstYearMembers:
    """Members at the end of the first year, per first-year school."""
    end: np.ndarray
    full: np.ndarray
    prob: np.ndarray
    # The own branches' raw sizes, before calibration makes them add up to the published total.
    branch_raw: np.ndarray


def first_year_members(role: np.ndarray, stage: np.ndarray, staff: np.ndarray, rng
                       ) -> tuple[FirstYearMembers, np.ndarray]:
    """Members at the end of the first year by role (own branches are calibrated later), and the
    staff, raised where a 党委 or 党总支 needs more teachers than its school had."""
    n = len(role)
    staff = staff.astype(float)
    end = np.zeros(n, dtype=np.int64)

    com = np.flatnonzero(role == COMMITTEE_HOST)
    end[com] = rng.integers(100, 141, len(com))
    gen = np.flatnonzero(role == GENERAL_HOST)
    end[gen] = rng.integers(50, 81, len(gen))
    # A few general branches are smaller than the rules expect (an action-list item).
    small = rng.choice(gen, size=min(len(gen), max(1, round(0.08 * len(gen)))), replace=False) \
        if len(gen) else gen
    end[small] = rng.integers(32, 50, len(small))
    big = np.r_[com, gen]
    need = np.ceil(end[big] / rng.uniform(0.40, 0.58, len(big)))
    staff[big] = np.minimum(np.maximum(staff[big], need), np.maximum(_STAGE_MAX_STAFF[stage[big]], 120))
    end[big] = np.minimum(end[big], np.floor(staff[big] * 0.62)).astype(np.int64)

    sa = np.flatnonzero(role == BRANCH_HOST)
    branch_raw = np.maximum(staff[sa] * rng.uniform(0.10, 0.30, len(sa)), 4.0)

    grp = np.flatnonzero(role == GROUPED)
    full = np.zeros(n, dtype=np.int64)
    full[grp] = arrays.draw(rng, _GROUPED_FULL_MEMBERS[stage[grp]])
    prob = np.zeros(n, dtype=np.int64)
    prob[grp] = rng.random(len(grp)) < 0.10
    return FirstYearMembers(end=end, full=full, prob=prob, branch_raw=branch_raw), np.rint(staff).astype(np.int64)


def calibrate_first_year(plan: Plan, role: np.ndarray, m: FirstYearMembers, staff: np.ndarray, rng
                         ) -> tuple[FirstYearMembers, np.ndarray]:
    """Own branches absorb the difference so first-year members equal the published total; staff
    is raised where members would exceed its share."""
    sa = np.flatnonzero(role == BRANCH_HOST)
    end = m.end.copy()
    fixed = int(end[role != BRANCH_HOST].sum())
    target = plan.scaled("members") - fixed
    hi = np.minimum(45, np.floor(staff[sa] * MAX_MEMBER_SHARE))
    end[sa] = arrays.fit_sum(m.branch_raw, target, 4, hi)
    own = role <= HOSTS_OWN
    prob = rng.binomial(end, 0.035)
    prob = np.minimum(prob, np.maximum(end - rules.BRANCH_MIN_MEMBERS, 0))  # an own branch keeps three full members
    prob = np.where(own, prob, m.prob)
    staff = np.maximum(staff, np.ceil(end / MAX_MEMBER_SHARE)).astype(np.int64)
    return FirstYearMembers(end=end, full=end - prob, prob=prob, branch_raw=m.branch_raw), staff


# ---------------------------------------------------------------------------------------------
# Each year

FLOW_KEYS = ("start", "admitted", "tin", "tout", "deceased", "other", "end", "prob")
PIPELINE_KEYS = ("applicants", "activists", "candidates", "backbone")


def first_year_flows(m: FirstYearMembers, role: np.ndarray, idx: np.ndarray, rng) -> dict[str, np.ndarray]:
    """Flows of the first year, worked backwards from the calibrated year-end members."""
    e = m.end[idx]
    adm = m.prob[idx]
    grouped = role[idx] == GROUPED
    tin = rng.binomial(e - adm, np.where(grouped, 0.05, 0.04))
    tout = rng.poisson(np.where(grouped, 0.08 * e + 0.05, 0.045 * e))
    dec = rng.binomial(e, 0.0015)
    oth = rng.binomial(e, 0.004)
    start = e - adm - tin + tout + dec + oth
    return {"start": start, "admitted": adm, "tin": tin, "tout": tout, "deceased": dec, "other": oth,
            "end": e, "prob": m.prob[idx]}


def flows(y: int, stage: np.ndarray, opening: np.ndarray, last_year: np.ndarray, staff: np.ndarray,
          start: np.ndarray, cov: np.ndarray, adm_prev: np.ndarray, rng) -> dict[str, np.ndarray]:
    """One year's flows of the schools open in it (`opening`: opened this year; `last_year`: closes
    after it)."""
    own = cov == OWN
    grouped = (cov == JOINT) | (cov == ATTACHED)
    nonmember = np.maximum(staff - start, 0)
    # Only an organisation can admit members; a school without one admits none.
    lam = np.where(own, 0.028 * start + 0.0035 * nonmember,
                   np.where(grouped, 0.005 * start + 0.0006 * nonmember, 0.0))
    adm = rng.poisson(lam)
    # Small schools in a shared organisation lose members to larger ones slightly more than they gain.
    tin = rng.poisson(np.where(own, 0.04 * start + 0.002 * staff, 0.02 * start + 0.0008 * staff))
    # A new school's first teachers bring their membership with them.
    seed = np.where(stage == KG, 0.03, 0.06) * staff
    tin = tin + np.where(opening, rng.poisson(seed), 0)
    tout = rng.binomial(start, np.where(grouped, 0.09, 0.045))
    dec = rng.binomial(start - tout, 0.0015)
    oth = rng.binomial(start - tout - dec, 0.004)
    # A school in its last year transfers everyone out before it closes.
    adm = np.where(last_year, 0, adm)
    tin = np.where(last_year, 0, tin)
    tout = np.where(last_year, start - dec - oth, tout)
    e = start + adm + tin - tout - dec - oth
    prob = np.minimum(adm + rng.binomial(adm_prev, 0.04), e)
    return {"start": start, "admitted": adm, "tin": tin, "tout": tout, "deceased": dec, "other": oth,
            "end": e, "prob": prob}


def pipeline(plan: Plan, y: int, f: dict[str, np.ndarray], staff: np.ndarray, cov: np.ndarray, rng
             ) -> dict[str, np.ndarray]:
    """Applicants → activists → candidates at the year's end, and the admissions that were 双培养."""
    e = f["end"]
    has_org = cov <= ATTACHED
    lam = 0.03 * e + 0.004 * np.maximum(staff - e, 0) + 0.1
    candidates = np.where(has_org, rng.poisson(lam), 0)
    activists = candidates + np.where(has_org, rng.poisson(1.5 * lam + 0.2), 0)
    applicants = activists + rng.poisson(1.5 * lam + 0.3)
    nonmember = np.maximum(staff - e, 0)
    applicants = np.minimum(applicants, nonmember)
    activists = np.minimum(activists, applicants)
    candidates = np.minimum(candidates, activists)
    share = min(0.30 + 0.035 * (y - plan.y0), 0.6)
    backbone = rng.binomial(f["admitted"], share)
    return {"applicants": applicants, "activists": activists, "candidates": candidates, "backbone": backbone}
