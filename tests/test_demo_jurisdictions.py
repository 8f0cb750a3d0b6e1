"""The two demo jurisdictions calibrated to a published article, besides 商洛市.

济宁市 (python -m dashboard demo --city 370800): 任城区's 2020 reproduces seed 004; the fictional
演示市演示区 (--city 990100): its 2023 reproduces seed 002. Every figure is recomputed here with plain
pandas from the tables, as a reader of the article would count it, never through the generator.
"""
from __future__ import annotations

import argparse

import pandas as pd
import pytest

from dashboard import config, contract, demo, extract

RENCHENG, JINING = "370811", "370800"
DISTRICT, DISTRICT_CITY = "990101", "990100"


@pytest.fixture(scope="module")
def jining():
    return demo.generate(city=JINING)


@pytest.fixture(scope="module")
def district():
    return demo.generate(city=DISTRICT_CITY)


def orgs_in(t: dict, county: str, year: int) -> pd.DataFrame:
    """Organisations of a year placed in a county by their host school (a committee's branches share it)."""
    o = t["orgs"][t["orgs"]["year"] == year]
    county_of = t["schools"].set_index("school_id")["county_code"]
    return o[o["host_school_id"].map(county_of) == county]


def schools_in(t: dict, county: str) -> pd.Series:
    s = t["schools"]
    return s.loc[s["county_code"] == county, "school_id"]


