"""Every SQL file applies the user's visible counties (access control), proved by values.

Each query runs on the hand-made extract with visible = [山阳县] (and, the other way round,
[商州区]) under every sample parameter. A run passes when no cell names anything of the hidden
county, and, for 山阳县, when the rows equal the 山阳县-only figures worked out by hand below.
Then each query is mutated so that it ignores $visible (the list_contains condition in the file
replaced by true, in the shared scope macros of models/_scope.sql, or both) and must FAIL the same check:
the test can fail, so a query that forgets the scope cannot pass unnoticed.

山阳县 alone, by hand from tests/handmade.py (S4 丁中学 初中 城关街道; S5 戊小学 小学 高坝店镇, closed
2024; S6 己幼儿园 幼儿园 高坝店镇, opened 2024; O3 hosted by S4; O4 no host, covers S6):
  2023: schools S4, S5: 2; org coverage 1 (S4), work 2 (S5 adviser). Orgs: O3 (党支部 单独建立 一肩挑,
        3 stars, 9 + 1 members). Members: start 10 + 1 = 11, end 10 + 0 = 10, net −1, admitted 1,
        out 1 + 1 = 2, staff 80 + 10 = 90, probationary 1, female 6, ≤35 3, pipeline 4/2/1, 双培养 1.
        示范校: S4 (县级, 2023, new) and S5 (县级, 2019): 2, new 1. 一校一品: none.
        O3's 最强党支部 (2023). Elections: O3 due 2026: none. Not covered: S5 (staff 10, 0 members).
  2024: schools S4, S6: 2; org coverage 2, work 2 (S4 单独建立, S6 挂靠建立).
        Orgs: O3 (书记空缺, 4 stars, 9 + 2) and O4 (挂靠建立 一肩挑, unrated, 2 + 0, no host):
        2, hosted 1 (O3: vacant 1), org members 11 + 2 = 13.
        Members: start 10 + 0 = 10, end 11 + 2 = 13, net +3, admitted 2, in 2 (S6), deceased 1,
        staff 82 + 8 = 90, probationary 2, female 7 + 2 = 9, ≤35 4 + 1 = 5, pipeline 5/3/2, 双培养 1.
        示范校: S4's award revoked in 2024, S5 closed: 0. Not covered: none.
  Schools by name: 丁中学 (S4), 己幼儿园 (S6), 戊小学 (S5); townships 城关街道, 高坝店镇.
商州区 alone, the two figures the mutations need: no school is uncovered in either year, and no
organisation award (O3's is 山阳县's).
"""
from __future__ import annotations

import itertools
import math
import re

import pandas as pd
import pytest

from dashboard import config, db
from tests import handmade as h

SY, SZ = h.SHANYANG, h.SHANGZHOU
# Anything that, in a result, would name a county's schools, organisations or places.
MARKERS = {
    SZ: ["商州区", SZ, h.S1, h.S2, h.S3, "甲小学", "乙幼儿园", "丙小学", "沙河子镇", "中共甲小学",
         "中共城关街道幼儿园联合支部委员会", "红色童心", "O1", "O2"],
    SY: ["山阳县", SY, h.S4, h.S5, h.S6, "丁中学", "戊小学", "己幼儿园", "高坝店镇", "中共丁中学支部委员会",
         "中共高坝店镇中心社区支部委员会", "O3", "O4"],
}
OTHER = {SY: SZ, SZ: SY}
# A school of the hidden county, for the one-school queries.
HIDDEN_SCHOOL = {SY: h.S1, SZ: h.S4}
# available_years returns the years the extract holds and nothing about any county.
EXEMPT = {"available_years"}

