"""The demo generator: 商洛市's published 2018 figures, the contract's identities, determinism.

Every figure is recomputed here with plain pandas from the tables, never through the generator's
internals, so a change in the generator that breaks a published figure fails loudly.
"""
from __future__ import annotations

import argparse

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard import config, contract, demo, extract

Y0, Y1 = 2018, 2025
ORG_COVERAGES = ["单独建立", "联合建立", "挂靠建立"]


@pytest.fixture(scope="module")
def t():
    return demo.generate()


@pytest.fixture(scope="module")
def province():
    return demo.generate(schools=3000, seed=7)


def open_schools(schools: pd.DataFrame, y: int) -> pd.DataFrame:
    closed = schools["closed_year"]
    return schools[(schools["opened_year"] <= y) & (closed.isna() | (closed > y))]


def top_level(orgs: pd.DataFrame, y: int) -> pd.DataFrame:
    o = orgs[orgs["year"] == y]
    return o[o["parent_org_id"].isna()]


# ---------------------------------------------------------------------------------------------
# The published 2018 figures of 商洛市, literally

def test_school_mix_2018(t):
    s = open_schools(t["schools"], Y0)
    counts = s["stage"].value_counts()
    assert len(s) == 1077
    assert counts.get("高中", 0) + counts.get("完全中学", 0) + counts.get("十二年一贯制学校", 0) == 25
    assert counts.get("初中", 0) + counts.get("九年一贯制学校", 0) == 136
    assert counts["小学"] == 399
    assert counts["幼儿园"] == 507
    assert counts["中等职业学校"] == 7
    assert counts["特殊教育学校"] == 3


def test_regions_are_shangluo(t):
    r = t["regions"]
    assert r["county_code"].tolist() == ["611002", "611021", "611022", "611023", "611024", "611025", "611026"]
    assert r["county_name"].tolist() == ["商州区", "洛南县", "丹凤县", "商南县", "山阳县", "镇安县", "柞水县"]
    assert set(r["city_code"]) == {"611000"} and set(r["city_name"]) == {"商洛市"}
    assert r["sort_order"].tolist() == list(range(1, 8))
    sizes = open_schools(t["schools"], Y0).groupby("county_code").size()
    assert sizes.idxmax() in ("611002", "611021") and sizes.idxmin() == "611026"


def test_organisations_2018(t):
    top = top_level(t["orgs"], Y0)
    assert len(top) == 455
    assert top["host_school_id"].notna().all()
    host = top.merge(t["schools"][["school_id", "ownership"]], left_on="host_school_id", right_on="school_id")
    assert len(host) == 455
    assert (host["ownership"] == "公办").sum() == 418
    assert (host["ownership"] == "民办").sum() == 37
    types = top["org_type"].value_counts()
    assert (types["党委"], types["党总支"], types["党支部"]) == (5, 53, 397)
    formation = top["formation"].value_counts()
    assert formation["单独建立"] == 241
    assert formation["联合建立"] + formation["挂靠建立"] == 214


def test_one_shoulder_2018(t):
    top = top_level(t["orgs"], Y0)
    combined = int((top["leadership"] == "一肩挑").sum())
    assert combined == 335
    assert f"{100 * combined / len(top):.1f}%" == "73.6%"


def test_demonstration_schools_2018(t):
    h = t["honors"]
    held = h[(h["kind"] == "党建示范校") & (h["year_awarded"] <= Y0)
             & (h["revoked_year"].isna() | (h["revoked_year"] > Y0))]
    assert held["school_id"].nunique() == 46
    # Robust to either reading of "unrevoked": none of these is ever revoked.
    assert held["revoked_year"].isna().all()


def test_members_2018(t):
    mf = t["member_flows"]
    open_ids = open_schools(t["schools"], Y0)["school_id"]
    assert mf.loc[(mf["year"] == Y0) & mf["school_id"].isin(open_ids), "members_end"].sum() == 7152


