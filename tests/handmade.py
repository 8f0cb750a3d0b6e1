"""A tiny extract written by hand: two counties, six schools, two years (2023, 2024).

Every figure the tests assert is worked out below by hand from these rows, not from the code.

Schools (open in 2023: S1–S5; in 2024: S1–S4, S6 — S5 closed in 2024, S6 opened in 2024):
  S1 2161000001 甲小学   商州区 城关街道   小学   公办 城区
  S2 1161000002 乙幼儿园 商州区 城关街道   幼儿园 民办 城区
  S3 2161000003 丙小学   商州区 沙河子镇   小学   公办 乡村
  S4 3161000004 丁中学   山阳县 城关街道   初中   公办 镇区
  S5 2161000005 戊小学   山阳县 高坝店镇   小学   公办 乡村  closed_year 2024
  S6 1161000006 己幼儿园 山阳县 高坝店镇   幼儿园 公办 乡村  opened_year 2024

Organisations (top-level unless said):
  O1  党总支 单独建立 host S1; 2023 一肩挑, 2024 分设; elected 2021-03-01 (3 yrs) then 2024-03-15
  O1A 党支部 under O1 (not top-level), host S1
  O2  党支部 联合建立 host S2 (民办), covers S2 and S3; 2023 分设, 2024 一肩挑; elected 2019-09-01 (overdue)
  O3  党支部 单独建立 host S4; 2023 一肩挑, 2024 书记空缺; elected 2023-05-01
  O4  党支部 挂靠建立, 2024 only, NO host school, covers S6; leadership 一肩挑 (not in the 一肩挑
      denominator, which counts organisations hosted by a school)

Hand-worked figures
  2023: schools 5 (商州区 3, 山阳县 2). Org coverage 4/5 = 80.0% (S5 has only an adviser);
        work coverage 5/5 = 100.0%. 山阳县: org 1/2 = 50.0%, work 2/2.
        Top-level orgs 3 (党总支 1, 党支部 2; 单独建立 2, 联合建立 1; hosted by 公办 2, 民办 1).
        一肩挑 2/3 = 66.7%, 分设 1/3, 书记空缺 0/3.
        Members: Σend 57, Σstart 55, net +2, growth 2/55 = 3.6%, admitted 5, staff 182,
        per 100 staff 5700/182 = 31.3; probationary 4, female 35, aged ≤35 15; 双培养 3/5 = 60.0%;
        pipeline applicants 14, activists 8, candidates 5.
        Demonstration schools 3 (市级 1: S1; 县级 2: S4, S5), new in 2023: 1 (S4).
        Stars: five-star top-level orgs 1 (O2) of 3 rated.
        Elections: O2 overdue (due 2022-09-01), O1 due soon (due 2024-03-01).
        Type vs size: O1 党总支 with 42 members (< 50).
        Not covered by an organisation: S5 (党建指导员). ≥ 3 full members without own org: none.
  2024: schools 5 (商州区 3, 山阳县 2). Org coverage 5/5, work 5/5.
        Top-level orgs 4 (O1–O4), hosted by a school 3: 一肩挑 1/3 = 33.3% (O2), 分设 1/3, 空缺 1/3.
        Members: Σend 68, Σstart 57, net +11, growth 11/57 = 19.3%, admitted 7, staff 184,
        per 100 staff 6800/184 = 37.0; probationary 6, female 43, aged ≤35 20; 双培养 4/7 = 57.1%;
        pipeline applicants 16, activists 11, candidates 7.
        Demonstration schools 2 (省级 1: S1, which also holds a 市级 award; 县级 1: S3; S4's award
        was revoked in 2024, S5 closed), new awards in 2024: 2 (S1 省级, S3 县级).
        Stars: five-star 2 (O1, O2) of 3 rated (O4 unrated).
        Elections: O2 overdue; none due soon. Type vs size: O1 (48 members).
        ≥ 3 full members without own org: S2 (4 full members, in the joint O2).

The year's work (child branches included unless said; O4 was founded, and elected, on 2024-06-01)
  2023: established none; elected O1A, O3 (党支部 2); secretaries appointed O2 (2023-02-20), O3
        (2023-05-01): 2; star-rated 3, five-star 1 (top-level, as above); new demonstration schools 县级 1
        (S4), in 2021–2023 县级 1 (S4; S1's 市级 award is of 2020, S5's of 2019); 双培养 3; new 一校一品
        县级 1 (S2); 最强党支部 县级 1 (O3).
  2024: established O4 (党支部 1); elected O1 (党总支, 2024-03-15) and O4 (党支部): 2; secretaries
        appointed O1 (2024-03-15), O2 (2024-09-01), O4 (2024-06-01): 3 (党总支 1, 党支部 2; O3 vacant, no
        date); star-rated 3, five-star 2; new demonstration schools 省级 1 (S1), 县级 1 (S3), the same in
        2022–2024 (S4's award revoked in 2024); 双培养 4; no new brand, no organisation honour.

Organisational life (org_activities). Held to (rules.REQUIREMENTS_BY_TYPE): the branches O1A, O2, O3,
O4 to all seven requirements; the 党总支 O1 to its committee meeting (kind 支部委员会) monthly and to
组织生活会 and 民主评议党员 yearly. Each holds every meeting it is held to once per period (the monthly
ones every month, 支部党员大会 and 党课 in the quarter's first month, the yearly ones in December), in
2023 January–December and in 2024 January–November (the extract's latest year: data runs to
November, so its current quarter is October–November, with no quarterly or yearly requirement due
yet, and no whole-year figure); O4 from June 2024 (its founding month; the second quarter and the
year are not due for it, the third quarter is: 支部党员大会 and 党课 in July). Except these gaps:
  2023: O1 no committee meeting in March; O2 no 党课 in the fourth quarter, 主题党日 in November
        reported as 0 times; O3 no 主题党日 in October, no 民主评议党员.
  2024: O1A no 党小组会 in October; O2 no 党课 in the second quarter; O3 no 党小组会 in September;
        O4 no 支部委员会 in November.
  (Extras that change nothing: O1 held a 党课 in April 2023, which a 党总支 is not held to; O3 held
  its first-quarter 党课 of 2023 twice, in February.)
  2023 (complete): organisations required 4 in every span. Fourth quarter (October–December, the
        quarter and the year): met O1, O1A: 2/4 = 50.0%; behind O2 (党课：本季度0次；主题党日：11月0次)
        and O3 (主题党日：10月0次；民主评议党员：全年0次). Whole year: met O1A: 1/4 = 25.0%.
        By month (requirements falling due that month): 4 required each month; met 4 except
        March 3 (O1), October 3 (O3), November 3 (O2), December 2 (O2's quarter, O3's year).
        Most missed: 主题党日, by 2 organisations (O2, O3); 支部委员会, 党课, 民主评议党员 by 1 each.
        By county: 商州区 Q4 2/3, year 1/3; 山阳县 Q4 0/1, year 0/1.
  2024 (to November): required 5 (O4 from June). Fourth quarter so far: met O1, O2, O3: 3/5 =
        60.0%; behind O1A (党小组会：10月0次) and O4 (支部委员会：11月0次). January–November: met O1:
        1/5 = 20.0%. By month: January–May 4/4; June 4/5 (O2's second quarter; O4 now due); July,
        August 5/5; September 4/5 (O3); October 4/5 (O1A); November 4/5 (O4).
        Most missed: 党小组会, by 2 organisations (O1A, O3).
        By county: 商州区 Q4 2/3, January–November 1/3; 山阳县 Q4 1/2, January–November 0/2.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

SHANGZHOU, SHANYANG = "611002", "611024"
S1, S2, S3, S4, S5, S6 = (f"{p}6100000{i}" for p, i in
                          (("21", 1), ("11", 2), ("21", 3), ("31", 4), ("21", 5), ("11", 6)))
D = dt.date.fromisoformat


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def build_tables() -> dict[str, pd.DataFrame]:
    regions = _frame("county_code county_name city_code city_name sort_order", [
        (SHANGZHOU, "商州区", "611000", "商洛市", 1),
        (SHANYANG, "山阳县", "611000", "商洛市", 2),
    ])
    schools = _frame("school_id school_name county_code township stage ownership locale opened_year closed_year", [
        (S1, "甲小学", SHANGZHOU, "城关街道", "小学", "公办", "城区", 2000, None),
        (S2, "乙幼儿园", SHANGZHOU, "城关街道", "幼儿园", "民办", "城区", 2010, None),
        (S3, "丙小学", SHANGZHOU, "沙河子镇", "小学", "公办", "乡村", 1990, None),
        (S4, "丁中学", SHANYANG, "城关街道", "初中", "公办", "镇区", 1980, None),
        (S5, "戊小学", SHANYANG, "高坝店镇", "小学", "公办", "乡村", 1995, 2024),
        (S6, "己幼儿园", SHANYANG, "高坝店镇", "幼儿园", "公办", "乡村", 2024, None),
    ])
    schools["closed_year"] = schools["closed_year"].astype("Int64")
    school_years = _frame("school_id year staff students coverage org_id", [
        (S1, 2023, 60, 900, "单独建立", "O1"),
        (S2, 2023, 12, 150, "联合建立", "O2"),
        (S3, 2023, 20, 200, "联合建立", "O2"),
        (S4, 2023, 80, 1000, "单独建立", "O3"),
        (S5, 2023, 10, 60, "党建指导员", None),
        (S1, 2024, 60, 920, "单独建立", "O1"),
        (S2, 2024, 14, 160, "联合建立", "O2"),
        (S3, 2024, 20, 190, "联合建立", "O2"),
        (S4, 2024, 82, 1010, "单独建立", "O3"),
        (S6, 2024, 8, 90, "挂靠建立", "O4"),
    ])
    orgs = _frame(
        "org_id year org_name org_type parent_org_id formation host_school_id leadership "
        "established_date last_election_date term_years star_rating full_members probationary_members", [
            ("O1", 2023, "中共甲小学总支部委员会", "党总支", None, "单独建立", S1, "一肩挑", D("2005-06-01"), D("2021-03-01"), 3, 4, 40, 2),
            ("O1A", 2023, "中共甲小学第一支部委员会", "党支部", "O1", "单独建立", S1, "分设", D("2010-01-01"), D("2023-03-01"), 3, None, 20, 1),
            ("O2", 2023, "中共城关街道幼儿园联合支部委员会", "党支部", None, "联合建立", S2, "分设", D("2016-09-01"), D("2019-09-01"), 3, 5, 4, 1),
            ("O3", 2023, "中共丁中学支部委员会", "党支部", None, "单独建立", S4, "一肩挑", D("2001-07-01"), D("2023-05-01"), 3, 3, 9, 1),
            ("O1", 2024, "中共甲小学总支部委员会", "党总支", None, "单独建立", S1, "分设", D("2005-06-01"), D("2024-03-15"), 3, 5, 45, 3),
            ("O1A", 2024, "中共甲小学第一支部委员会", "党支部", "O1", "单独建立", S1, "分设", D("2010-01-01"), D("2023-03-01"), 3, None, 22, 1),
            ("O2", 2024, "中共城关街道幼儿园联合支部委员会", "党支部", None, "联合建立", S2, "一肩挑", D("2016-09-01"), D("2019-09-01"), 3, 5, 6, 1),
            ("O3", 2024, "中共丁中学支部委员会", "党支部", None, "单独建立", S4, "书记空缺", D("2001-07-01"), D("2023-05-01"), 3, 4, 9, 2),
            ("O4", 2024, "中共高坝店镇中心社区支部委员会", "党支部", None, "挂靠建立", None, "一肩挑", D("2024-06-01"), D("2024-06-01"), 3, None, 2, 0),
        ])
    orgs["star_rating"] = orgs["star_rating"].astype("Int64")
    # Appointed: O1's new secretary with its 2024 election (一肩挑 → 分设), O2's in 2023 and again in
    # 2024 (分设 → 一肩挑), O3's in 2023 (vacant in 2024: no date), O4's at its founding; O1A unknown.
    orgs["secretary_appointed_date"] = [D("2018-09-01"), None, D("2023-02-20"), D("2023-05-01"),
                                        D("2024-03-15"), None, D("2024-09-01"), None, D("2024-06-01")]
    member_flows = _frame(
        "school_id year members_start admitted transferred_in transferred_out deceased other_exits members_end "
        "probationary female aged_35_or_under applicants activists candidates admitted_backbone", [
            (S1, 2023, 40, 3, 1, 1, 0, 1, 42, 2, 25, 10, 8, 5, 3, 2),
            (S2, 2023, 2, 1, 0, 0, 0, 0, 3, 1, 3, 2, 2, 1, 1, 0),
            (S3, 2023, 2, 0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0),
            (S4, 2023, 10, 1, 0, 1, 0, 0, 10, 1, 6, 3, 4, 2, 1, 1),
            (S5, 2023, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            (S1, 2024, 42, 4, 2, 0, 0, 0, 48, 3, 28, 12, 9, 6, 4, 3),
            (S2, 2024, 3, 0, 1, 0, 0, 0, 4, 0, 4, 2, 1, 1, 0, 0),
            (S3, 2024, 2, 1, 0, 0, 0, 0, 3, 1, 2, 1, 1, 1, 1, 0),
            (S4, 2024, 10, 2, 0, 0, 1, 0, 11, 2, 7, 4, 5, 3, 2, 1),
            (S6, 2024, 0, 0, 2, 0, 0, 0, 2, 0, 2, 1, 0, 0, 0, 0),
        ])
    honors = _frame("honor_id school_id org_id kind level year_awarded title revoked_year", [
        ("H1", S1, None, "党建示范校", "市级", 2020, "市级党建示范校", None),
        ("H2", S1, None, "党建示范校", "省级", 2024, "省级党建示范校", None),
        ("H3", S4, None, "党建示范校", "县级", 2023, "县级党建示范校", 2024),
        ("H4", S3, None, "党建示范校", "县级", 2024, "县级党建示范校", None),
        ("H5", S2, None, "一校一品", "县级", 2023, "红色童心", None),
        ("H6", None, "O3", "最强党支部", "县级", 2023, "最强党支部", None),
        ("H7", S5, None, "党建示范校", "县级", 2019, "县级党建示范校", None),
    ])
    honors["revoked_year"] = honors["revoked_year"].astype("Int64")
    org_activities = _activities()
    return {"regions": regions, "schools": schools, "school_years": school_years, "orgs": orgs,
            "member_flows": member_flows, "honors": honors, "org_activities": org_activities}


MONTHLY = ("支部委员会", "党小组会", "主题党日")
QUARTERLY = ("支部党员大会", "党课")
YEARLY = ("组织生活会", "民主评议党员")


def _activities() -> pd.DataFrame:
    """org_activities as the docstring says: the regular schedule, then its gaps and extras."""
    rows: dict[tuple, int] = {}

    def regular(org, year, months, kinds_monthly, quarterly=True, yearly=True):
        for m in months:
            for k in kinds_monthly:
                rows[(org, year, m, k)] = 1
            if quarterly and m % 3 == 1:
                for k in QUARTERLY:
                    rows[(org, year, m, k)] = 1
            if yearly and m == 12:
                for k in YEARLY:
                    rows[(org, year, m, k)] = 1

    for year, last in ((2023, 12), (2024, 11)):
        regular("O1", year, range(1, last + 1), ("支部委员会",), quarterly=False)   # a 党总支
        for org in ("O1A", "O2", "O3"):
            regular(org, year, range(1, last + 1), MONTHLY)
    regular("O4", 2024, range(6, 12), MONTHLY, quarterly=False)
    rows[("O4", 2024, 7, "支部党员大会")] = rows[("O4", 2024, 7, "党课")] = 1
    rows[("O4", 2024, 6, "党课")] = 1
    # Gaps.
    for key in (("O1", 2023, 3, "支部委员会"), ("O2", 2023, 10, "党课"), ("O3", 2023, 10, "主题党日"),
                ("O3", 2023, 12, "民主评议党员"), ("O1A", 2024, 10, "党小组会"), ("O2", 2024, 4, "党课"),
                ("O3", 2024, 9, "党小组会"), ("O4", 2024, 11, "支部委员会")):
        del rows[key]
    rows[("O2", 2023, 11, "主题党日")] = 0   # reported as not held
    # Extras that change nothing: a 党课 the 党总支 is not held to; O3's first-quarter 党课 twice in February.
    rows[("O1", 2023, 4, "党课")] = 1
    del rows[("O3", 2023, 1, "党课")]
    rows[("O3", 2023, 2, "党课")] = 2
    frame = pd.DataFrame([(*k, v) for k, v in sorted(rows.items())], columns="org_id year month kind times".split())
    return frame


def without_activities() -> dict[str, pd.DataFrame]:
    """The same extract with org_activities present but empty (organisational life not supplied)."""
    tables = build_tables()
    tables["org_activities"] = tables["org_activities"].iloc[0:0]
    return tables


def write(out_dir) -> None:
    from dashboard import extract

    extract.write_tables(build_tables(), out_dir)


# ---------------------------------------------------------------------------------------------
# A second tiny extract for the placement rule (DESIGN §3: an organisation is never dropped).
#
# Schools: PA 2161000101 商州区 沙河子镇 小学 (open); PV 2161000102 山阳县 高坝店镇 小学, closed in 2024
# (a village school); PB 3161000103 山阳县 城关街道 初中 (open).
# Organisations (2023 and 2024 unless said):
#   OT  党委, no host, a township 党委: covers no school itself; its child OTC covers PA
#   OTC 党支部 under OT, no host, covers PA (挂靠建立)
#   OV  党支部 挂靠建立, no host: covers PV in 2023; kept in 2024 after PV closed, covering nothing
#   OU  党支部 挂靠建立, 2024 only: no host, no school, no child, no earlier year
#   OB  党支部 单独建立, host PB
# Placement by hand: OT at PA (through its child) in both years → 商州区; OV at PV: covered in
# 2023, from its latest earlier year in 2024 → 山阳县; OU unplaced; OB at its host PB.
# 2023: top-level organisations 3 (OT, OV, OB): 党委 1, 党支部 2; 商州区 1, 山阳县 2.
# 2024: top-level organisations 4 (OT, OV, OU, OB): 党委 1, 党支部 3, unplaced 1; 商州区 1 (OT),
#       山阳县 2 (OV, OB); OU only where no filter applies. Stage 小学 in 2024: OT and OV (2).
#       OV's last election 2018-05-01 (3-year term): overdue in 2024, listed under 山阳县.
# ---------------------------------------------------------------------------------------------
PA, PV, PB = "2161000101", "2161000102", "3161000103"


def placement_tables() -> dict[str, pd.DataFrame]:
    regions = _frame("county_code county_name city_code city_name sort_order", [
        (SHANGZHOU, "商州区", "611000", "商洛市", 1), (SHANYANG, "山阳县", "611000", "商洛市", 2)])
    schools = _frame("school_id school_name county_code township stage ownership locale opened_year closed_year", [
        (PA, "沙河小学", SHANGZHOU, "沙河子镇", "小学", "公办", "乡村", 2000, None),
        (PV, "村小学", SHANYANG, "高坝店镇", "小学", "公办", "乡村", 1990, 2024),
        (PB, "城关中学", SHANYANG, "城关街道", "初中", "公办", "城区", 1980, None)])
    schools["closed_year"] = schools["closed_year"].astype("Int64")
    school_years = _frame("school_id year staff students coverage org_id", [
        (PA, 2023, 20, 200, "挂靠建立", "OTC"), (PV, 2023, 8, 40, "挂靠建立", "OV"), (PB, 2023, 60, 700, "单独建立", "OB"),
        (PA, 2024, 20, 210, "挂靠建立", "OTC"), (PB, 2024, 61, 720, "单独建立", "OB")])
    base = dict(established_date=D("2010-01-01"), term_years=3, star_rating=None, secretary_appointed_date=None)
    rows = []
    for year in (2023, 2024):
        rows += [("OT", year, "中共沙河子镇委员会", "党委", None, "挂靠建立", None, "分设", D("2022-03-01"), 5, 120, 3),
                 ("OTC", year, "中共沙河子镇教育支部委员会", "党支部", "OT", "挂靠建立", None, "分设", D("2022-03-01"), 3, 8, 0),
                 ("OV", year, "中共高坝店镇村联合支部委员会", "党支部", None, "挂靠建立", None, "分设", D("2018-05-01"), 3, 4, 0),
                 ("OB", year, "中共城关中学支部委员会", "党支部", None, "单独建立", PB, "一肩挑", D("2023-04-01"), 3, 20, 1)]
    rows.append(("OU", 2024, "中共高坝店镇某村支部委员会", "党支部", None, "挂靠建立", None, "书记空缺", D("2024-01-01"), 3, 3, 0))
    orgs = pd.DataFrame([dict(zip(
        "org_id year org_name org_type parent_org_id formation host_school_id leadership last_election_date "
        "term_years full_members probationary_members".split(), r)) for r in rows])
    for k, v in base.items():
        if k not in orgs:
            orgs[k] = [v] * len(orgs)
    orgs["star_rating"] = orgs["star_rating"].astype("Int64")
    flows = school_years[["school_id", "year"]].copy()
    for c in ("members_start", "admitted", "transferred_in", "transferred_out", "deceased", "other_exits", "members_end",
              "probationary", "female", "aged_35_or_under", "applicants", "activists", "candidates", "admitted_backbone"):
        flows[c] = 0
    honors = pd.DataFrame(columns="honor_id school_id org_id kind level year_awarded title revoked_year".split())
    return {"regions": regions, "schools": schools, "school_years": school_years, "orgs": orgs, "member_flows": flows,
            "honors": honors, "org_activities": pd.DataFrame(columns="org_id year month kind times".split())}
