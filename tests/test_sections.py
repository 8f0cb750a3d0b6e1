"""The sections' blocks on the hand-made extract (figures worked out by hand in tests/handmade.py):
the comparison level follows the scope, by-unit tables carry the change and the change of rank,
and rankings draw what they say."""
from dashboard import charts
from dashboard.metrics import Rate
from dashboard.sections import coverage, members
from dashboard.sections.common import change_cells
from dashboard.sections.context import Context
from tests import handmade as h
from tests.conftest import scope


def rows_of(table, *keys):
    idx = [table.keys.index(k) for k in keys]
    return [tuple(r[i] for i in idx) for r in table.rows]


def test_the_level_follows_the_scope(get):
    assert Context.of(get, scope(2024)).level == "county"
    assert Context.of(get, scope(2024, county=h.SHANYANG)).level == "township"
    assert Context.of(get, scope(2024, county=h.SHANYANG, township="高坝店镇")).level == "school"


def test_by_county_coverage_gains_its_change_and_rank_change(get):
    # 2023 → 2024: 商州区 3/3 → 3/3 (持平, rank 1 → 1); 山阳县 1/2 → 2/2 (+50.0 points, rank 2 → 1,
    # tied with 商州区 at 100%).
    t = coverage.build(Context.of(get, scope(2024))).tables["by_unit"]
    assert rows_of(t, "unit_name", "org_coverage", "change", "rank_change") == [
        ("商州区", Rate(3, 3), "持平", "持平"), ("山阳县", Rate(2, 2), "+50.0个百分点", "↑1位"),
        ("合计", Rate(5, 5), None, None)]


def test_by_county_members_change_on_a_chosen_year(get):
    # 2024 against 2023 chosen explicitly: 商州区 47 → 55 members, 山阳县 10 → 13.
    t = members.build(Context.of(get, scope(2024), compare_year=2023)).tables["by_unit"]
    assert rows_of(t, "unit_name", "members_end", "change", "rank_change")[:2] == [
        ("商州区", 55, "+8名", "持平"), ("山阳县", 13, "+3名", "持平")]
    assert t.column("change").header == "较上年"


def test_the_first_year_has_no_change_columns(get):
    t = coverage.build(Context.of(get, scope(2023))).tables["by_unit"]
    assert "change" not in t.keys


def test_township_level_compares_the_countys_townships(get):
    # 山阳县 2024: 城关街道 S4 (covered), 高坝店镇 S6 (attached); 2023: S4 covered, S5 adviser only.
    t = coverage.build(Context.of(get, scope(2024, county=h.SHANYANG))).tables["by_unit"]
    assert t.title == "各乡镇（街道）党组织覆盖情况"
    assert rows_of(t, "unit_name", "org_coverage", "change") == [
        ("城关街道", Rate(1, 1), "持平"), ("高坝店镇", Rate(1, 1), "+100.0个百分点"), ("合计", Rate(2, 2), None)]


def test_rank_changes_count_ties_and_missing_values():
    codes = ["a", "b", "c", "d"]
    deltas, moves = change_cells(codes, [Rate(9, 10), Rate(1, 2), Rate(0, 0), Rate(1, 1)],
                                 {"a": Rate(1, 2), "b": Rate(9, 10), "c": Rate(1, 1)}, "%")
    assert deltas == ["+40.0个百分点", "-40.0个百分点", "—", "—"]
    # Now: d (100%) 1st, a (90%) 2nd, b 3rd; before: c 1st, b 2nd, a 3rd; c and d have no pair.
    assert moves == ["↑1位", "↓1位", "—", "—"]


def test_rate_rankings_end_at_100_and_mark_parent_and_target():
    fig = charts.rate_ranking(["甲", "乙"], [3, 1], [3, 2], "覆盖率", keys=["A", "B"],
                              reference=("全市", Rate(4, 5)), target=100)
    assert list(fig.layout.xaxis.range) == [0, 100]
    lines = sorted(s.x0 for s in fig.layout.shapes)
    assert lines == [80.0, 100]
    assert [a.text for a in fig.layout.annotations] == ["全市 80.0%", "目标 100%"]


def test_long_rankings_show_the_first_and_last_and_the_highlighted():
    # Values 0–39: the top 15 are 县25–县39, the last 15 县00–县14; 县20 is kept as highlighted.
    names = [f"县{i:02d}" for i in range(40)]
    fig = charts.count_ranking(names, list(range(40)), "党员数", "名", keys=names, highlight="县20")
    shown = list(fig.data[0].y)
    assert len(shown) == 31 and "县20" in shown and "县39" in shown and "县00" in shown and "县18" not in shown
    assert "共40个" in fig.layout.title.text


def test_new_demonstration_schools_per_level(get):
    from dashboard.sections import demonstration
    # New in 2024 (DESIGN §3): S1 at 省级 and S3 at 县级; 2023: S4 at 县级.
    t = demonstration.build(Context.of(get, scope(2024))).tables["demo_new_years"]
    assert rows_of(t, "year", "total", "省级", "县级") == [("2023年", 1, 0, 1), ("2024年", 2, 1, 1)]
    card = demonstration.build(Context.of(get, scope(2024))).cards[1]
    assert card.value == "2所" and "（省级1所、县级1所）" in card.help


def test_every_chart_keeps_its_own_title(get):
    """A chart is built later than its section: each must draw the title it was given (a loop
    variable rebound after the lambda was made once gave one chart another's title)."""
    from dashboard.sections import action_lists, demonstration, leadership, overview
    ctx = Context.of(get, scope(2024))
    for build in (overview.build, coverage.build, coverage.organisation_setup, leadership.build,
                  demonstration.build, members.build, action_lists.build):
        for chart in build(ctx).charts.values():
            assert chart.figure.layout.title.text.startswith(chart.title), (build, chart.key)
