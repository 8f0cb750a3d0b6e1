"""Deterministic fictional demo data (演示数据) for the dashboard.

`generate()` builds the contract tables of a fictional extract from a calibration
(calibration.CALIBRATIONS): a jurisdiction's counties and the figures it published.
- 611000 商洛市 (default): the seven real counties; the first year reproduces, exactly, the figures
  商洛市 published for 2018 (DESIGN.md, domain.md seed 000). A larger `schools` adds fictional
  cities and counties at the same mix, so a province or the whole country can be simulated.
- 370800 济宁市: its eleven real counties; 任城区's 2020 reproduces seed 004's figures.
- 990100 演示市: one invented district, 演示区 (990101), in a code range GB/T 2260 leaves unused;
  its 2023, the first year, reproduces seed 002 (an article that hides the district's name).
Every later year evolves with plausible events: schools open and close, members are admitted and
move, organisations hold elections, change leadership and secretaries, earn stars and honours and
hold (or miss) their 三会一课. Only the schools' and organisations' names and numbers are invented
where the places are real; every extract is marked as fictional (DEMO).

The steps, each in its module, pass what they build to the next as named results:
regions (counties, townships) → schools (the first year's) → organisations (roles, groups) →
members (the first year's, calibrated) → schools (closures, newcomers) → names → organisations
(the first year's) → simulate (the years: coverage, members) → organisations (their years) →
honours → then, each from a random stream of its own, secretaries, 系统级 honours and
organisational life (activities) → tables. The main steps share one random stream, so they run in
that order; targets.py makes a calibration's quoted events of a county's year exact, from its own
stream. The same arguments give the same tables.

Everything is vectorised over schools and organisations; Python loops run over years, counties,
chunks of rows or calibration passes only, so the national size (~500,000 schools) stays within
minutes and a few GB.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import config, extract
from dashboard.demo import activities as act
from dashboard.demo import honours as hon
from dashboard.demo import members as mem
from dashboard.demo import names as nm
from dashboard.demo import organisations as org
from dashboard.demo import schools as sch
from dashboard.demo import secretaries as sec
from dashboard.demo import tables as tab
from dashboard.demo import targets as tg
from dashboard.demo.calibration import CALIBRATIONS, SHANGLUO, Plan
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
    parser.add_argument(
        "--city", default=SHANGLUO.city_code, choices=list(CALIBRATIONS),
        help="演示哪个城市（默认611000）：611000商洛市，2018年全市数字与公开发布的一致；"
             "370800济宁市，任城区2020年的数字与公开报道一致；"
             "990100演示市演示区，为虚构的区县（代码990101），2023年的数字与来源文章002一致。"
             "学校、党组织均为虚构")
    parser.add_argument("--schools", type=int, default=None,
                        help=f"首年开办的学校数（仅商洛市可改，默认{DEFAULT_SCHOOLS}，即商洛市2018年的规模；"
                             "更多时增加虚构的市县，用于性能测试）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认{DEFAULT_SEED}）")


def marker_text(city: str) -> str:
    """What the DEMO marker says about a jurisdiction's extract, after the general notice."""
    cal = CALIBRATIONS[city]
    return f"{cal.city_name}：{cal.description}\n"


def run(args) -> int:
    cal = CALIBRATIONS[args.city]
    if args.schools is not None and not cal.scalable:
        print(f"{cal.city_name}的演示数据规模固定为{cal.first_year.schools}所学校，不能指定--schools")
        return 2
    schools = cal.first_year.schools if args.schools is None else args.schools
    if schools < MIN_SCHOOLS:
        print(f"学校数至少为{MIN_SCHOOLS}，实为{schools}")
        return 2
    started = time.perf_counter()
    tables = generate(schools=schools, seed=args.seed, city=args.city)
    out = extract.write_tables(tables, args.out, demo=True)
    with (out / config.DEMO_MARKER).open("a", encoding="utf-8") as marker:
        marker.write(marker_text(args.city))
    years = tables["school_years"]["year"]
    counties = len(tables["regions"])
    print(f"已生成演示数据（虚构）：{cal.city_name}，{schools}所学校，{counties}个县区，"
          f"{years.min()}—{years.max()}年，写入{out}（用时{time.perf_counter() - started:.1f}秒）")
    return 0


# ---------------------------------------------------------------------------------------------
# Public entry point

