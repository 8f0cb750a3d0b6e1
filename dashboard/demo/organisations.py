"""Organisations: which school hosts which kind in the first year, the joint and attached groups,
the first year's organisations, coverage changes in later years, and each organisation's years
(leadership, elections, stars, members)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard import contract, rules
from dashboard.demo import arrays
from dashboard.demo import targets as tg
from dashboard.demo.calibration import Plan
from dashboard.demo.codes import (
    ADVISER, ATTACHED, BRANCH, BRANCH_HOST, COMBINED, COMMITTEE, COMMITTEE_HOST, GENERAL, GENERAL_HOST,
    GROUPED, JOINT, KG, NONE, OWN, SEPARATE, VACANT, by_stage,
)
from dashboard.demo.members import FirstYearMembers
from dashboard.demo.schools import Newcomers, Schools

# The 2022 system (党组织领导的校长负责制) moved the larger organisations to 分设.
REFORM_YEAR = 2022

# Which schools host a 党委: the higher the tier the likelier (0: never), then the most staff.
_COMMITTEE_TIER = by_stage({"幼儿园": 0, "小学": 0, "初中": 1, "九年一贯制学校": 1, "高中": 3, "完全中学": 3,
                            "十二年一贯制学校": 3, "中等职业学校": 2, "特殊教育学校": 0})
_GENERAL_TIER = by_stage({"幼儿园": 0, "小学": 1, "初中": 2, "九年一贯制学校": 2, "高中": 3, "完全中学": 3,
                          "十二年一贯制学校": 3, "中等职业学校": 3, "特殊教育学校": 1})
# How strongly a school's size makes it set up its own branch, by stage.
_BRANCH_WEIGHT = by_stage({"幼儿园": 0.9, "小学": 1.0, "初中": 3.0, "九年一贯制学校": 3.0, "高中": 6.0,
                           "完全中学": 6.0, "十二年一贯制学校": 6.0, "中等职业学校": 6.0, "特殊教育学校": 6.0})


# ---------------------------------------------------------------------------------------------
# The first year's set-up

def assign_roles(plan: Plan, schools: Schools, rng) -> np.ndarray:
    """Each first-year school's role: the calibrated numbers of 党委, 党总支 and own-branch hosts,
    the rest in joint or attached organisations."""
    n = plan.n
    stage, staff, private = schools.stage, schools.staff, schools.private
    n_com = plan.scaled("committees")
    n_gen = plan.scaled("general_branches")
    n_sa = plan.scaled("standalone") - n_com - n_gen
    role = np.full(n, GROUPED)

    def pick(mask, score, k):
        idx = np.flatnonzero(mask)
        return idx[np.argsort(-score[idx], kind="stable")[:k]]

    tier = _COMMITTEE_TIER[stage]
    com = pick(~private & (tier > 0), tier * 1000 + staff, n_com)
    role[com] = COMMITTEE_HOST
    score = _GENERAL_TIER[stage] * 1000 + staff * rng.uniform(0.8, 1.2, n)
    gen = pick(~private & (role == GROUPED), score, n_gen)
    role[gen] = GENERAL_HOST
    score = _BRANCH_WEIGHT[stage] * staff * rng.lognormal(0, 0.35, n) * np.where(private, 0.7, 1.0)
    sa = pick(role == GROUPED, score, n_sa)
    role[sa] = BRANCH_HOST
    return role


@dataclass(frozen=True)
class Groups:
    """The first year's joint and attached organisations (one per group of schools)."""
    of: np.ndarray          # each first-year school's group (-1: none)
    sizes: np.ndarray
    host: np.ndarray        # the school that hosts it
    formation: np.ndarray   # JOINT or ATTACHED
    county: np.ndarray

    @property
    def G(self) -> int:
        return len(self.sizes)


