"""The years: each school's staff, students, coverage and member flows, year by year."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.demo import members as mem
from dashboard.demo import targets as tg
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import KG, NONE, OWN, by_stage
from dashboard.demo.members import FirstYearMembers
from dashboard.demo.organisations import Coverage, FirstOrgs, Groups, OrgSet, coverage_events
from dashboard.demo.schools import STAFF_HI, STAFF_LO, Newcomers, Schools

# Share of a school's members who are women, by stage (each school varies around it).
_FEMALE_SHARE = by_stage({"幼儿园": 0.92, "小学": 0.62, "初中": 0.50, "九年一贯制学校": 0.52, "高中": 0.42,
                          "完全中学": 0.45, "十二年一贯制学校": 0.44, "中等职业学校": 0.45, "特殊教育学校": 0.70})
# Students per member of staff, by stage.
_STUDENTS_PER_STAFF = by_stage({"幼儿园": 11, "小学": 15, "初中": 12, "九年一贯制学校": 13, "高中": 13,
                                "完全中学": 12, "十二年一贯制学校": 13, "中等职业学校": 15, "特殊教育学校": 4.5})
# Kindergartens lose children from this year on (fewer births).
_KG_DECLINE_FROM = 2020

ROW_KEYS = ("school", "year", "staff", "students", "cov", "org", "start", "admitted", "tin", "tout", "deceased",
            "other", "end", "prob", "female", "young", "applicants", "activists", "candidates", "backbone")


@dataclass(frozen=True)
class History:
    """What the years produced: one row per school and year, and what organisations need."""
    # ROW_KEYS, int32; tables.school_year_tables consumes the flow arrays (at national size the
    # rows are the bulk of the memory).
    rows: dict[str, np.ndarray]
    orgs: OrgSet                                             # every organisation, founders included
    members_by_org: dict[int, tuple[np.ndarray, np.ndarray]]  # year -> (full, probationary) per organisation
    hosts_by_year: dict[int, np.ndarray]                     # year -> each group's host school
    group_of: np.ndarray                                     # each school's group at the end (names the groups)
    group_org: np.ndarray

    def host_in(self, y: int) -> np.ndarray:
        """Each organisation's host school in year y (a joint organisation's host can change)."""
        host = self.orgs.host.copy()
        host[self.group_org] = self.hosts_by_year[y]
        return host


def simulate(plan: Plan, schools: Schools, newcomers: Newcomers, groups: Groups, close_group: np.ndarray,
             role: np.ndarray, m0: FirstYearMembers, first: FirstOrgs, goals: list, rng, crng) -> History:
    N = len(schools)
    y0 = plan.y0
    stage = schools.stage
    f_share = np.clip(_FEMALE_SHARE[stage] + rng.normal(0, 0.06, N), 0.05, 1.0)
    young_share = np.clip(rng.uniform(0.18, 0.40, N) + np.where(stage == KG, 0.15, 0.0), 0, 0.9)
    student_ratio = _STUDENTS_PER_STAFF[stage] * rng.uniform(0.8, 1.2, N)
    drift = np.ones(N)
    hosts_by_year = {}

    org_of = first.org_of.copy()
    group_of = np.r_[groups.of, np.full(len(newcomers), -1)]
    is_host = np.zeros(N, bool)
    is_host[groups.host] = True
    cov = np.where(org_of >= 0, np.where(group_of >= 0, groups.formation[np.maximum(group_of, 0)], OWN),
                   NONE).astype(np.int64)
    c = Coverage(org_of=org_of, cov=cov, group_of=group_of, is_host=is_host, group_host=groups.host.copy(),
                 parts=[first.orgs], ended={}, n_orgs=len(first.orgs))
    end = np.zeros(N, dtype=np.int64)
    prob_prev = np.zeros(N, dtype=np.int64)
    adm_prev = np.zeros(N, dtype=np.int64)
    rows = {k: [] for k in ROW_KEYS}
    members_by_org = {}

    for y in plan.years:
        open_ = (schools.opened <= y) & ((schools.closed < 0) | (schools.closed > y))
        if y > y0:
            drift *= np.exp(rng.normal(0, 0.025, N))
            coverage_events(plan, y, schools, newcomers, groups, close_group, first, c, end - prob_prev, open_,
                            goals, rng, crng)
        hosts_by_year[y] = c.group_host.copy()
        idx = np.flatnonzero(open_)
        # A new school fills its posts over its first years; staff stays within its stage's range.
        ramp = np.minimum(1.0, 0.6 + 0.2 * (y - schools.opened[idx]))
        staff = np.clip(np.rint(schools.staff[idx] * drift[idx] * ramp),
                        STAFF_LO[stage[idx]].min(axis=1), STAFF_HI[stage[idx]].max(axis=1)).astype(np.int64)
        if y == y0:
            flows = mem.first_year_flows(m0, role, idx, rng)
        else:
            flows = mem.flows(y, stage[idx], schools.opened[idx] == y, schools.closed[idx] == y + 1, staff,
                              end[idx], cov[idx], adm_prev[idx], rng)
        e = flows["end"]
        staff = np.maximum(staff, np.ceil(e / mem.MAX_MEMBER_SHARE)).astype(np.int64)
        kg_decline = np.where(stage[idx] == KG, 1 - 0.04 * max(0, y - _KG_DECLINE_FROM), 1.0)
        students = np.rint(staff * student_ratio[idx] * kg_decline).astype(np.int64)
        female = np.minimum(e, np.rint(e * f_share[idx])).astype(np.int64)
        young = np.minimum(e, np.rint(e * np.minimum(young_share[idx] + 0.012 * (y - y0), 1))).astype(np.int64)
        pipe = mem.pipeline(plan, y, flows, staff, cov[idx], rng)
        for goal in tg.for_year(goals, y):
            tg.meet_backbone(goal, pipe["backbone"], flows["admitted"], schools.county[idx] == goal.county)
        end[idx] = e
        prob_prev[idx] = flows["prob"]
        adm_prev[:] = 0
        adm_prev[idx] = flows["admitted"]

        for k, v in (("school", idx), ("year", np.full(len(idx), y)), ("staff", staff),
                     ("students", students), ("cov", cov[idx]), ("org", org_of[idx]),
                     ("female", female), ("young", young)):
            rows[k].append(v.astype(np.int32))
        for k in mem.FLOW_KEYS:
            rows[k].append(flows[k].astype(np.int32))
        for k in mem.PIPELINE_KEYS:
            rows[k].append(pipe[k].astype(np.int32))
        has = org_of[idx] >= 0
        full = (e - flows["prob"])[has]
        members_by_org[y] = (
            np.bincount(org_of[idx][has], weights=full, minlength=c.n_orgs).astype(np.int64),
            np.bincount(org_of[idx][has], weights=flows["prob"][has], minlength=c.n_orgs).astype(np.int64))
    # Row arrays are kept as int32 until the tables are built: at national size they are the
    # bulk of the memory.
    return History(rows={k: np.concatenate(rows.pop(k)) for k in list(rows)}, orgs=c.orgs(),
                   members_by_org=members_by_org, hosts_by_year=hosts_by_year, group_of=group_of,
                   group_org=first.group_org)
