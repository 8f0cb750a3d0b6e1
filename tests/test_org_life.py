"""三会一课 and the year's work on the hand-made extract: the queries, the sections, the paragraphs,
the report pack and the pages state the figures worked out by hand in tests/handmade.py's
docstring; an extract whose org_activities is empty says that the data has not been supplied."""
import datetime as dt
import io

import docx
import pandas as pd
import pytest

from dashboard import db, extract, rules
from dashboard.report.pack import make_pack
from dashboard.report.word import WJ
from dashboard.sections import action_lists, org_life, school_profile, year_work
from dashboard.sections.context import Context
from tests import handmade as h
from tests.browser_support import shown_text
from tests.conftest import run_page, scope
from tests.test_pages import FILTERS, metrics

LIFE = ("quarter_required", "quarter_met", "ytd_required", "ytd_met", "year_required", "year_met")


def rows(df, *cols):
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


def ctx_of(get, year, **kw):
    return Context.of(get, scope(year, **kw))


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory):
    """The hand-made extract with org_activities present but empty."""
    d = tmp_path_factory.mktemp("no_activities")
    extract.write_tables(h.without_activities(), d)
    return d


@pytest.fixture(scope="module")
def get_empty(empty_dir):
    return db.runner(db.open_extract(empty_dir))


# Rules -------------------------------------------------------------------------------------------
def test_upper_organisations_are_held_to_their_committee_and_the_yearly_meetings():
    as_set = {t: {(r.kind, r.period) for r in reqs} for t, reqs in rules.REQUIREMENTS_BY_TYPE.items()}
    upper = {("支部委员会", "month"), ("组织生活会", "year"), ("民主评议党员", "year")}
    assert as_set["党总支"] == upper and as_set["党委"] == upper
    assert as_set["党支部"] == {("支部党员大会", "quarter"), ("党课", "quarter"), ("支部委员会", "month"),
                              ("党小组会", "month"), ("主题党日", "month"), ("组织生活会", "year"),
                              ("民主评议党员", "year")}
    assert all(r.min_times == 1 for reqs in rules.REQUIREMENTS_BY_TYPE.values() for r in reqs)
    assert rules.requirement_label("党委", "支部委员会") == "党委会"
    assert rules.requirement_label("党支部", "党课") == "党课"


# Queries -----------------------------------------------------------------------------------------
def test_completion_of_a_complete_year(get):
    s = get("org_life_summary", scope(2023))
    assert rows(s, "as_of_month", "orgs", "reported_orgs", *LIFE) == [(12, 4, 4, 4, 2, 4, 1, 4, 1)]
    by_county = get("org_life_by_unit", scope(2023), level="county")
    assert rows(by_county, "unit_name", *LIFE) == [("商州区", 3, 2, 3, 1, 3, 1), ("山阳县", 1, 0, 1, 0, 1, 0)]
    months = get("org_life_by_month", scope(2023))
    assert rows(months, "month", "required", "met") == [
        (m, 4, {3: 3, 10: 3, 11: 3, 12: 2}.get(m, 4)) for m in range(1, 13)]


def test_completion_of_the_latest_year_runs_to_its_latest_month(get):
    s = get("org_life_summary", scope(2024))
    # Data to November: the fourth quarter so far is October–November; no whole-year figure yet.
    assert rows(s, "as_of_month", "orgs", "reported_orgs", *LIFE) == [(11, 5, 5, 5, 3, 5, 1, 0, 0)]
    by_county = get("org_life_by_unit", scope(2024), level="county")
    assert rows(by_county, "unit_name", *LIFE) == [("商州区", 3, 2, 3, 1, 0, 0), ("山阳县", 2, 1, 2, 0, 0, 0)]
    months = get("org_life_by_month", scope(2024))
    assert rows(months, "month", "required", "met") == [
        (1, 4, 4), (2, 4, 4), (3, 4, 4), (4, 4, 4), (5, 4, 4), (6, 5, 4), (7, 5, 5), (8, 5, 5), (9, 5, 4),
        (10, 5, 4), (11, 5, 4)]