# Random streams besides the main one (np.random.default_rng(seed)), one per kind of data added
# after the tables were first pinned (tests/test_demo_digest.py): drawing them apart leaves the
# main stream, and so every earlier table, exactly as it was.
STREAM_TARGETS, STREAM_SECRETARIES, STREAM_SYSTEM_HONOURS, STREAM_ACTIVITIES = 1, 2, 3, 4


def generate(schools: int | None = None, seed: int = DEFAULT_SEED, years=None,
             city: str = SHANGLUO.city_code) -> dict[str, pd.DataFrame]:
    """The contract tables of a fictional extract; the same arguments give the same tables.

    `city` picks the calibration (calibration.CALIBRATIONS); `schools` is the number of schools open
    in the first year (a few more open later), the calibration's own by default; `years` default
    to the calibration's."""
    cal = CALIBRATIONS.get(str(city))
    if cal is None:
        raise ValueError(f"没有城市代码为{city}的演示数据，可选：{'、'.join(CALIBRATIONS)}")
    schools = cal.first_year.schools if schools is None else int(schools)
    if schools != cal.first_year.schools and not cal.scalable:
        raise ValueError(f"{cal.city_name}的演示数据规模固定为{cal.first_year.schools}所学校")
    years = sorted({int(y) for y in (cal.years if years is None else years)})
    if not years:
        raise ValueError("年份范围不能为空")
    if schools < MIN_SCHOOLS:
        raise ValueError(f"学校数至少为{MIN_SCHOOLS}")
    plan = Plan(cal, schools, tuple(years))
    rng = np.random.default_rng(seed)
    crng = np.random.default_rng([seed, STREAM_TARGETS])

    regions = build_regions(plan, rng)
    goals = tg.resolve(plan, regions.code)
    first_schools, towns = sch.first_year_schools(plan, regions, rng)
    role = org.assign_roles(plan, first_schools, rng)
    m0, staff = mem.first_year_members(role, first_schools.stage, first_schools.staff, rng)
    first_schools = replace(first_schools, staff=staff)
    groups, m0 = org.form_groups(plan, regions.K, first_schools, role, m0, rng)
    first_schools = replace(first_schools, private=org.balance_ownership(plan, first_schools, role, groups, rng))
    m0, staff = mem.calibrate_first_year(plan, role, m0, first_schools.staff, rng)
    first_schools = replace(first_schools, staff=staff)
    all_schools, newcomers, close_group = sch.later_schools(plan, regions, towns, first_schools, role, groups, rng)
    names = nm.school_names(regions, towns, all_schools, rng)
    first = org.first_orgs(plan, all_schools, role, groups, rng)
    history = simulate(plan, all_schools, newcomers, groups, close_group, role, m0, first, goals, rng, crng)
    yearly = org.org_years(plan, all_schools, first, history, goals, rng, crng)
    honour_rows = hon.honours(plan, all_schools, history, goals, rng, crng)
    titles = nm.honour_titles(regions, all_schools, history.orgs, honour_rows, rng)
    # The main stream ends here; what follows has a stream each.

    org_county = all_schools.county[history.orgs.host]
    secretary = sec.appointed_dates(plan, history.orgs, yearly.rows, org_county, goals,
                                    np.random.default_rng([seed, STREAM_SECRETARIES]))
    hrng = np.random.default_rng([seed, STREAM_SYSTEM_HONOURS])
    system_rows = hon.system_honours(plan, all_schools, history, goals, hrng)
    system_titles = nm.honour_titles(regions, all_schools, history.orgs, system_rows, hrng)
    # Appended after the others, numbered on from them.
    honour_rows = {k: np.r_[honour_rows[k], system_rows[k]] for k in hon.HONOUR_KEYS}
    titles = pa.concat_arrays([titles, system_titles])

    ids = tab.org_ids(len(history.orgs))
    org_names = nm.org_names(regions, towns, all_schools, names, history.orgs, history)
    school_years, member_flows = tab.school_year_tables(names, ids, history.rows)
    out = {
        "regions": tab.regions_table(regions),
        "schools": tab.schools_table(regions, towns, all_schools, names),
        "school_years": school_years,
        "orgs": tab.orgs_table(names, ids, history.orgs, org_names, yearly, secretary),
        "member_flows": member_flows,
        "honors": tab.honours_table(names, ids, honour_rows, titles),
        "org_activities": act.activities(yearly.rows, history.orgs, ids.to_numpy(zero_copy_only=False),
                                         np.random.default_rng([seed, STREAM_ACTIVITIES])),
    }
    return tab.in_contract_order(out)
