"""Every metric of DESIGN §3 on the hand-made extract; the expected values are worked out by hand
in tests/handmade.py's docstring, not taken from the code's output."""
import pytest

from dashboard import db, figures, summary
from tests import handmade as h
from tests.conftest import scope


def rows(df, *cols):
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


def by_unit(get, name, sc, level="county", **extra):
    return get(name, sc, level=level, **extra)


def levels(df, index):
    """A long honours frame as {index: {level: schools}} and {index: {level: new}}."""
    held = {k: dict(zip(g["level"], g["schools"])) for k, g in df.groupby(index)}
    new = {k: dict(zip(g["level"], g["new_schools"])) for k, g in df.groupby(index)}
    return held, new


def test_coverage_by_year(get):
    df = get("figures_by_year", scope(2023))
    assert rows(df, "year", "schools", "org_covered", "work_covered", "adviser", "uncovered") == [
        (2023, 5, 4, 5, 1, 0), (2024, 5, 5, 5, 0, 0)]


def test_coverage_by_county_lists_every_county(get):
    df = by_unit(get, "coverage_by_unit", scope(2023))
    assert rows(df, "unit_name", "schools", "org_covered", "work_covered") == [
        ("商州区", 3, 3, 3), ("山阳县", 2, 1, 2)]
    # A filter that leaves a county with no schools still lists it, with zeros.
    df = by_unit(get, "coverage_by_unit", scope(2023, stage="幼儿园"))
    assert rows(df, "unit_name", "schools") == [("商州区", 1), ("山阳县", 0)]


def test_coverage_by_stage(get):
    df = get("coverage_by_stage", scope(2023)).set_index("stage")
    assert df.loc["小学", ["schools", "org_covered", "work_covered"]].tolist() == [3, 2, 3]
    assert df.loc["幼儿园", "schools"] == 1 and df.loc["初中", "schools"] == 1


def test_orgs_by_year_counts_top_level_only_and_leadership_of_hosted(get):
    df = get("figures_by_year", scope(2023)).set_index("year")
    y23, y24 = df.loc[2023], df.loc[2024]
    # O1A (child of O1) is not counted; O4 (no host school) counts as an org but not in 一肩挑.
    assert (y23.orgs, y23.general_branches, y23.branches, y23.org_standalone, y23.org_joint) == (3, 1, 2, 2, 1)
    assert (y23.hosted, y23.combined, y23.separate, y23.vacant) == (3, 2, 1, 0)
    assert (y23.hosted_public, y23.hosted_private, y23.five_star) == (2, 1, 1)
    assert (y24.orgs, y24.org_attached, y24.hosted, y24.combined, y24.separate, y24.vacant) == (4, 1, 3, 1, 1, 1)
    assert (y24.rated, y24.five_star) == (3, 2)


def test_orgs_placed_by_covered_school_when_no_host(get):
    # O4 has no host school; it covers S6 in 山阳县, so it is one of 山阳县's two organisations in 2024.
    df = by_unit(get, "orgs_by_unit", scope(2024))
    assert rows(df, "unit_name", "orgs", "hosted") == [("商州区", 2, 2), ("山阳县", 2, 1)]


def test_leadership_breakdowns(get):
    by_type = get("leadership_by_org_type", scope(2023)).set_index("org_type")
    assert by_type.loc["党总支", ["hosted", "combined"]].tolist() == [1, 1]
    assert by_type.loc["党支部", ["hosted", "combined", "separate"]].tolist() == [2, 1, 1]
    by_stage = get("leadership_by_stage", scope(2024)).set_index("stage")
    assert by_stage.loc["幼儿园", ["hosted", "combined"]].tolist() == [1, 1]   # O2 hosted by S2
    assert by_stage.loc["初中", ["vacant"]].tolist() == [1]                    # O3 书记空缺 in 2024


def test_members_by_year(get):
    df = get("figures_by_year", scope(2023)).set_index("year")
    assert df.loc[2023, ["members_end", "members_start", "net_growth", "admitted", "staff"]].tolist() == [57, 55, 2, 5, 182]
    assert df.loc[2024, ["members_end", "members_start", "net_growth", "admitted", "staff"]].tolist() == [68, 57, 11, 7, 184]
    assert df.loc[2024, ["probationary", "female", "aged_35_or_under", "admitted_backbone"]].tolist() == [6, 43, 20, 4]
    assert df.loc[2023, ["applicants", "activists", "candidates"]].tolist() == [14, 8, 5]
    assert df.loc[2024, ["applicants", "activists", "candidates"]].tolist() == [16, 11, 7]
    assert str(df["members_end"].dtype).startswith("int")