M = "党建示范校"
B = "一校一品"
# (query, the parameters the rows are for, columns, rows): 山阳县 only (visible = [611024], county
# filter empty unless given).
EXPECTED_SHANYANG = [
    ("counties", {}, "county_code county_name", [(SY, "山阳县")]),
    ("townships", {"county": SY}, "township", [("城关街道",), ("高坝店镇",)]),
    ("townships", {"county": SZ}, "township", []),
    ("figures_by_year", {}, "year schools org_covered work_covered standalone joint attached adviser uncovered",
     [(2023, 2, 1, 2, 1, 0, 0, 1, 0), (2024, 2, 2, 2, 1, 0, 1, 0, 0)]),
    ("coverage_by_unit", {"year": 2023, "level": "county"}, "unit_code unit_name schools org_covered work_covered",
     [(SY, "山阳县", 2, 1, 2)]),
    ("coverage_by_unit", {"year": 2024, "level": "county"}, "unit_code unit_name schools org_covered work_covered",
     [(SY, "山阳县", 2, 2, 2)]),
    # 山阳县's townships: 城关街道 has S4; 高坝店镇 S5 (2023, adviser only) and S6 (2024, attached).
    ("coverage_by_unit", {"year": 2023, "level": "township", "county": SY}, "unit_name schools org_covered work_covered",
     [("城关街道", 1, 1, 1), ("高坝店镇", 1, 0, 1)]),
    ("coverage_by_unit", {"year": 2024, "level": "township", "county": SY}, "unit_name schools org_covered work_covered",
     [("城关街道", 1, 1, 1), ("高坝店镇", 1, 1, 1)]),
    ("coverage_by_stage", {"year": 2023},
     "stage schools org_covered work_covered standalone joint_or_attached adviser uncovered",
     [("初中", 1, 1, 1, 1, 0, 0, 0), ("小学", 1, 0, 1, 0, 0, 1, 0)]),
    ("coverage_by_stage", {"year": 2024},
     "stage schools org_covered work_covered standalone joint_or_attached adviser uncovered",
     [("初中", 1, 1, 1, 1, 0, 0, 0), ("幼儿园", 1, 1, 1, 0, 1, 0, 0)]),
    ("elections_due", {"year": 2023}, "org_id status", []),
    ("elections_due", {"year": 2024}, "org_id status", []),
    ("honors_by_unit", {"year": 2023, "kind": M, "level": "county"}, "unit_name level schools new_schools",
     [("山阳县", "国家级", 0, 0), ("山阳县", "省级", 0, 0), ("山阳县", "市级", 0, 0), ("山阳县", "县级", 2, 1),
      ("山阳县", "系统级", 0, 0)]),
    ("honors_by_unit", {"year": 2024, "kind": M, "level": "county"}, "unit_name schools new_schools",
     [("山阳县", 0, 0)] * 5),
    ("honors_by_unit", {"year": 2023, "kind": B, "level": "county"}, "unit_name schools new_schools", [("山阳县", 0, 0)] * 5),
    ("honors_by_unit", {"year": 2024, "kind": B, "level": "county"}, "unit_name schools new_schools", [("山阳县", 0, 0)] * 5),
    ("honors_by_year", {"kind": M}, "year level schools new_schools",
     [(2023, "国家级", 0, 0), (2023, "省级", 0, 0), (2023, "市级", 0, 0), (2023, "县级", 2, 1), (2023, "系统级", 0, 0),
      (2024, "国家级", 0, 0), (2024, "省级", 0, 0), (2024, "市级", 0, 0), (2024, "县级", 0, 0), (2024, "系统级", 0, 0)]),
    ("honors_by_year", {"kind": B}, "year schools new_schools", [(2023, 0, 0)] * 5 + [(2024, 0, 0)] * 5),
    ("leadership_by_org_type", {"year": 2023}, "org_type hosted combined separate vacant", [("党支部", 1, 1, 0, 0)]),
    ("leadership_by_org_type", {"year": 2024}, "org_type hosted combined separate vacant", [("党支部", 1, 0, 0, 1)]),
    ("leadership_by_stage", {"year": 2023}, "stage hosted combined separate vacant", [("初中", 1, 1, 0, 0)]),
    ("leadership_by_stage", {"year": 2024}, "stage hosted combined separate vacant", [("初中", 1, 0, 0, 1)]),
    ("members_by_unit", {"year": 2023, "level": "county"},
     "unit_name members_start members_end net_growth admitted transferred_in transferred_out exits "
     "admitted_backbone staff", [("山阳县", 11, 10, -1, 1, 0, 2, 0, 1, 90)]),
    ("members_by_unit", {"year": 2024, "level": "county"},
     "unit_name members_start members_end net_growth admitted transferred_in transferred_out exits "
     "admitted_backbone staff", [("山阳县", 10, 13, 3, 2, 2, 0, 1, 1, 90)]),
    ("figures_by_year", {},
     "year members_start members_end net_growth admitted transferred_in transferred_out deceased other_exits "
     "probationary female aged_35_or_under applicants activists candidates admitted_backbone staff schools_reporting",
     [(2023, 11, 10, -1, 1, 0, 2, 0, 0, 1, 6, 3, 4, 2, 1, 1, 90, 2),
      (2024, 10, 13, 3, 2, 2, 0, 1, 0, 2, 9, 5, 5, 3, 2, 1, 90, 2)]),
    ("org_honors_by_year", {}, "year kind level awards", [(2023, "最强党支部", "县级", 1)]),
    ("org_list", {"year": 2023},
     "org_id org_name org_type formation leadership star_rating full_members probationary_members "
     "host_school_name county_name township schools_covered",
     [("O3", "中共丁中学支部委员会", "党支部", "单独建立", "一肩挑", 3, 9, 1, "丁中学", "山阳县", "城关街道", 1)]),
    ("org_list", {"year": 2024},
     "org_id org_name org_type formation leadership star_rating full_members probationary_members "
     "host_school_name county_name township schools_covered",
     [("O3", "中共丁中学支部委员会", "党支部", "单独建立", "书记空缺", 4, 9, 2, "丁中学", "山阳县", "城关街道", 1),
      ("O4", "中共高坝店镇中心社区支部委员会", "党支部", "挂靠建立", "一肩挑", None, 2, 0, None, "山阳县", "高坝店镇", 1)]),
    ("org_type_mismatch", {"year": 2023}, "org_id", []),
    ("org_type_mismatch", {"year": 2024}, "org_id", []),
    ("orgs_by_unit", {"year": 2023, "level": "county"},
     "unit_name orgs committees general_branches branches standalone joint_or_attached hosted combined "
     "separate vacant rated five_star", [("山阳县", 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0)]),
    ("orgs_by_unit", {"year": 2024, "level": "county"},
     "unit_name orgs committees general_branches branches standalone joint_or_attached hosted combined "
     "separate vacant rated five_star", [("山阳县", 2, 0, 0, 2, 1, 1, 1, 0, 0, 1, 1, 0)]),
    ("orgs_by_type_formation", {"year": 2023}, "org_type formation orgs", [("党支部", "单独建立", 1)]),
    ("orgs_by_type_formation", {"year": 2024}, "org_type formation orgs",
     [("党支部", "单独建立", 1), ("党支部", "挂靠建立", 1)]),
    ("figures_by_year", {},
     "year orgs committees general_branches branches org_standalone org_joint org_attached hosted combined separate "
     "vacant hosted_public hosted_private rated five_star org_members",
     [(2023, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 10),
      (2024, 2, 0, 0, 2, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 13)]),
    ("school_info", {"school_id": h.S1}, "school_id", []),
    ("school_history", {"school_id": h.S1}, "year", []),
    ("school_honors", {"school_id": h.S1}, "kind", []),
    ("school_list", {"year": 2023},
     "school_id school_name county_name township coverage members staff demo_level total_rows",
     [(h.S4, "丁中学", "山阳县", "城关街道", "单独建立", 10, 80, "县级", 2),
      (h.S5, "戊小学", "山阳县", "高坝店镇", "党建指导员", 0, 10, "县级", 2)]),
    ("school_list", {"year": 2024},
     "school_id school_name county_name township coverage members staff demo_level total_rows",
     [(h.S4, "丁中学", "山阳县", "城关街道", "单独建立", 11, 82, None, 2),
      (h.S6, "己幼儿园", "山阳县", "高坝店镇", "挂靠建立", 2, 8, None, 2)]),
    ("school_search", {"text": None}, "school_id school_name county_name",
     [(h.S4, "丁中学", "山阳县"), (h.S6, "己幼儿园", "山阳县"), (h.S5, "戊小学", "山阳县")]),
    ("school_search", {"text": "小学"}, "school_id school_name", [(h.S5, "戊小学")]),
    ("schools_needing_own_org", {"year": 2023}, "school_id", []),
    ("schools_needing_own_org", {"year": 2024}, "school_id", []),
    ("schools_not_covered", {"year": 2023}, "school_id school_name coverage staff members full_members",
     [(h.S5, "戊小学", "党建指导员", 10, 0, 0)]),
    ("schools_not_covered", {"year": 2024}, "school_id", []),
    ("star_ratings", {"year": 2023}, "star_rating orgs", [(3, 1)]),
    ("star_ratings", {"year": 2024}, "star_rating orgs", [(4, 1), (None, 1)]),
]
# Organisational life (三会一课) and the year's work, 山阳县 alone (O3 both years, O4 from its founding
# on 2024-06-01; tests/handmade.py's docstring): 2023 is complete (as of December), 2024 runs to November.
LIFE = "quarter_required quarter_met ytd_required ytd_met year_required year_met"
EXPECTED_SHANYANG += [
    # 2023: O3 misses 主题党日 in October and 民主评议党员 (both due in the fourth quarter).
    # 2024: O3 misses 党小组会 in September (year to date only), O4 支部委员会 in November.
    ("org_life_summary", {"year": 2023}, "as_of_month orgs reported_orgs " + LIFE, [(12, 1, 1, 1, 0, 1, 0, 1, 0)]),
    ("org_life_summary", {"year": 2024}, "as_of_month orgs reported_orgs " + LIFE, [(11, 2, 2, 2, 1, 2, 0, 0, 0)]),
    ("org_life_by_unit", {"year": 2023, "level": "county"}, "unit_code unit_name " + LIFE,
     [(SY, "山阳县", 1, 0, 1, 0, 1, 0)]),
    ("org_life_by_unit", {"year": 2024, "level": "county"}, "unit_code unit_name " + LIFE,
     [(SY, "山阳县", 2, 1, 2, 0, 0, 0)]),
    ("org_life_by_unit", {"year": 2023, "level": "township", "county": SY}, "unit_name " + LIFE,
     [("城关街道", 1, 0, 1, 0, 1, 0), ("高坝店镇", 0, 0, 0, 0, 0, 0)]),
    ("org_life_by_unit", {"year": 2024, "level": "township", "county": SY}, "unit_name " + LIFE,
     [("城关街道", 1, 1, 1, 0, 0, 0), ("高坝店镇", 1, 0, 1, 0, 0, 0)]),
    ("org_life_by_month", {"year": 2023}, "month required met",
     [(m, 1, 0 if m in (10, 12) else 1) for m in range(1, 13)]),
    ("org_life_by_month", {"year": 2024}, "month required met",
     [(1, 1, 1), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 1), (6, 2, 2), (7, 2, 2), (8, 2, 2), (9, 2, 1),
      (10, 2, 2), (11, 2, 1)]),
    ("org_life_misses", {"year": 2023}, "kind orgs_required orgs_missed periods_due periods_missed",
     [("主题党日", 1, 1, 12, 1), ("民主评议党员", 1, 1, 1, 1), ("支部党员大会", 1, 0, 4, 0), ("支部委员会", 1, 0, 12, 0),
      ("党小组会", 1, 0, 12, 0), ("党课", 1, 0, 4, 0), ("组织生活会", 1, 0, 1, 0)]),
    ("org_life_misses", {"year": 2024}, "kind orgs_required orgs_missed periods_due periods_missed",
     [("支部委员会", 2, 1, 17, 1), ("党小组会", 2, 1, 17, 1), ("支部党员大会", 2, 0, 4, 0), ("党课", 2, 0, 4, 0),
      ("主题党日", 2, 0, 17, 0), ("组织生活会", 0, 0, 0, 0), ("民主评议党员", 0, 0, 0, 0)]),
    ("org_life_behind", {"year": 2023}, "org_id org_name county_name township kind period due_month times",
     [("O3", "中共丁中学支部委员会", "山阳县", "城关街道", "主题党日", "month", 10, 0),
      ("O3", "中共丁中学支部委员会", "山阳县", "城关街道", "民主评议党员", "year", 12, 0)]),
    ("org_life_behind", {"year": 2024}, "org_id org_name county_name township kind period due_month times",
     [("O4", "中共高坝店镇中心社区支部委员会", "山阳县", "高坝店镇", "支部委员会", "month", 11, 0)]),
    ("org_life_of_school", {"school_id": h.S1}, "org_id", []),
    # O3 held its election (2023-05-01) and got its secretary (2023-05-01) in 2023; O4 was founded,
    # elected and given its secretary in 2024; O3 had no secretary in 2024.
    ("year_work_orgs", {"year": 2023}, "org_type orgs established elected secretaries_appointed secretaries_dated",
     [("党支部", 1, 0, 1, 1, 1)]),
    ("year_work_orgs", {"year": 2024}, "org_type orgs established elected secretaries_appointed secretaries_dated",
     [("党支部", 2, 1, 1, 1, 1)]),
    # 2021–2023: S4's 县级 award of 2023 (S5's of 2019 is older); 2022–2024: S4's revoked, S5 closed.
    ("honors_recent", {"year": 2023, "kind": M}, "level schools",
     [("国家级", 0), ("省级", 0), ("市级", 0), ("县级", 1), ("系统级", 0)]),
    ("honors_recent", {"year": 2024, "kind": M}, "schools", [(0,)] * 5),
    ("honors_recent", {"year": 2023, "kind": B}, "schools", [(0,)] * 5),
    ("honors_recent", {"year": 2024, "kind": B}, "schools", [(0,)] * 5),
]
EXPECTED_SHANGZHOU = [
    ("schools_not_covered", {"year": 2023}, "school_id", []),
    ("schools_not_covered", {"year": 2024}, "school_id", []),
    ("org_honors_by_year", {}, "year", []),
]
EXPECTED = {SY: EXPECTED_SHANYANG, SZ: EXPECTED_SHANGZHOU}