def test_full_coverage_2018(t):
    sy = t["school_years"]
    y = sy[sy["year"] == Y0]
    assert len(y) == 1077
    covered = y["coverage"].isin(ORG_COVERAGES) & y["org_id"].notna()
    assert covered.sum() == 1077
    assert y["coverage"].isin(ORG_COVERAGES + ["党建指导员"]).sum() == 1077


# ---------------------------------------------------------------------------------------------
# Structure and identities, every year

def test_rows_exactly_for_open_years(t):
    s, sy = t["schools"], t["school_years"]
    expected = pd.concat([open_schools(s, y)[["school_id"]].assign(year=y) for y in range(Y0, Y1 + 1)])
    for table in ("school_years", "member_flows"):
        got = t[table][["school_id", "year"]]
        assert not got.duplicated().any()
        merged = expected.merge(got, how="outer", indicator=True)
        assert (merged["_merge"] == "both").all(), table
    assert s["school_id"].is_unique and s["school_name"].is_unique
    assert (s.loc[s["closed_year"].notna(), "closed_year"] > Y0).all()
    assert s["closed_year"].notna().sum() > 0
    new = s[s["opened_year"] > Y0]
    assert len(new) > 0 and new["opened_year"].between(2020, Y1).all()
    assert s.loc[s["opened_year"] <= Y0, "opened_year"].between(1949, Y0 - 1).all()
    assert sy["org_id"].isna().sum() == (~sy["coverage"].isin(ORG_COVERAGES)).sum()


def test_school_ids(t):
    s = t["schools"]
    assert s["school_id"].str.fullmatch(r"[0-9]{10}").all()
    assert (s["school_id"].str[2:4] == "61").all()
    code = {"幼儿园": "11", "小学": "21", "初中": "31", "九年一贯制学校": "31", "高中": "34", "完全中学": "34",
            "中等职业学校": "36", "特殊教育学校": "51"}
    assert (s["school_id"].str[:2] == s["stage"].map(code)).all()


def test_coverage_semantics(t):
    sy, orgs, s = t["school_years"], t["orgs"], t["schools"]
    covered = sy[sy["org_id"].notna()].merge(orgs, on=["org_id", "year"], how="left", validate="many_to_one")
    assert covered["org_name"].notna().all()
    assert covered["parent_org_id"].isna().all()
    assert (covered["coverage"] == covered["formation"]).all()
    own = covered[covered["coverage"] == "单独建立"]
    assert (own["host_school_id"] == own["school_id"]).all()
    size = covered.groupby(["org_id", "year", "formation"]).size().rename("n").reset_index()
    assert size.loc[size["formation"] == "单独建立", "n"].eq(1).all()
    assert size.loc[size["formation"] == "联合建立", "n"].between(2, 5).all()
    assert size.loc[size["formation"] == "挂靠建立", "n"].between(1, 5).all()
    # The host of a shared organisation is one of the schools it covers that year.
    hosts = covered.drop_duplicates(["org_id", "year"])[["org_id", "year", "host_school_id"]]
    found = hosts.merge(covered[["org_id", "year", "school_id"]], how="left", indicator=True,
                        left_on=["org_id", "year", "host_school_id"], right_on=["org_id", "year", "school_id"])
    assert (found["_merge"] == "both").all()
    # Every top-level organisation covers at least one school; every host is open that year.
    top = orgs[orgs["parent_org_id"].isna()]
    assert top.set_index(["org_id", "year"]).index.isin(size.set_index(["org_id", "year"]).index).all()
    for y in range(Y0, Y1 + 1):
        hosts_y = orgs.loc[orgs["year"] == y, "host_school_id"]
        assert hosts_y.isin(open_schools(s, y)["school_id"]).all()


