"""Every page under several filter combinations (AppTest), with key figures asserted against the
hand-made extract's hand-worked values."""
import pytest
from streamlit.testing.v1 import AppTest

from tests import handmade as h
from tests.browser_support import paragraph_of, shown_text
from tests.conftest import run_page

PAGES = ["overview", "coverage", "leadership", "demonstration", "members", "school_profile", "action_lists"]
# URL values as a user would type or share them; the bad ones must fall back quietly.
FILTERS = [
    {},
    {"year": "2023年"},
    {"year": "2024年", "county": "山阳县"},
    {"year": "2023年", "county": "商州区", "township": "沙河子镇"},
    {"year": "2023年", "stage": "小学", "ownership": "公办", "locale": "乡村"},
    {"year": "2023年", "stage": "特殊教育学校"},          # no schools at all
    {"year": "2024年", "ownership": "民办", "stage": "初中"},  # no schools either
    {"year": "1999年", "county": "不存在县", "stage": "大学"},  # invalid values, ignored
]


@pytest.fixture
def app(handmade_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    return run_page


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def text_of(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.code)]
    return "\n".join(shown_text(str(p)) for p in parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_every_page_opens_under_filters(app, page, params):
    at = app(page, **params)
    shown = text_of(at) + "".join(str(m.value) for m in at.metric)
    assert "nan" not in shown.lower() and "0.0%（0/0）" not in shown


def test_overview_2024_citywide(app):
    at = app("overview")  # the default year is the newest: 2024
    m = metrics(at)
    assert m["学校数"] == "5所"
    assert m["党组织覆盖率"] == "100.0%" and m["“一肩挑”比例"] == "33.3%" and m["党员增长率"] == "19.3%"
    assert m["党员数"] == "68名" and m["党建示范校"] == "2所"
    for text in ("100.0%（5/5）", "33.3%（1/3）", "19.3%（11/57）", "较上年增加11名", "较上年减少1所"):
        assert text in captions(at)


def test_overview_first_year_has_no_change(app):
    at = app("overview", year="2023年")
    assert metrics(at)["党组织覆盖率"] == "80.0%" and "80.0%（4/5）" in captions(at)
    assert all(not m.delta for m in at.metric)
    assert "没有可比较的上年数据" in text_of(at)


def test_overview_paragraph_for_one_county(app):
    at = app("overview", year="2023年", county="山阳县")
    paragraph = paragraph_of(at)
    assert paragraph.startswith("截至2023年底，山阳县共有中小学校（幼儿园）2所")
    assert "党组织覆盖1所，覆盖率50.0%" in paragraph and "共有党员10名" in paragraph
    assert metrics(at)["学校数"] == "2所"


def test_empty_scope_says_so(app):
    at = app("overview", year="2023年", stage="特殊教育学校")
    assert any("没有符合筛选条件的学校" in i.value for i in at.info)
    assert not at.metric


def test_invalid_url_values_fall_back_to_defaults(app):
    at = app("overview", year="1999年", county="不存在县")
    assert at.selectbox(key="year").value == 2024 and at.selectbox(key="county").value is None
    assert metrics(at)["学校数"] == "5所"


def test_coverage_lists_the_uncovered_school(app):
    at = app("coverage", year="2023年")
    tables = [df.value for df in at.dataframe]
    uncovered = next(t for t in tables if "覆盖方式" in t.columns and "学校名称" in t.columns)
    assert uncovered["学校名称"].tolist() == ["戊小学"] and uncovered["覆盖方式"].tolist() == ["党建指导员"]


def test_leadership_2023(app):
    at = app("leadership", year="2023年")
    m = metrics(at)
    assert m["“一肩挑”比例"] == "66.7%" and m["分设比例"] == "33.3%" and m["书记空缺比例"] == "0.0%"
    assert {"66.7%（2/3）", "33.3%（1/3）", "0.0%（0/3）"} <= set(captions(at))


def test_members_2024(app):
    at = app("members", year="2024年")
    m = metrics(at)
    assert m["党员数（年末）"] == "68名" and m["新发展党员"] == "7名"
    assert m["每百名教职工党员数"] == "37.0" and "37.0（68/184）" in captions(at)
    assert m["“双培养”占新发展党员"] == "57.1%" and "57.1%（4/7）" in captions(at)


def test_demonstration_2024(app):
    m = metrics(app("demonstration", year="2024年"))
    assert m["党建示范校（累计）"] == "2所" and m["2024年新增示范校"] == "2所" and m["五星级党组织"] == "2个"


def test_action_lists_2023(app):
    at = app("action_lists", year="2023年")
    m = metrics(at)
    assert m["换届已逾期"] == "1个" and m["半年内到期"] == "1个" and m["类型与规模不符"] == "1个"
    assert m["应单独建立党组织"] == "0所"
    lagging = next(df.value for df in at.dataframe if "一肩挑比例" in df.value.columns)
    # 商州区: 一肩挑 1/2 (O1 of O1, O2) = 50.0% < 70%; 山阳县: coverage 1/2 = 50.0% < 100%.
    assert lagging["县区"].tolist() == ["商州区", "山阳县"]
    assert lagging["问题"].tolist() == ["一肩挑比例低于目标", "覆盖率低于目标"]


def test_school_profile_from_url(app):
    at = app("school_profile", school=h.S1)
    assert at.header[0].value == "甲小学"
    years = next(df.value for df in at.dataframe if "年度" in df.value.columns)
    assert years["年末党员数（名）"].tolist() == [42, 48]


def test_school_profile_unknown_school(app):
    at = app("school_profile", school="9999999999")
    assert any("未找到该学校" in w.value for w in at.warning)


def test_missing_extract_gives_a_clear_page(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "nothing-here"))
    at = AppTest.from_file("../app.py", default_timeout=30).run()
    assert not at.exception
    assert any("没有找到可用的数据" in e.value for e in at.error)
    assert "schools.parquet" in text_of(at)