def form_groups(plan: Plan, K: int, schools: Schools, role: np.ndarray, m: FirstYearMembers, rng
                ) -> tuple[Groups, FirstYearMembers]:
    """Cut the grouped schools into joint and attached organisations of 2–5 neighbours (the
    calibrated number of them); top up members so each group has the three full members a branch needs."""
    grp = np.flatnonzero(role == GROUPED)
    # Neighbours share: groups are cut from schools ordered by county, ownership (private schools
    # form their own joint branches), township and stage.
    order = np.lexsort((rng.random(len(grp)), schools.stage[grp], schools.township[grp],
                        schools.private[grp], schools.county[grp]))
    gs = grp[order]
    m_c = np.bincount(schools.county[gs], minlength=K)
    most = rules.JOINT_MAX_SCHOOLS
    lo = np.where(m_c > 0, np.ceil(m_c / most), 0).astype(np.int64)
    hi = np.where(m_c >= 2, m_c // 2, m_c).astype(np.int64)
    fy = plan.calibration.first_year
    target = fy.orgs - fy.standalone
    g_c = arrays.alloc_bounded(int(round(target * plan.f)), m_c, lo, hi)
    G = int(g_c.sum())
    g_county = np.repeat(np.arange(K), g_c)
    starts = np.r_[0, np.cumsum(g_c)[:-1]]
    local = np.arange(G) - starts[g_county]
    mc, gc = m_c[g_county], g_c[g_county]
    sizes = mc // gc + (local < mc % gc)
    # Vary sizes by moving one school between neighbouring groups, keeping every size in 2–5.
    for offset in (0, 1, 0):
        a = np.flatnonzero(((local - offset) % 2 == 0) & (local + 1 < gc) & (local >= offset))
        b = a + 1
        d = rng.integers(-1, 2, len(a))
        ok = (sizes[a] + d >= 2) & (sizes[a] + d <= most) & (sizes[b] - d >= 2) & (sizes[b] - d <= most)
        sizes[a[ok]] += d[ok]
        sizes[b[ok]] -= d[ok]
    group_of = np.full(plan.n, -1, dtype=np.int64)
    group_of[gs] = np.repeat(np.arange(G), sizes)

    # A branch needs three full members between its schools; top up the smallest ones (a school
    # stays below the three that would make it due for its own organisation).
    need = rules.OWN_ORG_MIN_FULL_MEMBERS
    full, prob, end = m.full.copy(), m.prob.copy(), m.end.copy()
    for _ in range(6):
        tot = np.bincount(group_of[gs], weights=full[gs], minlength=G)
        short = (tot < rules.BRANCH_MIN_MEMBERS) & (sizes > 1)
        cand = gs[short[group_of[gs]] & (full[gs] < need - 1)]
        if not len(cand):
            break
        first = cand[arrays.first_of_groups(group_of[cand])]
        full[first] += 1
    # A probationary member in a school with two full members would make it due for its own
    # organisation next year already; keep the first year's groups clean of that.
    prob[gs] &= full[gs] < need - 1
    end[gs] = full[gs] + prob[gs]

    # The host is the public school with most members (then most staff) in the group.
    o = np.lexsort((-schools.staff[gs], -full[gs], schools.private[gs], group_of[gs]))
    hosts = gs[o][arrays.first_of_groups(group_of[gs][o])]
    formation = np.where((sizes == 1) | (rng.random(G) < 0.30), ATTACHED, JOINT)
    groups = Groups(of=group_of, sizes=sizes, host=hosts, formation=formation, county=g_county)
    return groups, FirstYearMembers(end=end, full=full, prob=prob, branch_raw=m.branch_raw)


def balance_ownership(plan: Plan, schools: Schools, role: np.ndarray, groups: Groups, rng) -> np.ndarray:
    """Whole private or public groups change ownership so the private-hosted organisations match
    the calibration: the schools' `private` flags after the change."""
    target = plan.scaled("private_orgs")
    private = schools.private.copy()
    sa_private = private[role == BRANCH_HOST].sum() + private[role <= GENERAL_HOST].sum()
    host_private = private[groups.host]
    diff = target - int(sa_private) - int(host_private.sum())
    member_groups = groups.of
    if diff < 0:
        cand = np.flatnonzero(host_private)
        flip = rng.choice(cand, size=min(-diff, len(cand)), replace=False)
        private[np.isin(member_groups, flip)] = False
    elif diff > 0:
        all_kg = np.bincount(member_groups[member_groups >= 0],
                             weights=(schools.stage[member_groups >= 0] != KG), minlength=groups.G) == 0
        cand = np.flatnonzero(~host_private)
        cand = cand[np.lexsort((rng.random(len(cand)), ~all_kg[cand]))]
        flip = cand[:diff]
        private[np.isin(member_groups, flip)] = True
    return private


# ---------------------------------------------------------------------------------------------
# Organisations

@dataclass(frozen=True)
class OrgSet:
    """Fixed attributes of organisations, one entry each (the organisation's code is its position)."""
    host: np.ndarray
    type: np.ndarray
    formation: np.ndarray
    parent: np.ndarray          # -1: top-level
    first_year: np.ndarray
    child_no: np.ndarray        # a committee's branches are numbered 1, 2, …; 0 for others
    established: np.ndarray     # datetime64[D]
    last_year: np.ndarray       # the last year it exists (one re-established as another type ends)
    # A branch under a committee: the cumulative share of the committee's members up to and
    # including it (1 on the last branch); 0 for others.
    child_share: np.ndarray

    def __len__(self) -> int:
        return len(self.host)

    @staticmethod
    def concat(parts: list["OrgSet"]) -> "OrgSet":
        return OrgSet(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in OrgSet.__dataclass_fields__})