def test_org_members_are_sums_of_schools(t):
    sy, mf, orgs = t["school_years"], t["member_flows"], t["orgs"]
    m = sy[sy["org_id"].notna()].merge(mf, on=["school_id", "year"])
    m["full"] = m["members_end"] - m["probationary"]
    sums = m.groupby(["org_id", "year"])[["full", "probationary"]].sum()
    top = orgs[orgs["parent_org_id"].isna()].set_index(["org_id", "year"])
    joined = top.join(sums, how="left")
    assert (joined["full_members"] == joined["full"]).all()
    assert (joined["probationary_members"] == joined["probationary"]).all()
    children = orgs[orgs["parent_org_id"].notna()]
    assert len(children) > 0
    assert (children["formation"] == "单独建立").all()
    parents = orgs.set_index(["org_id", "year"])
    by_parent = children.groupby(["parent_org_id", "year"])[["full_members", "probationary_members"]].sum()
    p = parents.loc[by_parent.index]
    assert (p["org_type"] == "党委").all()
    assert (by_parent["full_members"].to_numpy() == p["full_members"].to_numpy()).all()
    assert (by_parent["probationary_members"].to_numpy() == p["probationary_members"].to_numpy()).all()
    same_host = children.merge(orgs[["org_id", "year", "host_school_id"]], left_on=["parent_org_id", "year"],
                               right_on=["org_id", "year"], suffixes=("", "_parent"))
    assert (same_host["host_school_id"] == same_host["host_school_id_parent"]).all()


def test_flow_identity_every_row(t):
    mf = t["member_flows"]
    expected = (mf["members_start"] + mf["admitted"] + mf["transferred_in"]
                - mf["transferred_out"] - mf["deceased"] - mf["other_exits"])
    assert (mf["members_end"] == expected).all()
    counts = mf.drop(columns=["school_id", "year"])
    assert (counts >= 0).all().all()
    for part in ("probationary", "female", "aged_35_or_under"):
        assert (mf[part] <= mf["members_end"]).all(), part
    assert (mf["admitted_backbone"] <= mf["admitted"]).all()
    assert (mf["applicants"] >= mf["activists"]).all()
    assert (mf["activists"] >= mf["candidates"]).all()


def test_members_carry_over(t):
    mf = t["member_flows"]
    prev = mf[["school_id", "year", "members_end"]].assign(year=mf["year"] + 1)
    m = mf.merge(prev, on=["school_id", "year"], suffixes=("", "_prev"))
    assert len(m) > 7 * 1000
    assert (m["members_start"] == m["members_end_prev"]).all()


def test_members_grow_a_few_percent(t):
    total = t["member_flows"].groupby("year")["members_end"].sum()
    growth = total.pct_change().dropna()
    assert growth.between(0.005, 0.06).all()


def test_staff_and_members_plausible(t):
    sy, mf, s = t["school_years"], t["member_flows"], t["schools"]
    m = sy.merge(mf, on=["school_id", "year"]).merge(s[["school_id", "stage"]], on="school_id")
    assert (m["members_end"] <= m["staff"]).all()
    y = m[m["year"] == Y0]
    median = y.groupby("stage")["staff"].median()
    assert 10 <= median["幼儿园"] <= 40 and 20 <= median["小学"] <= 80
    assert 40 <= median["初中"] <= 150 and 100 <= median["高中"] <= 300
    own = y[y["coverage"] == "单独建立"]
    assert ((own["members_end"] - own["probationary"]) >= 3).mean() > 0.95
    shared = y[y["coverage"].isin(["联合建立", "挂靠建立"])]
    assert ((shared["members_end"] - shared["probationary"]) < 3).mean() > 0.9


