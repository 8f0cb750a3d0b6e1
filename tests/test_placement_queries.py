"""DESIGN §3's placement on the placement extract of tests/handmade.py (figures by hand in its
comment): an organisation with no host school and no school of its own is never dropped."""
import pytest

from dashboard import db, extract, validate
from dashboard.sections import coverage
from dashboard.sections.context import Context
from tests import handmade as h
from tests.conftest import scope


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    d = tmp_path_factory.mktemp("placement")
    extract.write_tables(h.placement_tables(), d)
    return d


@pytest.fixture(scope="module")
def pget(placed):
    return db.runner(db.open_extract(placed))


def rows(df, *cols):
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


def test_every_organisation_counts_city_wide(pget):
    y = pget("figures_by_year", scope(2023)).set_index("year")
    assert (y.loc[2023, "orgs"], y.loc[2023, "committees"], y.loc[2023, "branches"], y.loc[2023, "unplaced"]) == (3, 1, 2, 0)
    assert (y.loc[2024, "orgs"], y.loc[2024, "committees"], y.loc[2024, "branches"], y.loc[2024, "unplaced"]) == (4, 1, 3, 1)


def test_placed_through_a_child_and_from_an_earlier_year(pget):
    df = pget("orgs_by_unit", scope(2024), level="county").fillna({"unit_name": "（未定位）"})
    # OT in 商州区 through its child's school; OV in 山阳县 from 2023; OU on its own line.
    assert rows(df, "unit_name", "orgs", "committees") == [("商州区", 1, 1), ("山阳县", 2, 0), ("（未定位）", 1, 0)]
    assert pget("figures_by_year", scope(2024, county=h.SHANYANG)).set_index("year").loc[2024, "orgs"] == 2
    assert pget("figures_by_year", scope(2024, stage="小学")).set_index("year").loc[2024, "orgs"] == 2
    assert pget("figures_by_year", scope(2024, visible=(h.SHANYANG,))).set_index("year").loc[2024, "orgs"] == 2


def test_the_kept_village_branch_is_on_its_countys_overdue_list(pget):
    due = pget("elections_due", scope(2024, county=h.SHANYANG))
    assert rows(due, "org_id", "status", "county_name") == [("OV", "已逾期", "山阳县")]


def test_the_unplaced_organisation_is_listed_and_said(pget):
    orgs = pget("org_list", scope(2024), limit=10)
    assert dict(zip(orgs["org_id"], orgs["placed_by"])) == {
        "OT": "child_covered", "OV": "earlier_year", "OU": "unplaced", "OB": "host"}
    setup = coverage.organisation_setup(Context.of(pget, scope(2024)))
    assert any("另有1个党组织未依托学校" in p for p in setup.paragraphs)
    assert setup.tables["by_unit"].rows[-2][0] == "（未能定位到学校的党组织）"


def test_validate_warns_about_each_organisation_not_placed_this_year(placed):
    found = [f for f in validate.check_dir(placed) if f.severity == validate.WARNING and f.table == "orgs"
             and ("OV" in f.message or "OU" in f.message or "OV" in f.key or "OU" in f.key)]
    keys = sorted(f.key for f in found)
    assert len(keys) == 2 and any("OV" in k for k in keys) and any("OU" in k for k in keys), keys