@dataclass(frozen=True)
class FirstOrgs:
    """The first year's organisations and what later years start from."""
    orgs: OrgSet
    lead: np.ndarray            # first-year leadership
    group_org: np.ndarray       # the organisation of each group
    org_of: np.ndarray          # each school's organisation (-1: none)


def first_orgs(plan: Plan, schools: Schools, role: np.ndarray, groups: Groups, rng) -> FirstOrgs:
    y0 = plan.y0
    com = np.flatnonzero(role == COMMITTEE_HOST)
    gen = np.flatnonzero(role == GENERAL_HOST)
    sa = np.flatnonzero(role == BRANCH_HOST)
    n_own = len(com) + len(gen) + len(sa)
    hosts = np.r_[com, gen, sa, groups.host]
    n_top = len(hosts)
    otype = np.r_[np.full(len(com), COMMITTEE), np.full(len(gen), GENERAL), np.full(len(sa) + groups.G, BRANCH)]
    formation = np.r_[np.full(n_own, OWN), groups.formation]
    # Some committees have branches under them (not top-level: they cover no school themselves).
    with_children = rng.choice(len(com), size=int(round(0.6 * len(com))), replace=False) if len(com) else \
        np.array([], dtype=np.int64)
    # Four to six branches (by grade, plus staff) keep each under the 50 a branch should have.
    n_children = rng.integers(4, 7, len(with_children))
    child_parent = np.repeat(with_children, n_children)
    child_no = arrays.rank_in_groups(child_parent) + 1
    weights = rng.gamma(8.0, size=len(child_parent))
    # Cumulative shares per committee, ending at exactly 1 on its last branch.
    cum = np.cumsum(weights)
    starts = arrays.first_of_groups(child_parent)
    group_no = np.cumsum(np.r_[False, child_parent[1:] != child_parent[:-1]]) if len(child_parent) else \
        np.zeros(0, dtype=np.int64)
    before = np.r_[0.0, cum][starts][group_no]
    total = np.add.reduceat(weights, starts)[group_no] if len(starts) else np.zeros(0)
    share = (cum - before) / np.maximum(total, 1e-12)

    host = np.r_[hosts, hosts[child_parent]]
    parent = np.r_[np.full(n_top, -1), child_parent]
    org_formation = np.r_[formation, np.full(len(child_parent), OWN)]
    # Established: joint and attached organisations in the reorganisation of the last three years,
    # the others any time after their school opened.
    host_open = np.maximum(schools.opened[host], 1978)
    grouped = org_formation != OWN
    lo = np.where(grouped, np.maximum(host_open, y0 - 2), host_open)
    lo = np.where(parent >= 0, np.maximum(host_open, y0 - 6), lo)
    hi = np.where(grouped | (parent >= 0), y0, y0 - 1)
    hi = np.maximum(hi, lo)
    orgs = OrgSet(
        host=host, type=np.r_[otype, np.full(len(child_parent), BRANCH)], formation=org_formation,
        parent=parent, first_year=np.full(n_top + len(child_parent), y0),
        child_no=np.r_[np.zeros(n_top, dtype=np.int64), child_no],
        established=arrays.random_day(rng, arrays.jan1(lo), arrays.dec31(hi)),
        last_year=np.full(n_top + len(child_parent), plan.y1), child_share=np.r_[np.zeros(n_top), share],
    )

    # First-year leadership, exactly: the published share of 一肩挑; private and large schools
    # more often have a separate secretary.
    w = np.where(schools.private[hosts], 6.0, 1.0) * np.select(
        [otype == COMMITTEE, otype == GENERAL, formation != OWN], [3.0, 1.5, 0.8], 1.0)
    n_separate = n_top - plan.scaled("one_shoulder")
    if y0 < REFORM_YEAR:
        not_combined = arrays.weighted_pick(rng, w, n_separate)
        may_fall_vacant = not_combined
    else:
        # After the reform every 党委 and 党总支 has a secretary of its own, who is not the principal.
        larger = np.flatnonzero(otype != BRANCH)
        branches = np.flatnonzero(otype == BRANCH)
        if n_separate < len(larger):
            raise tg.CalibrationError(f"一肩挑的党组织最多{n_top - len(larger)}个（党委、党总支均已分设）")
        not_combined = np.sort(np.r_[larger, branches[arrays.weighted_pick(rng, w[branches], n_separate - len(larger))]])
        may_fall_vacant = np.setdiff1d(not_combined, larger)
    lead = np.full(n_top, COMBINED)
    lead[not_combined] = SEPARATE
    vacant = rng.choice(may_fall_vacant, size=min(len(may_fall_vacant), max(1, round(3 * plan.f))), replace=False)
    lead[vacant] = VACANT

    org_of = np.full(len(schools), -1, dtype=np.int64)
    org_of[hosts[:n_own]] = np.arange(n_own)
    grouped_schools = np.flatnonzero(groups.of >= 0)
    group_org = n_own + np.arange(groups.G)
    org_of[grouped_schools] = group_org[groups.of[grouped_schools]]
    return FirstOrgs(orgs=orgs, lead=np.r_[lead, np.full(len(child_parent), SEPARATE)], group_org=group_org,
                     org_of=org_of)