def test_org_attributes(t):
    o = t["orgs"]
    assert o.groupby("org_id")[["org_name", "org_type", "formation"]].nunique().eq(1).all().all()
    assert o["org_id"].str.fullmatch(r"O[0-9]{7}").all()
    end_of_year = pd.to_datetime((o["year"] + 1).astype(str) + "-01-01")
    assert (pd.to_datetime(o["last_election_date"]) < end_of_year).all()
    assert (pd.to_datetime(o["last_election_date"]) >= pd.to_datetime(o["established_date"])).all()
    first = o.groupby("org_id")["year"].transform("min")
    assert (pd.to_datetime(o["established_date"]).dt.year <= first).all()
    term = o["org_type"].map({"党委": 5, "党总支": 3, "党支部": 3})
    assert (o["term_years"] == term).all()
    assert o.loc[o["formation"] != "单独建立", "org_type"].eq("党支部").all()
    stars = o["star_rating"].dropna()
    assert stars.between(1, 5).all()
    five = o[o["star_rating"] == 5].groupby("year").size()
    assert five.loc[Y1] > five.loc[Y0 + 1]
    # After the 2022 reform the larger organisations have a separate secretary (or none for a while).
    big = o[(o["year"] >= 2023) & o["org_type"].isin(["党委", "党总支"]) & o["parent_org_id"].isna()]
    assert big["leadership"].isin(["分设", "书记空缺"]).all()


def test_honors(t):
    h, s, o = t["honors"], t["schools"], t["orgs"]
    assert h["honor_id"].is_unique
    assert h["school_id"].dropna().isin(s["school_id"]).all()
    assert h["org_id"].dropna().isin(o["org_id"]).all()
    assert set(h["kind"]) == set(contract.HONOR_KINDS)
    school_kinds = h[h["kind"].isin(["党建示范校", "一校一品"])]
    assert school_kinds["school_id"].notna().all() and school_kinds["org_id"].isna().all()
    org_kinds = h[h["kind"].isin(["最强党支部", "先进基层党组织"])]
    assert org_kinds["org_id"].notna().all()
    assert h["title"].str.len().gt(0).all()
    assert (h["revoked_year"].dropna() > h.loc[h["revoked_year"].notna(), "year_awarded"]).all()
    demo_held = [h[(h["kind"] == "党建示范校") & (h["year_awarded"] <= y)
                   & (h["revoked_year"].isna() | (h["revoked_year"] > y))]["school_id"].nunique()
                 for y in range(Y0, Y1 + 1)]
    assert demo_held == sorted(demo_held) and demo_held[-1] > demo_held[0]


def test_later_years_have_action_items(t):
    sy, mf, o = t["school_years"], t["member_flows"], t["orgs"]
    for y in (2023, 2024, 2025):
        cov = sy.loc[sy["year"] == y, "coverage"]
        assert cov.isin(ORG_COVERAGES).sum() < len(cov), y
    later = sy[sy["year"] > Y0 + 2]
    assert (later["coverage"] == "未覆盖").any()
    top = o[o["parent_org_id"].isna() & (o["year"] > Y0 + 2)]
    due = pd.to_datetime(top["last_election_date"]) + pd.to_timedelta(top["term_years"] * 365, unit="D")
    end_of_year = pd.to_datetime((top["year"] + 1).astype(str) + "-01-01")
    assert (due < end_of_year).any()
    assert ((due >= end_of_year) & (due < end_of_year + pd.DateOffset(months=6))).any()
    m = later.merge(mf, on=["school_id", "year"])
    shared = m["coverage"].isin(["联合建立", "挂靠建立"])
    assert (shared & (m["members_end"] - m["probationary"] >= 3)).any()


def test_tables_match_the_contract(t):
    for name, spec in contract.TABLES.items():
        assert list(t[name].columns) == spec.names
        extract.to_arrow(name, t[name])  # raises on a type the contract does not accept


# ---------------------------------------------------------------------------------------------
# Determinism and scaling

def test_deterministic(t):
    again = demo.generate()
    for name in contract.TABLES:
        pd.testing.assert_frame_equal(t[name], again[name], check_exact=True)
    other = demo.generate(seed=1)
    assert not t["schools"].equals(other["schools"])
    assert not t["member_flows"].equals(other["member_flows"])
    # Another seed is another fictional city with the same published first year.
    assert other["member_flows"].query("year == @Y0")["members_end"].sum() == 7152
    assert len(top_level(other["orgs"], Y0)) == 455


