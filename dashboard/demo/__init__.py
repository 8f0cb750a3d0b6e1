"""Deterministic fictional demo data (演示数据) for the dashboard.

`generate()` builds the contract tables for a fictional city laid over the seven real counties
of 商洛市. At the default size the first year reproduces, exactly, the figures 商洛市 published
for 2018 (DESIGN.md, domain.md seed 000); every later year evolves from it with plausible events:
schools open and close, members are admitted and move, organisations hold elections, change
leadership, earn stars and honours. A larger `schools` adds fictional cities and counties at the
same mix, so a province or the whole country can be simulated for benchmarks.

The steps, each in its module, pass what they build to the next as named results:
regions (counties, townships) → schools (the first year's) → organisations (roles, groups) →
members (the first year's, calibrated) → schools (closures, newcomers) → names → organisations
(the first year's) → simulate (the years: coverage, members) → organisations (their years) →
honours → tables. They share one random stream, so they run in that order; the same arguments
give the same tables.

Everything is vectorised over schools and organisations; Python loops run over years, counties or
calibration passes only, so the national size (~500,000 schools) stays within minutes and a few GB.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard import contract, extract
from dashboard.demo import honours as hon
from dashboard.demo import members as mem
from dashboard.demo import names as nm
from dashboard.demo import organisations as org
from dashboard.demo import schools as sch
from dashboard.demo import tables as tab
from dashboard.demo.calibration import SHANGLUO, Plan
from dashboard.demo.regions import build_regions
from dashboard.demo.simulate import simulate

DEFAULT_SCHOOLS = SHANGLUO.first_year.schools
DEFAULT_SEED = 2018
DEFAULT_YEARS = range(2018, 2026)
MIN_SCHOOLS = 20


# ---------------------------------------------------------------------------------------------
# Command line

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="写入演示数据的目录")
    parser.add_argument("--schools", type=int, default=DEFAULT_SCHOOLS,
                        help=f"首年开办的学校数（默认{DEFAULT_SCHOOLS}，即商洛市2018年的规模）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认{DEFAULT_SEED}）")


def run(args) -> int:
    if args.schools < MIN_SCHOOLS:
        print(f"学校数至少为{MIN_SCHOOLS}，实为{args.schools}")
        return 2
    started = time.perf_counter()
    tables = generate(schools=args.schools, seed=args.seed)
    out = extract.write_tables(tables, args.out, demo=True)
    years = tables["school_years"]["year"]
    counties = len(tables["regions"])
    print(f"已生成演示数据（虚构）：{args.schools}所学校，{counties}个县区，"
          f"{years.min()}—{years.max()}年，写入{out}（用时{time.perf_counter() - started:.1f}秒）")
    return 0


# ---------------------------------------------------------------------------------------------
# Public entry point

def generate(schools: int = DEFAULT_SCHOOLS, seed: int = DEFAULT_SEED,
             years=DEFAULT_YEARS) -> dict[str, pd.DataFrame]:
    """The contract tables of a fictional extract; the same arguments give the same tables.

    `schools` is the number of schools open in the first year; a few more open later."""
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("年份范围不能为空")
    if int(schools) < MIN_SCHOOLS:
        raise ValueError(f"学校数至少为{MIN_SCHOOLS}")
    plan = Plan(SHANGLUO, int(schools), tuple(years))
    rng = np.random.default_rng(seed)

    regions = build_regions(plan, rng)
    first_schools, towns = sch.first_year_schools(plan, regions, rng)
    role = org.assign_roles(plan, first_schools, rng)
    m0, staff = mem.first_year_members(role, first_schools.stage, first_schools.staff, rng)
    first_schools = replace(first_schools, staff=staff)
    groups, m0 = org.form_groups(plan, regions.K, first_schools, role, m0, rng)
    first_schools = replace(first_schools, private=org.balance_ownership(plan, first_schools, role, groups, rng))
    m0, staff = mem.calibrate_first_year(plan, role, m0, first_schools.staff, rng)
    first_schools = replace(first_schools, staff=staff)
    schools_, newcomers, close_group = sch.later_schools(plan, regions, towns, first_schools, role, groups, rng)
    names = nm.school_names(regions, towns, schools_, rng)
    first = org.first_orgs(plan, schools_, role, groups, rng)
    history = simulate(plan, schools_, newcomers, groups, close_group, role, m0, first, rng)
    years_ = org.org_years(plan, schools_, first, history, rng)
    honour_rows = hon.honours(plan, schools_, history, rng)
    titles = nm.honour_titles(regions, schools_, history.orgs, honour_rows, rng)

    ids = tab.org_ids(len(history.orgs))
    org_names = nm.org_names(regions, towns, schools_, names, history.orgs, history)
    school_years, member_flows = tab.school_year_tables(names, ids, history.rows)
    out = {
        "regions": tab.regions_table(regions),
        "schools": tab.schools_table(regions, towns, schools_, names),
        "school_years": school_years,
        "orgs": tab.orgs_table(names, ids, history.orgs, org_names, years_),
        "member_flows": member_flows,
        "honors": tab.honours_table(names, ids, honour_rows, titles),
        "org_activities": pd.DataFrame(columns=contract.ORG_ACTIVITIES.names),
    }
    return tab.in_contract_order(out)