# ---------------------------------------------------------------------------------------------
# Coverage changes in a later year

@dataclass
class Coverage:
    """Who covers each school, as the years go by (changed in place year by year)."""
    org_of: np.ndarray      # each school's organisation (-1: none)
    cov: np.ndarray         # each school's coverage code
    group_of: np.ndarray    # each school's joint or attached group (-1: none)
    is_host: np.ndarray     # the school hosts its group's organisation
    group_host: np.ndarray  # each group's host school
    parts: list[OrgSet]     # the organisations so far: the first year's, then each year's new ones
    ended: dict[int, int]   # organisation -> its last year, where it ends before the last year
    n_orgs: int

    def orgs(self) -> OrgSet:
        o = OrgSet.concat(self.parts)
        for i, y in self.ended.items():
            o.last_year[i] = y
        return o


def coverage_events(plan: Plan, y: int, schools: Schools, newcomers: Newcomers, groups: Groups,
                    close_group: np.ndarray, first: FirstOrgs, c: Coverage, full_prev: np.ndarray,
                    open_: np.ndarray, goals: list, rng, crng) -> None:
    """Coverage changes at the start of year y: newcomers, their later coverage, promotions of
    grouped schools that have grown to their own branch; the organisations founded join c.parts."""
    org_of, cov, group_of = c.org_of, c.cov, c.group_of
    new = newcomers.schools
    at = new - newcomers.first
    # Schools opening this year start without members; the lag decides their first coverage.
    opening = new[schools.opened[new] == y]
    lag = newcomers.lag[opening - newcomers.first]
    match = newcomers.match[opening - newcomers.first]
    join_now = opening[(lag == 0) & (match >= 0)]
    cov[opening] = np.where(newcomers.uncovered[opening - newcomers.first], NONE, ADVISER)
    covered_at = schools.opened[new] + newcomers.lag[at]
    due = new[(covered_at == y) & (schools.opened[new] < y)]
    m = newcomers.match[due - newcomers.first]
    need = rules.OWN_ORG_MIN_FULL_MEMBERS
    own = due[full_prev[due] >= need]
    join = np.r_[join_now, due[(full_prev[due] < need) & (m >= 0)]]
    stay = due[(full_prev[due] < need) & (m < 0)]
    cov[stay] = ADVISER
    if len(join):
        g = newcomers.match[join - newcomers.first]
        org_of[join] = first.group_org[g]
        cov[join] = groups.formation[g]
        group_of[join] = g

    # A grouped school that has grown to three full members gets its own branch, though often a
    # year or more late (the action list's content), unless its group would drop below two schools.
    current = open_ & (group_of >= 0)
    size = np.bincount(group_of[current], minlength=groups.G)
    cand = np.flatnonzero(current & (full_prev >= need))
    g = group_of[cand]
    may = (size[g] >= 3) & ~close_group[g]
    lucky = rng.random(len(cand)) < 0.7
    promote = _first_of_each_group(cand[may & lucky], full_prev, group_of)
    upgrades = []  # (schools whose branch becomes a 党总支, branches to set up under them)
    for goal in tg.for_year(goals, y):
        if goal.target.established:
            promote, upgrade, n_children = _meet_established(goal, y, schools, c, own, promote,
                                                             cand[may & ~lucky], full_prev, open_)
            upgrades.append((upgrade, n_children))
    left = promote[c.is_host[promote]]
    lost = np.zeros(groups.G, bool)
    lost[group_of[left]] = True
    group_of[promote] = -1
    # A host that leaves hands its group to the remaining school with most full members.
    if len(left):
        heirs = np.flatnonzero(current & (group_of >= 0))
        heirs = heirs[lost[group_of[heirs]]]
        heirs = heirs[np.lexsort((-schools.staff[heirs], -full_prev[heirs], group_of[heirs]))]
        heirs = heirs[arrays.first_of_groups(group_of[heirs])]
        c.is_host[left] = False
        c.is_host[heirs] = True
        c.group_host[group_of[heirs]] = heirs

    founders = np.r_[own, promote]
    if len(founders):
        ids = c.n_orgs + np.arange(len(founders))
        org_of[founders] = ids
        cov[founders] = OWN
        k = len(founders)
        est = arrays.random_day(rng, arrays.jan1(np.full(k, y)), arrays.dec31(np.full(k, y)))
        c.n_orgs += k
        c.parts.append(OrgSet(host=founders, type=np.full(k, BRANCH), formation=np.full(k, OWN),
                              parent=np.full(k, -1), first_year=np.full(k, y), child_no=np.zeros(k, dtype=np.int64),
                              established=est, last_year=np.full(k, plan.y1), child_share=np.zeros(k)))
    for upgrade, n_children in upgrades:
        if len(upgrade):
            _re_establish(plan, y, upgrade, n_children, c, crng)