def test_most_missed_requirement(get):
    misses = get("org_life_misses", scope(2023))
    assert rows(misses, "kind", "orgs_missed")[:4] == [("主题党日", 2), ("支部委员会", 1), ("党课", 1), ("民主评议党员", 1)]
    # 支部委员会: the three branches and the 党总支 O1, 12 months each; O1 missed March.
    assert rows(misses[misses["kind"] == "支部委员会"], "orgs_required", "periods_due", "periods_missed") == [(4, 48, 1)]
    misses = get("org_life_misses", scope(2024))
    assert rows(misses, "kind", "orgs_missed")[0] == ("党小组会", 2)
    # The yearly meetings are not due before December.
    assert rows(misses[misses["kind"] == "组织生活会"], "orgs_required", "periods_due") == [(0, 0)]
    # 党课: O1A, O2, O3 in the first three quarters, O4 in the third (founded in June).
    assert rows(misses[misses["kind"] == "党课"], "orgs_required", "periods_due", "periods_missed") == [(4, 10, 1)]


def test_organisations_behind_say_what_they_miss(get):
    t = org_life.behind_table(ctx_of(get, 2023))
    assert t.title == "第四季度未按期开展组织生活的党组织"
    assert [(r[0], r[-1]) for r in t.rows] == [
        ("中共城关街道幼儿园联合支部委员会", "党课：本季度0次；主题党日：11月0次"),
        ("中共丁中学支部委员会", "主题党日：10月0次；民主评议党员：全年0次")]
    t = org_life.behind_table(ctx_of(get, 2024))
    assert t.title == "第四季度（10—11月）未按期开展组织生活的党组织"
    # A child branch is listed on its own, under its 党总支.
    assert [(r[0], r[2], r[-1]) for r in t.rows] == [
        ("中共甲小学第一支部委员会", "中共甲小学总支部委员会", "党小组会：10月0次"),
        ("中共高坝店镇中心社区支部委员会", None, "支部委员会：11月0次")]
    assert t.links == [h.S1, h.S6]   # the schools they are placed at


def test_section_cards_and_paragraph(get):
    s = org_life.build(ctx_of(get, 2023))
    cards = {c.label: (c.value, c.detail) for c in s.cards}
    assert cards["第四季度完成率"] == ("50.0%", "50.0%（2/4）")
    assert cards["全年完成率"] == ("25.0%", "25.0%（1/4）")
    assert cards["未完成最多的要求"] == ("主题党日", "2个党组织未按期开展")
    assert s.paragraphs == ["2023年，全市应按规定开展“三会一课”等组织生活的党组织4个（含下设党支部），全年按期完成的1个，"
                            "完成率25.0%；第四季度按期完成的2个，完成率50.0%。未按期完成较多的是主题党日，2个党组织存在缺项。"]
    s = org_life.build(ctx_of(get, 2024))
    cards = {c.label: (c.value, c.detail) for c in s.cards}
    assert cards["第四季度（10—11月）完成率"] == ("60.0%", "60.0%（3/5）")
    assert cards["1—11月完成率"] == ("20.0%", "20.0%（1/5）")
    assert cards["全年完成率"] == ("—", "全年数据尚未报齐（截至11月）")
    assert s.paragraphs == ["截至2024年11月，全市应按规定开展“三会一课”等组织生活的党组织5个（含下设党支部），1—11月按期完成的1个，"
                            "完成率20.0%；第四季度（10—11月）按期完成的3个，完成率60.0%。未按期完成较多的是党小组会，2个党组织存在缺项。"]
    # 山阳县 2024: no organisation met every requirement of January–November: said in words, not "0个".
    text = org_life.build(ctx_of(get, 2024, county=h.SHANYANG)).paragraphs[0]
    assert "1—11月没有党组织按期完成全部要求" in text and "完成的0个" not in text


def test_a_schools_profile_shows_its_organisations_record(get):
    profile = school_profile.build(ctx_of(get, 2024), h.S6)
    t = profile.tables["org_life"]
    assert t.title == "2024年中共高坝店镇中心社区支部委员会组织生活开展情况"
    by_req = {r[0]: r for r in t.rows}
    committee = by_req["支部委员会（每月至少1次）"]
    # June–October once each, November none, December not yet reported.
    assert committee[1:13] == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, None] and committee[-1] == "未按期：11月"
    assert by_req["组织生活会（每年至少1次）"][-1] == "本年尚未到期"
    # S1: its 党总支 and the branch under it, hosted by the school.
    t = school_profile.build(ctx_of(get, 2023), h.S1).tables["org_life"]
    assert [r[0] for r in t.rows] == ["中共甲小学总支部委员会"] * 3 + ["中共甲小学第一支部委员会"] * 7
    assert t.rows[0][1] == "总支委员会（每月至少1次）" and t.rows[0][-1] == "未按期：3月"