_VISIBLE_IN_FILE = re.compile(r"list_contains\(\s*\$visible\s*,\s*[\w.]+\s*\)")
_VISIBLE_IN_MACRO = re.compile(r"list_contains\(\s*visible\s*,\s*[\w.]+\s*\)")
_PARAM = re.compile(r"\$([a-z_]+)")


def _runs(name: str, own: str):
    """Every sample parameter set for one query, seen by a user of county `own`."""
    declared = set(db.load_query(name).params)
    choices = {
        "year": [2023, 2024], "kind": [M, B], "text": [None, "小学"],
        "county": [None, own, OTHER[own]],  # the own county, and a tampered URL naming the other
        "township": [None], "stage": [None], "ownership": [None], "locale": [None],
        "school_id": [HIDDEN_SCHOOL[own]], "limit": [100], "city": [None], "level": ["county", "township"],
    }
    keys = sorted(declared - {"visible"})
    unknown = set(keys) - set(choices)
    assert not unknown, f"{name}.sql: give sample values for {unknown} in this test"
    for values in itertools.product(*(choices[k] for k in keys)):
        params = dict(zip(keys, values))
        if name == "townships" and params["county"] is None:
            continue  # the query is only asked for a chosen county
        yield {**params, "visible": [own]}


def _run(con, sql: str, params: dict) -> pd.DataFrame:
    used = set(_PARAM.findall(sql))
    return con.cursor().execute(sql, {k: v for k, v in params.items() if k in used}).df()