def _first_of_each_group(cand: np.ndarray, full_prev: np.ndarray, group_of: np.ndarray) -> np.ndarray:
    """One school per group: the one with most full members."""
    cand = cand[np.lexsort((-full_prev[cand], group_of[cand]))]
    return cand[arrays.first_of_groups(group_of[cand])]


def _meet_established(goal, y: int, schools: Schools, c: Coverage, own: np.ndarray, promote: np.ndarray,
                      waiting: np.ndarray, full_prev: np.ndarray, open_: np.ndarray):
    """Promotions in the goal's county held back or brought forward, and the own branches to
    re-establish as 党总支 (the largest), so that the county's new organisations are as quoted:
    (promotions, schools whose branch becomes a 党总支, branches to set up under the new 党总支)."""
    quota = tg.type_quota(goal.target.established)
    if quota.get(COMMITTEE, 0):
        raise tg.CalibrationError("演示数据不会在首年之后新设党委")
    n_general = quota.get(GENERAL, 0)
    in_county = schools.county == goal.county
    here = promote[in_county[promote]]
    fixed = int(in_county[own].sum())  # newcomers' own branches: they cannot wait
    # A 党总支 has at least two branches under it; the rest of the quoted 党支部 are promotions.
    min_children = 2 * n_general
    if BRANCH in quota:
        room = quota[BRANCH] - fixed - min_children
        if room < 0:
            raise tg.CalibrationError(f"当年新成立党支部：至少有{fixed + min_children}个")
        if len(here) > room:
            # Held back a year: the ones with fewest members.
            here = here[np.argsort(-full_prev[here], kind="stable")][:room]
        elif len(here) < room:
            taken = c.group_of[here]
            more = waiting[in_county[waiting] & ~np.isin(c.group_of[waiting], taken)]
            here = np.r_[here, _first_of_each_group(more, full_prev, c.group_of)[:room - len(here)]]
        n_children = quota[BRANCH] - fixed - len(here)
    else:
        n_children = min_children
    promote = np.r_[promote[~in_county[promote]], here]
    promote = promote[np.lexsort((promote, c.group_of[promote]))]

    orgs = c.orgs()
    own_branch = np.flatnonzero((orgs.last_year >= y) & (orgs.type == BRANCH) & (orgs.formation == OWN)
                                & (orgs.parent < 0))
    host = orgs.host[own_branch]
    host = host[(c.org_of[host] == own_branch) & open_[host] & in_county[host]]
    upgrade = host[np.argsort(-full_prev[host], kind="stable")][:n_general]
    if len(upgrade) < n_general:
        raise tg.CalibrationError(f"当年新成立党总支：需要{n_general}个，只有{len(upgrade)}个党支部可改建")
    return promote, upgrade, n_children