def test_province_scale_is_consistent(province):
    t = province
    s, r, sy, mf, o, h = (t[k] for k in ("schools", "regions", "school_years", "member_flows", "orgs", "honors"))
    assert len(open_schools(s, Y0)) == 3000
    assert len(r) > 7 and r["county_code"].is_unique
    assert r["county_code"].str.fullmatch(r"[0-9]{6}").all() and r["city_code"].str.fullmatch(r"[0-9]{6}").all()
    assert s["county_code"].isin(r["county_code"]).all()
    assert s["school_id"].is_unique and s["school_name"].is_unique
    per_county = open_schools(s, Y0).groupby("county_code").size()
    assert per_county.drop(index=["611002", "611021", "611022", "611023", "611024", "611025", "611026"]) \
        .between(100, 450).all()
    expected = (mf["members_start"] + mf["admitted"] + mf["transferred_in"]
                - mf["transferred_out"] - mf["deceased"] - mf["other_exits"])
    assert (mf["members_end"] == expected).all()
    assert (sy.set_index(["school_id", "year"]).index == mf.set_index(["school_id", "year"]).index).all()
    keyed = o.set_index(["org_id", "year"]).index
    assert keyed.is_unique
    refs = sy[sy["org_id"].notna()].set_index(["org_id", "year"]).index
    assert refs.isin(keyed).all()
    parents = o[o["parent_org_id"].notna()].set_index(["parent_org_id", "year"]).index
    assert parents.isin(keyed).all()
    assert o["host_school_id"].isin(s["school_id"]).all()
    assert h["school_id"].dropna().isin(s["school_id"]).all() and h["org_id"].dropna().isin(o["org_id"]).all()
    # Proportionate to the city: about 455 organisations and 7,152 members per 1,077 schools.
    top = top_level(o, Y0)
    assert abs(len(top) - 455 * 3000 / 1077) <= 2
    assert mf.query("year == @Y0")["members_end"].sum() == round(7152 * 3000 / 1077)
    shared = sy[sy["coverage"] == "联合建立"].groupby(["org_id", "year"]).size()
    assert shared.between(2, 5).all()
    for name in contract.TABLES:
        extract.to_arrow(name, t[name])  # types, and no null where the contract forbids one


# ---------------------------------------------------------------------------------------------
# The command and the committed extract

def test_command_writes_an_extract(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    demo.configure(parser)
    args = parser.parse_args(["--out", str(tmp_path), "--schools", "300", "--seed", "3"])
    assert demo.run(args) == 0
    assert "已生成演示数据（虚构）" in capsys.readouterr().out
    assert (tmp_path / config.DEMO_MARKER).is_file()
    back = extract.read_tables(tmp_path)
    assert set(back) == set(contract.TABLES)
    assert len(open_schools(back["schools"], Y0)) == 300


def test_committed_extract_is_the_default_demo(t):
    data = config.PROJECT_DIR / "data"
    if not contract.parquet_path(data, "schools").is_file():
        pytest.skip("data/ holds no extract")
    assert (data / config.DEMO_MARKER).is_file()
    for name in contract.TABLES:
        committed = pq.read_table(contract.parquet_path(data, name))
        assert committed.equals(extract.to_arrow(name, t[name])), \
            f"data/{name}.parquet differs from demo.generate(): run python -m dashboard demo --out data"


def test_default_extract_validates(t, tmp_path):
    validate = pytest.importorskip("dashboard.validate")
    # validate cannot check a non-empty org_activities yet (see test_demo_jurisdictions.py's
    # test_validates_without_errors); the rest of the extract must pass.
    extract.write_tables({k: v for k, v in t.items() if k != "org_activities"}, tmp_path, demo=True)
    findings = validate.check_dir(tmp_path)
    assert [str(f) for f in findings if f.severity == "error"] == []
    # The warnings are the intended action-list content, not noise: a handful of each kind.
    warnings = [f for f in findings if f.severity == "warning"]
    assert 0 < len(warnings) < 0.05 * len(t["school_years"])