def _plain(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in df[columns].itertuples(index=False)]


def problems(con, name: str, sql: str, own: str) -> list[str]:
    """What is wrong with a query's results for a user who sees only `own`; empty when it is right."""
    found = []
    hidden = MARKERS[OTHER[own]]
    for params in _runs(name, own):
        df = _run(con, sql, params)
        text = df.astype(str).to_csv(index=False)
        leaked = [m for m in hidden if m in text]
        if leaked:
            found.append(f"{name} {params}: shows {leaked}")
        for qname, match, columns, rows in EXPECTED[own]:
            if qname != name:
                continue
            if any(params.get(k) != v for k, v in {"county": None, **match}.items()):
                continue
            got = _rows(df, columns.split())
            if got != rows:
                found.append(f"{name} {params}: rows {got}, by hand {rows}")
    return found


SCOPE_MACROS = ("in_scope(", "unit_cells(", "scope_units(")


def _mutated_macro_sql() -> str:
    macros = (config.MODELS_DIR / "_scope.sql").read_text(encoding="utf-8")
    mutated, n = _VISIBLE_IN_MACRO.subn("true", macros)
    assert n >= 1, "models/_scope.sql: expected list_contains(visible, …) in the scope macros"
    return mutated


@pytest.fixture(scope="module")
def con(handmade_dir):
    return db.open_extract(handmade_dir)