def _re_establish(plan: Plan, y: int, schools: np.ndarray, n_children: int, c: Coverage, crng) -> None:
    """Each school's own branch, grown past a branch's size, is re-established as a 党总支 with
    branches under it: the branch ends the year before; the 党总支 and its branches are new."""
    k = len(schools)
    per = arrays.alloc(n_children, np.ones(k))
    general = c.n_orgs + np.arange(k)
    for s in schools:
        c.ended[int(c.org_of[s])] = y - 1
    c.org_of[schools] = general
    est = arrays.random_day(crng, arrays.jan1(np.full(k, y)), arrays.dec31(np.full(k, y)))
    parent = np.repeat(general, per)
    n = k + len(parent)
    weights = crng.gamma(8.0, size=len(parent))
    share = np.zeros(len(parent))
    for g in general:
        mine = parent == g
        share[mine] = np.cumsum(weights[mine]) / weights[mine].sum()
    c.parts.append(OrgSet(
        host=np.r_[schools, np.repeat(schools, per)], type=np.r_[np.full(k, GENERAL), np.full(len(parent), BRANCH)],
        formation=np.full(n, OWN), parent=np.r_[np.full(k, -1), parent], first_year=np.full(n, y),
        child_no=np.r_[np.zeros(k, dtype=np.int64), arrays.rank_in_groups(parent) + 1],
        established=np.r_[est, np.repeat(est, per)], last_year=np.full(n, plan.y1),
        child_share=np.r_[np.zeros(k), share]))
    c.n_orgs += n


# ---------------------------------------------------------------------------------------------
# Each organisation's years

ORG_ROW_KEYS = ("org", "year", "lead", "last", "star", "full", "prob", "host")
_TERM_BY_TYPE = np.array([rules.TERM_YEARS[t] for t in contract.ORG_TYPES])
_STARS = np.array([1, 2, 3, 4, 5])


@dataclass(frozen=True)
class OrgYears:
    rows: dict[str, np.ndarray]     # ORG_ROW_KEYS: one entry per organisation and year it exists
    term: np.ndarray                # each organisation's term of office in years