def test_action_lists_carry_the_organisations_behind(get):
    s = action_lists.build(ctx_of(get, 2024))
    assert {c.label: c.value for c in s.cards}["组织生活未按期"] == "2个"
    assert len(s.tables["org_life_behind"].rows) == 2


@pytest.fixture(scope="module")
def get_committee(tmp_path_factory):
    """O1 as a 党委 that missed its committee meeting in November 2024 and held no 党课 at all."""
    tables = h.build_tables()
    tables["orgs"].loc[tables["orgs"]["org_id"] == "O1", "org_type"] = "党委"
    a = tables["org_activities"]
    tables["org_activities"] = a[~((a["org_id"] == "O1") & (((a["year"] == 2024) & (a["month"] == 11))
                                                         | (a["kind"] == "党课")))]
    d = tmp_path_factory.mktemp("committee")
    extract.write_tables(tables, d)
    return db.runner(db.open_extract(d))


def test_a_committee_is_held_to_its_own_meetings_only(get_committee):
    t = org_life.behind_table(ctx_of(get_committee, 2024))
    assert [(r[0], r[-1]) for r in t.rows][0] == ("中共甲小学总支部委员会", "党委会：11月0次")
    s = get_committee("org_life_summary", scope(2023))
    # 2023 as in the hand-made extract: no 党课 is no gap for a 党委.
    assert rows(s, *LIFE) == [(4, 2, 4, 1, 4, 1)]


# The year's work ---------------------------------------------------------------------------------
def test_year_work_queries(get):
    columns = ("org_type", "orgs", "established", "elected", "secretaries_appointed", "secretaries_dated")
    # 2023: dated O1 (2018), O2, O3 (O1A unknown); 2024: O1, O2, O4 (O3 vacant).
    assert rows(get("year_work_orgs", scope(2023)), *columns) == [("党总支", 1, 0, 0, 0, 1), ("党支部", 3, 0, 2, 2, 2)]
    assert rows(get("year_work_orgs", scope(2024)), *columns) == [("党总支", 1, 0, 1, 1, 1), ("党支部", 4, 1, 1, 2, 2)]
    recent = get("honors_recent", scope(2024), kind="党建示范校")
    assert rows(recent, "level", "schools") == [("国家级", 0), ("省级", 1), ("市级", 0), ("县级", 1), ("系统级", 0)]


def test_year_work_paragraph(get):
    assert year_work.build(ctx_of(get, 2023)).paragraphs == [
        "2023年，全市2个党支部完成换届选举，3个党组织参加星级评定，其中五星级党组织1个；新任党组织书记2名；"
        "创建县级党建示范校1所（近三年累计县级1所）；发展业务骨干党员3名；新增县级“一校一品”品牌1个；获评县级“最强党支部”1个。"]
    s = year_work.build(ctx_of(get, 2024))
    assert s.paragraphs == [
        "2024年，全市新成立党支部1个，1个党总支、1个党支部完成换届选举，3个党组织参加星级评定，其中五星级党组织2个；"
        "新任党组织书记3名；创建省级党建示范校1所、县级1所（近三年累计省级1所、县级1所）；发展业务骨干党员4名。"]
    cards = {c.label: (c.value, c.detail) for c in s.cards}
    assert cards["2024年新成立党组织"] == ("1个", "党支部1个")
    assert cards["2024年完成换届选举"] == ("2个", "党总支1个、党支部1个")
    assert cards["2024年新任党组织书记"] == ("3名", "党总支书记1名、党支部书记2名")