def test_members_by_county(get):
    df = by_unit(get, "members_by_unit", scope(2023))
    # 商州区: S1 42 + S2 3 + S3 2 = 47 (start 40+2+2 = 44); 山阳县: S4 10 + S5 0 = 10 (start 10+1 = 11).
    assert rows(df, "unit_name", "members_end", "members_start", "net_growth") == [
        ("商州区", 47, 44, 3), ("山阳县", 10, 11, -1)]


def test_demonstration_schools(get):
    held, new = levels(get("honors_by_year", scope(2023), kind="党建示范校"), "year")
    # 2023: S1 市级; S4 and S5 县级; new: S4 (县级).
    assert held[2023] == {"国家级": 0, "省级": 0, "市级": 1, "县级": 2, "系统级": 0}
    assert new[2023] == {"国家级": 0, "省级": 0, "市级": 0, "县级": 1, "系统级": 0}
    # 2024: S1 counted once at 省级 though it also holds 市级; S4 revoked in 2024; S5 closed.
    # New in 2024 per level (DESIGN §3): S1 at 省级 and S3 at 县级.
    assert held[2024] == {"国家级": 0, "省级": 1, "市级": 0, "县级": 1, "系统级": 0}
    assert new[2024] == {"国家级": 0, "省级": 1, "市级": 0, "县级": 1, "系统级": 0}
    by_county, new_by_county = levels(by_unit(get, "honors_by_unit", scope(2024), kind="党建示范校"), "unit_name")
    assert by_county["商州区"]["省级"] == 1 and by_county["商州区"]["县级"] == 1 and sum(by_county["商州区"].values()) == 2
    assert sum(by_county["山阳县"].values()) == 0 and sum(new_by_county["商州区"].values()) == 2
    brands, _ = levels(get("honors_by_year", scope(2023), kind="一校一品"), "year")
    assert sum(brands[2023].values()) == 1 and sum(brands[2024].values()) == 1


def test_star_ratings(get):
    df = get("star_ratings", scope(2024))
    assert rows(df, "orgs") == [(1,), (2,), (1,)]  # 4 stars O3, 5 stars O1+O2, unrated O4
    assert df["star_rating"].iloc[0] == 4 and df["star_rating"].iloc[1] == 5


def test_action_lists(get):
    due = get("elections_due", scope(2023))
    assert rows(due, "org_id", "status") == [("O2", "已逾期"), ("O1", "即将到期")]
    assert str(due["due_date"].iloc[0])[:10] == "2022-09-01"
    assert rows(get("elections_due", scope(2024)), "org_id", "status") == [("O2", "已逾期")]
    assert rows(get("org_type_mismatch", scope(2023)), "org_id", "members") == [("O1", 42)]
    assert rows(get("org_type_mismatch", scope(2024)), "org_id", "members") == [("O1", 48)]
    assert rows(get("schools_not_covered", scope(2023)), "school_id", "coverage") == [(h.S5, "党建指导员")]
    assert get("schools_not_covered", scope(2024)).empty
    assert get("schools_needing_own_org", scope(2023)).empty
    assert rows(get("schools_needing_own_org", scope(2024)), "school_id", "full_members") == [(h.S2, 4)]


def test_filters_narrow_every_dimension(get):
    shanyang = get("figures_by_year", scope(2023, county=h.SHANYANG)).set_index("year")
    assert shanyang.loc[2023, ["schools", "org_covered", "work_covered"]].tolist() == [2, 1, 2]
    assert get("figures_by_year", scope(2023, township="沙河子镇"))["schools"].tolist() == [1, 1]
    assert get("figures_by_year", scope(2023, ownership="民办"))["schools"].tolist() == [1, 1]
    assert get("figures_by_year", scope(2023, locale="乡村"))["schools"].tolist() == [2, 2]  # S3,S5 / S3,S6
    primary = get("figures_by_year", scope(2023, stage="小学")).set_index("year")
    assert primary.loc[2023, "orgs"] == 1  # only O1 is hosted by a primary school (O2 by a kindergarten)


def test_visible_counties_hide_everything_else(get):
    only = scope(2023, visible=(h.SHANYANG,))
    assert get("figures_by_year", only).set_index("year").loc[2023, "schools"] == 2
    assert get("counties", None, visible=[h.SHANYANG])["county_code"].tolist() == [h.SHANYANG]
    assert get("school_info", None, school_id=h.S1, visible=[h.SHANYANG]).empty
    assert get("school_history", None, school_id=h.S1, visible=[h.SHANYANG]).empty
    assert get("school_search", None, text=None, visible=[h.SHANYANG])["school_id"].tolist() == [h.S4, h.S6, h.S5]
    # A county filter outside the visible set yields nothing rather than that county.
    assert get("figures_by_year", scope(2023, visible=(h.SHANYANG,), county=h.SHANGZHOU)).empty