def org_years(plan: Plan, schools: Schools, first: FirstOrgs, history, goals: list, rng, crng) -> OrgYears:
    """Leadership, elections, stars and members of every organisation in every year it exists."""
    y0, y1 = plan.y0, plan.y1
    o = history.orgs
    n_orgs = len(o)
    otype, parent = o.type, o.parent
    top = parent < 0
    term = _TERM_BY_TYPE[otype]

    # Elections: the last one before the first year (or the founding), then one per term with a
    # delay now and then; a long delay leaves the organisation overdue for a while.
    est = o.established
    first_year = o.first_year
    d0 = arrays.random_day(rng, arrays.jan1(first_year + 1 - term) - 30, arrays.dec31(first_year))
    d0 = np.where(first_year > y0, est, np.maximum(d0, est))
    shortest_term = min(rules.TERM_YEARS.values())
    n_terms = (y1 - y0) // shortest_term + 3
    shape = (n_orgs, n_terms)
    delay = np.where(rng.random(shape) < 0.92, rng.integers(-75, 46, shape),
                     np.where(rng.random(shape) < 0.75, rng.integers(90, 400, shape), rng.integers(400, 800, shape)))
    steps = np.rint(term[:, None] * 365.25).astype(np.int64) + delay
    elections = d0.astype("datetime64[D]").astype(np.int64)[:, None] + np.c_[np.zeros(n_orgs, np.int64),
                                                                             np.cumsum(steps, axis=1)]
    county = schools.county[o.host]
    for goal in goals:
        if goal.target.elected:
            y = goal.year
            tg.meet_elections(goal, elections, (first_year <= y) & (o.last_year >= y), county == goal.county,
                              otype, first_year == y, crng)

    rows = {k: [] for k in ORG_ROW_KEYS}
    # A first-year vacancy was held by one of the two arrangements before it fell vacant.
    state = np.where(first.lead == VACANT, rng.integers(COMBINED, SEPARATE + 1, len(first.lead)), first.lead)
    state = np.r_[state, np.full(n_orgs - len(first.lead), -1)]
    star = np.full(n_orgs, -1)
    children = np.flatnonzero(parent >= 0)
    child_no = o.child_no[children]
    for y in plan.years:
        exists = (first_year <= y) & (o.last_year >= y)
        idx = np.flatnonzero(exists)
        newly = first_year == y
        if y == y0:
            lead = first.lead.copy()
        else:
            fresh = newly & (state < 0)
            priv = schools.private[o.host]
            state[fresh] = np.where(rng.random(fresh.sum()) < np.where(priv[fresh], 0.3, 0.7),
                                    COMBINED, SEPARATE)
            flip = top & (first_year < y) & (rng.random(n_orgs) < 0.03) & (otype == BRANCH)
            state[flip] = np.where(state[flip] == COMBINED, SEPARATE, COMBINED)
            if y >= REFORM_YEAR:
                larger = (otype != BRANCH) & top
                move = larger & (state == COMBINED) & ((y > REFORM_YEAR) | (rng.random(n_orgs) < 0.85))
                state[move] = SEPARATE
            state[children] = SEPARATE
            lead = state.copy()
            vacant = top & ~newly & (rng.random(n_orgs) < 0.012)
            lead[vacant] = VACANT
            # Stars: rated from the second year on; organisations drift by a star at most.
            if y >= y0 + 1:
                rated = star > 0
                step = rng.choice([-1, 0, 1], size=n_orgs, p=[0.10, 0.70, 0.20])
                star = np.where(rated, np.clip(star + step, 1, 5), star)
                start_now = ~rated & ~newly & (first_year < y) & ((y > y0 + 1) | (rng.random(n_orgs) < 0.75))
                star = np.where(start_now, rng.choice(_STARS, size=n_orgs, p=[0.05, 0.20, 0.40, 0.25, 0.10]), star)
                for goal in tg.for_year(goals, y):
                    tg.meet_stars(goal, star, exists & top & (county == goal.county), crng)
        full, prob = history.members_by_org[y]
        full = np.r_[full, np.zeros(n_orgs - len(full), np.int64)]
        prob = np.r_[prob, np.zeros(n_orgs - len(prob), np.int64)]
        if len(children):
            # Branches of a committee share its members; the committee row keeps the total.
            cs = o.child_share[children]
            prev_cs = np.r_[0.0, cs[:-1]]
            prev_cs = np.where(child_no == 1, 0.0, prev_cs)
            for arr in (full, prob):
                total = arr[parent[children]]
                arr[children] = np.floor(total * cs + 1e-9) - np.floor(total * prev_cs + 1e-9)
        last_day = arrays.dec31(y).astype(np.int64)
        held = (elections[idx] <= last_day).sum(axis=1)
        last = elections[idx, np.maximum(held - 1, 0)]
        for k, v in (("org", idx), ("year", np.full(len(idx), y)), ("lead", lead[idx]), ("last", last),
                     ("star", star[idx]), ("full", full[idx]), ("prob", prob[idx]),
                     ("host", history.host_in(y)[idx])):
            rows[k].append(v)
    return OrgYears(rows={k: np.concatenate(v) for k, v in rows.items()}, term=term)