def test_recent_demonstration_schools_count_each_school_at_its_highest_level_in_the_span(tmp_path):
    """S1 also awarded 县级 in 2022: in 2021–2023 its highest award is that one (its 市级 of 2020 is
    older); 2021–2023 then has S1 and S4 at 县级. In 2022–2024 S1 counts once, at 省级 (2024)."""
    tables = h.build_tables()
    extra = tables["honors"].iloc[[0]].assign(honor_id="H8", level="县级", year_awarded=2022, title="县级党建示范校")
    tables["honors"] = pd.concat([tables["honors"], extra], ignore_index=True)
    extract.write_tables(tables, tmp_path)
    get = db.runner(db.open_extract(tmp_path))
    assert rows(get("honors_recent", scope(2023), kind="党建示范校"), "level", "schools")[2:4] == [("市级", 0), ("县级", 2)]
    assert rows(get("honors_recent", scope(2024), kind="党建示范校"), "level", "schools")[1:4] == [
        ("省级", 1), ("市级", 0), ("县级", 1)]


def test_without_appointment_dates_the_card_says_they_were_not_supplied(tmp_path):
    tables = h.build_tables()
    tables["orgs"]["secretary_appointed_date"] = None
    extract.write_tables(tables, tmp_path)
    s = year_work.build(ctx_of(db.runner(db.open_extract(tmp_path)), 2024))
    card = next(c for c in s.cards if c.label == "2024年新任党组织书记")
    assert (card.value, card.detail) == ("—", "未填报书记任职日期") and "新任党组织书记" not in s.paragraphs[0]


def test_paragraphs_leave_zeros_out():
    w = year_work.YearWork(2020, {"党总支": 1, "党支部": 7}, {"党总支": 7, "党支部": 67}, {"党支部": 13}, 49, {}, 151, 38,
                           {"市级": 11, "县级": 5}, {"市级": 32, "县级": 16}, 52, {"市级": 5},
                           {"最强党支部": {"市级": 10, "县级": 20, "系统级": 7}, "先进基层党组织": {"省级": 0}})
    assert year_work.paragraph(w, "全区") == (
        "2020年，全区新成立党总支1个、党支部7个，7个党总支、67个党支部完成换届选举，151个党组织参加星级评定，"
        "其中五星级党组织38个；新任党组织书记13名；创建市级党建示范校11所、县级5所（近三年累计市级32所、县级16所）；"
        "发展业务骨干党员52名；新增市级“一校一品”品牌5个；获评“最强党支部”37个（市级10个、县级20个、系统级7个）。")
    nothing = year_work.YearWork(2021, {}, {}, {}, 0, {}, 0, 0, {}, {}, 0, {}, {})
    assert year_work.paragraph(nothing, "全市") == "2021年，全市没有新成立党组织、完成换届选举、新任书记或新增示范创建的记录。"


# Not supplied ------------------------------------------------------------------------------------
def test_without_activity_data_the_sections_say_it_was_not_supplied(get_empty):
    s = org_life.build(ctx_of(get_empty, 2024))
    assert s.empty == "2024年尚未报送组织生活数据，暂无“三会一课”完成情况。" and not s.cards
    s = action_lists.build(ctx_of(get_empty, 2024))
    card = next(c for c in s.cards if c.label == "组织生活未按期")
    assert card.value == "—" and "尚未报送组织生活数据" in card.detail
    profile = school_profile.build(ctx_of(get_empty, 2024), h.S1)
    assert "org_life" not in profile.tables and profile.extra["org_life"] == "2024年尚未报送组织生活数据。"
    # The year's work does not need organisational life.
    assert year_work.build(ctx_of(get_empty, 2024)).paragraphs[0].startswith("2024年，全市新成立党支部1个")


def test_a_scope_that_reported_nothing_says_so(tmp_path):
    """Only 商州区's organisations reported: 山阳县's page says its data was not supplied."""
    tables = h.build_tables()
    a = tables["org_activities"]
    tables["org_activities"] = a[~a["org_id"].isin(["O3", "O4"])]
    extract.write_tables(tables, tmp_path)
    get = db.runner(db.open_extract(tmp_path))
    assert org_life.build(ctx_of(get, 2024, county=h.SHANYANG)).empty == \
        "2024年山阳县尚未报送组织生活数据，暂无“三会一课”完成情况。"


# The report pack ---------------------------------------------------------------------------------
def _paragraphs(pack) -> str:
    document = docx.Document(io.BytesIO(pack.files[pack.docx_name]))
    return "\n".join(p.text for p in document.paragraphs).replace(WJ, "")