def year_of(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.year


def by_type(df: pd.DataFrame) -> dict[str, int]:
    return {k: int(v) for k, v in df["org_type"].value_counts().items()}


# ---------------------------------------------------------------------------------------------
# 任城区 2020 (seed 004)

def test_rencheng_is_in_jining(jining):
    r = jining["regions"]
    assert r["county_code"].tolist() == ["370811", "370812", "370826", "370827", "370828", "370829", "370830",
                                         "370831", "370832", "370881", "370883"]
    assert r.loc[r["county_code"] == RENCHENG, "county_name"].item() == "任城区"
    assert set(r["city_name"]) == {"济宁市"} and set(r["city_code"]) == {JINING}
    assert (jining["schools"]["school_id"].str[2:4] == "37").all()  # 山东


def test_rencheng_2020_new_organisations(jining):
    # "新成立1个党总支、7个党支部"
    o = orgs_in(jining, RENCHENG, 2020)
    assert by_type(o[year_of(o["established_date"]) == 2020]) == {"党总支": 1, "党支部": 7}


def test_rencheng_2020_elections(jining):
    # "指导7个涉农镇街党总支、67个党支部完成换届选举"
    o = orgs_in(jining, RENCHENG, 2020)
    assert by_type(o[year_of(o["last_election_date"]) == 2020]) == {"党总支": 7, "党支部": 67}


def test_rencheng_2020_star_ratings(jining):
    # "在151个支部开展2轮次星级评定……表彰并颁发奖牌‘五星级党组织’38个"
    o = orgs_in(jining, RENCHENG, 2020)
    top = o[o["parent_org_id"].isna()]
    assert top["star_rating"].notna().sum() == 151
    assert (top["star_rating"] == 5).sum() == 38
    assert len(top) > 151  # some were not rated that year


def test_rencheng_demonstration_schools(jining):
    # "2020年，创建济宁市中小学党建工作示范校11所，区级示范校5所" and "三年来……32所，区级示范校16所"
    h = jining["honors"]
    d = h[(h["kind"] == "党建示范校") & h["school_id"].isin(schools_in(jining, RENCHENG))]

    def schools(level, years):
        return d[(d["level"] == level) & d["year_awarded"].isin(years)]["school_id"].nunique()

    assert (schools("市级", [2020]), schools("县级", [2020])) == (11, 5)
    assert (schools("市级", [2018, 2019, 2020]), schools("县级", [2018, 2019, 2020])) == (32, 16)


def test_rencheng_2020_backbone_admissions(jining):
    # "健全“双培养”机制，从中青年骨干教师中新发展党员52名"
    mf = jining["member_flows"]
    rows = mf[(mf["year"] == 2020) & mf["school_id"].isin(schools_in(jining, RENCHENG))]
    assert rows["admitted_backbone"].sum() == 52
    assert (rows["admitted_backbone"] <= rows["admitted"]).all()


def test_rencheng_2020_city_level_brands(jining):
    # "等5个党建品牌被评为市级“一校一品”党建文化品牌"
    h = jining["honors"]
    b = h[(h["kind"] == "一校一品") & (h["year_awarded"] == 2020) & h["school_id"].isin(schools_in(jining, RENCHENG))]
    assert (b["level"] == "市级").sum() == 5
    assert b.loc[b["level"] == "市级", "school_id"].nunique() == 5


def test_rencheng_new_general_branch_replaces_a_grown_branch(jining):
    """The new 党总支 is a school's own branch re-established: the branch ends in 2019, the
    school is covered by the 党总支 from 2020, and branches stand under it."""
    o = orgs_in(jining, RENCHENG, 2020)
    new = o[(year_of(o["established_date"]) == 2020) & (o["org_type"] == "党总支")]
    school = new["host_school_id"].item()
    sy = jining["school_years"]
    covering = sy[sy["school_id"] == school].set_index("year")["org_id"]
    assert covering[2020] == new["org_id"].item() and covering[2019] != covering[2020]
    before = jining["orgs"][jining["orgs"]["org_id"] == covering[2019]]
    assert before["year"].max() == 2019 and before["org_type"].eq("党支部").all()
    under = o[o["parent_org_id"] == new["org_id"].item()]
    assert len(under) >= 2 and under["org_type"].eq("党支部").all()
    assert under["full_members"].sum() == new["full_members"].item()


def test_jining_other_years_are_not_pinned(jining):
    """The rest of 济宁市 is plausible, not a copy of 任城区's 2020: other counties and years vary."""
    o = jining["orgs"]
    top = o[o["parent_org_id"].isna()]
    assert top.groupby("year").size().is_monotonic_increasing
    assert top[top["year"] == 2018]["org_type"].value_counts()["党总支"] > 100
    r2021 = orgs_in(jining, RENCHENG, 2021)
    assert (year_of(r2021["last_election_date"]) == 2021).sum() > 0


# ---------------------------------------------------------------------------------------------
# 演示区 2023 (seed 002)

def test_district_is_fictional(district):
    r = district["regions"]
    assert r[["county_code", "county_name", "city_code", "city_name"]].values.tolist() == \
        [[DISTRICT, "演示区", DISTRICT_CITY, "演示市"]]
    assert DISTRICT[:2] == "99"  # GB/T 2260 has no province 99
    assert list(district["school_years"]["year"].drop_duplicates()) == [2023, 2024, 2025]


def test_district_2023_organisations(district):
    # "现有中小学校一级党组织49个，其中党总支8个（书记、校长均已分设）、党支部41个"
    o = orgs_in(district, DISTRICT, 2023)
    top = o[o["parent_org_id"].isna()]
    assert len(top) == 49
    assert by_type(top) == {"党支部": 41, "党总支": 8}
    assert top.loc[top["org_type"] == "党总支", "leadership"].eq("分设").all()


def test_district_2023_members(district):
    # "党员1715人"
    mf = district["member_flows"]
    assert mf.loc[(mf["year"] == 2023) & mf["school_id"].isin(schools_in(district, DISTRICT)), "members_end"].sum() \
        == 1715


def test_district_2023_strongest_branches(district):
    # "建成市级、区级、系统级“最强党支部”37个"
    h = district["honors"]
    ours = orgs_in(district, DISTRICT, 2023)["org_id"]
    s = h[(h["kind"] == "最强党支部") & (h["year_awarded"] == 2023) & h["org_id"].isin(ours)]
    assert len(s) == 37
    assert set(s["level"]) == {"市级", "县级", "系统级"}
    assert not s.duplicated(["org_id", "level"]).any()


def test_district_2023_new_secretaries(district):
    # "新任命中小学党组织书记13人"
    o = orgs_in(district, DISTRICT, 2023)
    assert (year_of(o["secretary_appointed_date"]) == 2023).sum() == 13


# ---------------------------------------------------------------------------------------------
# Every jurisdiction: the contract, determinism, validation, the command

@pytest.fixture(scope="module", params=["611000", JINING, DISTRICT_CITY])
def any_city(request, jining, district):
    return request.param, {JINING: jining, DISTRICT_CITY: district}.get(request.param) or demo.generate()


def test_tables_match_the_contract(any_city):
    _, t = any_city
    for name, spec in contract.TABLES.items():
        assert list(t[name].columns) == spec.names
        extract.to_arrow(name, t[name])
    assert len(t["org_activities"]) > 0
    assert t["orgs"]["secretary_appointed_date"].notna().mean() > 0.9


def test_deterministic(any_city):
    city, t = any_city
    again = demo.generate(city=city)
    for name in contract.TABLES:
        pd.testing.assert_frame_equal(t[name], again[name], check_exact=True)
    other = demo.generate(city=city, seed=7)
    assert not other["orgs"].equals(t["orgs"]) and not other["org_activities"].equals(t["org_activities"])


def test_validates_without_errors_apart_from_org_activities(any_city, tmp_path):
    validate = pytest.importorskip("dashboard.validate")
    _, t = any_city
    tables = {k: v for k, v in t.items() if k != "org_activities"}
    extract.write_tables(tables, tmp_path, demo=True)
    assert [str(f) for f in validate.check_dir(tmp_path) if f.severity == "error"] == []


def test_validates_without_errors(any_city, tmp_path):
    validate = pytest.importorskip("dashboard.validate")
    _, t = any_city
    extract.write_tables(t, tmp_path, demo=True)
    assert [str(f) for f in validate.check_dir(tmp_path) if f.severity == "error"] == []


@pytest.mark.parametrize("city, words", [(JINING, "任城区2020年"), (DISTRICT_CITY, "虚构的区县")])
def test_command_marks_the_extract(city, words, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    demo.configure(parser)
    assert demo.run(parser.parse_args(["--out", str(tmp_path), "--city", city])) == 0
    assert "已生成演示数据（虚构）" in capsys.readouterr().out
    marker = (tmp_path / config.DEMO_MARKER).read_text(encoding="utf-8")
    assert "虚构" in marker and words in marker
    back = extract.read_tables(tmp_path)
    assert len(back["org_activities"]) > 0


def test_command_refuses_another_size_for_a_calibrated_county(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    demo.configure(parser)
    assert demo.run(parser.parse_args(["--out", str(tmp_path), "--city", JINING, "--schools", "300"])) == 2
    assert "规模固定" in capsys.readouterr().out
    with pytest.raises(ValueError):
        demo.generate(city=JINING, schools=300)