def test_school_profile_queries(get):
    hist = get("school_history", None, school_id=h.S1, visible=list(scope(2023).visible_counties))
    assert rows(hist, "year", "coverage", "org_id", "leadership", "members_end") == [
        (2023, "单独建立", "O1", "一肩挑", 42), (2024, "单独建立", "O1", "分设", 48)]
    honors = get("school_honors", None, school_id=h.S4, visible=list(scope(2023).visible_counties))
    assert sorted(honors["kind"]) == ["党建示范校", "最强党支部"]  # its own award and its org's


def test_lists_stop_at_the_limit_and_give_the_total(get):
    df = get("school_list", scope(2023), limit=2)
    assert len(df) == 2 and df["total_rows"].iloc[0] == 5
    orgs = get("org_list", scope(2024), limit=3)  # O1, O2, O3, O4 are top-level in 2024
    assert len(orgs) == 3 and orgs["total_rows"].iloc[0] == 4


def test_headline_and_rates(get):
    hl = figures.headline(get, scope(2024))
    c, p = hl.current, hl.previous
    assert str(c.org_coverage) == "100.0%（5/5）" and str(p.org_coverage) == "80.0%（4/5）"
    assert str(c.combined) == "33.3%（1/3）" and str(p.combined) == "66.7%（2/3）"
    assert str(c.growth) == "19.3%（11/57）" and str(p.growth) == "3.6%（2/55）"
    assert c.per_100_staff.pct == "37.0" and p.per_100_staff.pct == "31.3"
    assert c.backbone.pct == "57.1%" and p.backbone.pct == "60.0%"
    assert figures.headline(get, scope(2023)).previous is None  # the first year has no previous year


def test_empty_scope_has_no_headline(get):
    assert figures.headline(get, scope(2023, stage="特殊教育学校")).current is None
    assert summary.overview_paragraph(figures.headline(get, scope(2023, stage="特殊教育学校")), "全市", scope(2023)) == ""


def test_summary_paragraph_states_hand_worked_figures(get):
    sc = scope(2024)
    text = summary.overview_paragraph(figures.headline(get, sc), "全市", sc)
    for fragment in ("截至2024年底，全市共有中小学校（幼儿园）5所", "覆盖率100.0%，较上年提高20.0个百分点",
                     "建立一级党组织4个，较上年增加1个", "其中书记、校长“一肩挑”的1个，占33.3%",
                     "实现党的组织和工作全覆盖", "共有党员68名，较上年增加11名", "增长率19.3%"):
        assert fragment in text


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_runs_and_declares_its_parameters(get, name):
    q = db.load_query(name)
    assert q.result, f"{name}.sql: line 1 must say what the result is"
    sample = {"year": 2024, "city": None, "county": None, "township": None, "stage": None, "ownership": None,
              "locale": None, "visible": ["611002", "611024"], "kind": "党建示范校", "limit": 10, "school_id": h.S1,
              "text": "小学", "level": "county"}
    df = get(name, None, **sample)
    # Line 3 of the file lists the result's columns exactly, in order.
    assert tuple(df.columns) == q.columns, f"{name}.sql: line 3 says {q.columns}"
    # Every declared parameter is used, and every $name used is declared.
    import re
    used = set(re.findall(r"\$([a-z_]+)", q.sql))
    assert used == set(q.params)


@pytest.mark.parametrize("name", [n for n in db.query_names() if n != "available_years"])
def test_every_query_applies_the_visible_counties(name):
    """A query that ignores the user's counties would leak other counties' figures (access control)."""
    assert "visible" in db.load_query(name).params


def test_a_stale_database_file_is_rebuilt_in_the_background_never_in_the_request(tmp_path):
    """A request finds the previous file serving (or is told to wait), never blocks on a build."""
    import time

    from dashboard import extract

    d = tmp_path / "x"
    extract.write_tables(h.build_tables(), d)
    original = db.DATABASE_MIN_ROWS
    try:
        db.DATABASE_MIN_ROWS = 1                  # the hand-made extract counts as large here
        with pytest.raises(db.ExtractPreparing):
            db.open_for_serving(d)                # no file yet: the build starts, the request returns
        deadline = time.monotonic() + 60
        while not (d / db.DATABASE_FILE).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        con = db.open_for_serving(d)              # the file built in the background serves
        assert db.run_query(con, "available_years")["year"].tolist() == [2024, 2023]
        con.close()
        (d / "schools.parquet").touch()           # replaced by hand: the file is stale now
        version = db.extract_version(d)
        stale = db.open_for_serving(d)            # the previous file serves while it is rebuilt
        assert db.run_query(stale, "available_years")["year"].tolist() == [2024, 2023]
        stale.close()
        deadline = time.monotonic() + 60
        while db.extract_version(d) == version and time.monotonic() < deadline:
            time.sleep(0.1)
        assert db.extract_version(d) != version    # the rebuilt file gives the caches a new key
    finally:
        db.DATABASE_MIN_ROWS = original