def test_report_pack_states_the_years_work_and_organisational_life(get, handmade_dir):
    pack = make_pack(get, scope(2024), data_dir=handmade_dir, charts=False, today=dt.date(2025, 1, 15))
    text = _paragraphs(pack)
    for fragment in ("年度重点工作情况", "新成立党支部1个", "1个党总支、1个党支部完成换届选举", "3个党组织参加星级评定",
                     "其中五星级党组织2个", "新任党组织书记3名", "创建省级党建示范校1所、县级1所（近三年累计省级1所、县级1所）",
                     "发展业务骨干党员4名",
                     "组织生活（“三会一课”）开展情况", "1—11月按期完成的1个，完成率20.0%",
                     "第四季度（10—11月）按期完成的3个，完成率60.0%", "未按期完成较多的是党小组会"):
        assert fragment in text, fragment
    pack = make_pack(get, scope(2023), data_dir=handmade_dir, charts=False, today=dt.date(2025, 1, 15))
    text = _paragraphs(pack)
    for fragment in ("2个党支部完成换届选举", "新任党组织书记2名", "新增县级“一校一品”品牌1个", "获评县级“最强党支部”1个",
                     "全年按期完成的1个，完成率25.0%"):
        assert fragment in text, fragment


def test_report_pack_without_activity_data(get_empty, empty_dir):
    pack = make_pack(get_empty, scope(2024), data_dir=empty_dir, charts=False, today=dt.date(2025, 1, 15))
    assert "2024年尚未报送组织生活数据" in _paragraphs(pack)


# Pages -------------------------------------------------------------------------------------------
def _app(data_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    return run_page


@pytest.fixture
def app(handmade_dir, monkeypatch):
    return _app(handmade_dir, monkeypatch)


def shown(at) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.code,
                                            *at.metric))


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_org_life_page_opens_under_filters(app, params):
    at = app("org_life", **params)
    text = shown(at)
    assert "nan" not in text.lower() and "0.0%（0/0）" not in text


def test_org_life_page_2024(app):
    at = app("org_life")
    m = metrics(at)
    assert m["第四季度（10—11月）完成率"] == "60.0%" and m["1—11月完成率"] == "20.0%" and m["全年完成率"] == "—"
    assert m["未完成最多的要求"] == "党小组会"
    behind = next(df.value for df in at.dataframe if "未按期开展的要求" in df.value.columns)
    assert behind["未按期开展的要求"].tolist() == ["党小组会：10月0次", "支部委员会：11月0次"]


def test_org_life_page_one_county_2023(app):
    at = app("org_life", year="2023年", county="山阳县")
    m = metrics(at)
    assert m["第四季度完成率"] == "0.0%" and m["全年完成率"] == "0.0%"
    assert "0.0%（0/1）" in [c.value for c in at.caption]


def test_action_lists_page_lists_the_organisations_behind(app):
    at = app("action_lists", year="2023年")
    assert metrics(at)["组织生活未按期"] == "2个"
    behind = next(df.value for df in at.dataframe if "未按期开展的要求" in df.value.columns)
    assert behind["党组织名称"].tolist() == ["中共城关街道幼儿园联合支部委员会", "中共丁中学支部委员会"]


def test_school_profile_page_shows_the_record(app):
    at = app("school_profile", school=h.S6)
    record = next(df.value for df in at.dataframe if "完成情况" in df.value.columns)
    assert record["完成情况"].tolist()[1] == "未按期：11月"


def test_overview_shows_the_years_work(app):
    at = app("overview")
    m = metrics(at)
    assert m["2024年新成立党组织"] == "1个" and m["2024年完成换届选举"] == "2个" and m["2024年新任党组织书记"] == "3名"
    assert any(shown_text(m.value).startswith("2024年，全市新成立党支部1个") for m in at.markdown)


def test_pages_without_activity_data_say_so(empty_dir, monkeypatch):
    run = _app(empty_dir, monkeypatch)
    at = run("org_life")
    assert any("尚未报送组织生活数据" in i.value for i in at.info) and not at.metric
    at = run("action_lists")
    assert any("尚未报送组织生活数据" in i.value for i in at.info)
    at = run("school_profile", school=h.S1)
    assert any("尚未报送组织生活数据" in i.value for i in at.info)
