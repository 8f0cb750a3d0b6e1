"""Each page runs the queries it draws and no others (issue 13): the page script in AppTest on
the hand-made extract, every query execution counted at db.run_query with Streamlit's caches
and the built sections emptied first, so a query is counted whether or not an earlier test ran it.

The expected sets are written out by hand from what each page shows. A page that gains a chart
adds its query here; NOT_DRAWN lists what a page runs today without showing anything from it
(remove the entry when the page stops running it).
"""
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data, db
from tests import handmade as h

# The frame around every page: the filter bar's years and counties (the counties query runs
# twice, once with the visible counties and once with null for "all"; a set counts it once).
FRAME = {"available_years", "counties"}
# The headline cards: one by-year query and the demonstration schools.
CARDS = {"figures_by_year"}
DEMO_CARDS = {"honors_by_year"}
# The year's work (its cards and paragraph): organisations set up, elected, rated; awards of the
# year and of the last three years.
YEAR_WORK = {"year_work_orgs", "org_honors_by_year", "honors_recent"}

DRAWN = {
    # Cards, the paragraph, and the ranking shown by default (党组织覆盖率); the other rankings'
    # queries run only when chosen (test below).
    "overview": FRAME | CARDS | DEMO_CARDS | YEAR_WORK | {"coverage_by_unit"},
    # Cards, both coverage rankings and the by-unit table (this year and the year compared), by
    # stage, the type × formation chart, and the two school lists.
    "coverage": FRAME | CARDS | {"coverage_by_unit", "coverage_by_stage", "orgs_by_type_formation",
                                 "schools_not_covered", "schools_needing_own_org"},
    "leadership": FRAME | CARDS | {"orgs_by_unit", "leadership_by_stage", "leadership_by_org_type", "org_list"},
    # Cards (demonstration schools, brands, five-star organisations), trends, by unit, stars, awards.
    "demonstration": FRAME | CARDS | DEMO_CARDS | {"honors_by_unit", "star_ratings", "org_honors_by_year"},
    "members": FRAME | CARDS | {"members_by_unit"},
    # No school chosen: the search box's list only.
    "school_profile": FRAME | {"school_search"},
    "action_lists": FRAME | {"elections_due", "org_type_mismatch", "schools_needing_own_org", "schools_not_covered",
                             "coverage_by_unit", "orgs_by_unit", "org_life_summary", "org_life_behind"},
    # The form only, until the report is asked for.
    "report_export": FRAME,
}
NOT_DRAWN = {
    # The headline (figures.headline) always fetches the demonstration schools; these pages show none.
    "coverage": DEMO_CARDS | {"orgs_by_unit"},  # and the organisation-setup section's by-unit table, not on the page
    "leadership": DEMO_CARDS,
    "members": DEMO_CARDS,
}
RANKINGS = {"党组织覆盖率": "coverage_by_unit", "一肩挑比例": "orgs_by_unit", "党员数": "members_by_unit",
            "党建示范校": "honors_by_unit", "每百名教职工党员数": "members_by_unit"}


@pytest.fixture
def ran(monkeypatch):
    """The queries executed (name, bound parameters) since the last call of `ran.reset()`."""
    calls = []
    original = db.run_query

    def counting(con, name, **params):
        calls.append((name, params))
        return original(con, name, **params)

    monkeypatch.setattr(db, "run_query", counting)

    class Ran:
        def reset(self):
            calls.clear()
            st.cache_data.clear()
            data._section.clear()   # the built sections too, or a cached one runs nothing

        @property
        def names(self):
            return {n for n, _ in calls}

        def of(self, name):
            return [p for n, p in calls if n == name]

    return Ran()


@pytest.fixture
def page(handmade_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))

    def make(name: str, **params) -> AppTest:
        at = AppTest.from_file("../app.py", default_timeout=30)
        for k, v in params.items():
            at.query_params[k] = v
        at.switch_page(f"dashboard/pages/{name}.py")
        return at
    return make


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("name", list(DRAWN))
def test_page_runs_the_queries_it_draws(page, ran, name):
    ran.reset()
    run(page(name))
    assert ran.names == DRAWN[name] | NOT_DRAWN.get(name, set())


def test_overview_runs_each_of_its_queries_once(page, ran):
    ran.reset()
    run(page("overview"))
    for name in ("available_years", "figures_by_year", "coverage_by_unit"):
        assert len(ran.of(name)) == 1, name
    # The awards by year twice: the demonstration schools (cards) and the brands (the year's work).
    assert sorted(p["kind"] for p in ran.of("honors_by_year")) == sorted(["党建示范校", "一校一品"])


@pytest.mark.parametrize("ranking", [r for r in RANKINGS if r != "党组织覆盖率"])
def test_overview_builds_only_the_ranking_chosen(page, ran, ranking):
    at = run(page("overview"))
    ran.reset()
    at.segmented_control(key="overview_metric").set_value(ranking)
    run(at)
    assert ran.names == FRAME | CARDS | DEMO_CARDS | YEAR_WORK | {RANKINGS[ranking]}
    others = set(RANKINGS.values()) - {RANKINGS[ranking]}
    assert not ran.names & others


def test_the_ranking_follows_the_view_down_to_townships(page, ran):
    ran.reset()
    run(page("overview", county="山阳县"))
    assert ran.names == FRAME | {"townships"} | CARDS | DEMO_CARDS | YEAR_WORK | {"coverage_by_unit"}
    assert [p["level"] for p in ran.of("coverage_by_unit")] == ["township"]
    assert [p["county"] for p in ran.of("figures_by_year")] == [h.SHANYANG]


def test_a_schools_profile_runs_its_own_queries(page, ran):
    ran.reset()
    run(page("school_profile", school=h.S1))
    own = ("school_info", "school_history", "school_honors", "org_life_of_school")
    assert ran.names == FRAME | {"school_search", *own}
    assert {p["school_id"] for n in own for p in ran.of(n)} \
        == {h.S1}