@pytest.fixture(scope="module")
def con_macro_ignores_visible(handmade_dir):
    """The same extract, but the shared scope macros ignore the visible counties."""
    c = db.open_extract(handmade_dir)
    c.execute(_mutated_macro_sql())
    return c


SCOPED = [n for n in db.query_names() if n not in EXEMPT]


def test_every_query_has_hand_worked_figures_for_one_county():
    assert {q for q, *_ in EXPECTED_SHANYANG} == set(SCOPED)


def test_exempt_queries_take_no_county_data():
    for name in EXEMPT:
        sql = db.load_query(name).sql
        assert "visible" not in db.load_query(name).params
        assert not re.search(r"\b(schools|regions|orgs|honors|member_flows)\b", sql), f"{name} reads county data"


@pytest.mark.parametrize("own", [SY, SZ], ids=["山阳县", "商州区"])
@pytest.mark.parametrize("name", SCOPED)
def test_query_shows_only_the_visible_counties(con, name, own):
    assert problems(con, name, db.load_query(name).sql, own) == []


@pytest.mark.parametrize("name", SCOPED)
def test_a_query_that_ignores_visible_fails_the_check(con, con_macro_ignores_visible, name):
    """Mutation check: with the scope condition removed, the same check must find a leak."""
    sql = db.load_query(name).sql
    in_file = _VISIBLE_IN_FILE.search(sql) is not None
    via_macro = any(m in sql for m in SCOPE_MACROS)
    assert in_file or via_macro, f"{name}.sql applies $visible neither itself nor through the scope macros"
    # Every place the query applies the scope is removed at once: a query scoped twice (through the
    # macro and again on regions) rightly stays correct when only one of them goes.
    mutant = _VISIBLE_IN_FILE.sub("true", sql)
    connection = con_macro_ignores_visible if via_macro else con
    rest = re.sub(r"\b(in_scope|unit_cells|scope_units)\([^)]*\)", "", mutant)
    # "$visible is null or true" is what remains of the all-counties short cut: it scopes nothing.
    rest = re.sub(r"\$visible is null or true", "", rest)
    assert "$visible" not in rest, f"{name}.sql uses $visible in a form this test cannot remove: extend the regex"
    found = problems(connection, name, mutant, SY) + problems(connection, name, mutant, SZ)
    assert found, f"{name}: the check did not notice the visible counties being ignored"
