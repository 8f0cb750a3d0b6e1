"""The meeting screen and the county map on 总览 (issue 16): what they show for the hand-made extract
(figures worked out by hand in tests/handmade.py), the dark restyle of charts.py figures, and in
Chromium: screenshots at 1920×1080 and 3840×2160, tile sizes and contrast, the map's shapes, a map
click, rotation, a publish shown without a reload, and the 14 px floor of every chart on every page."""
from __future__ import annotations

import json
import os
import shutil
import time
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, config, db, map_chart, maps
from dashboard.metrics import Rate
from dashboard.scope import Scope
from dashboard.sections import Context
from dashboard.sections import maps as section_maps
from dashboard.sections import screen as sc
from tests import handmade as h
from tests.access_support import PASSWORDS, write_users
from tests.browser_support import ARTIFACTS, PROJECT, served_app, wait_for_app
from tests.conftest import run_page

APP = "../app.py"
DEMO = PROJECT / "data"
# Typed from GB/T 2260, not read from the code under test.
JINING = {"370811": "任城区", "370812": "兖州区", "370826": "微山县", "370827": "鱼台县", "370828": "金乡县",
          "370829": "嘉祥县", "370830": "汶上县", "370831": "泗水县", "370832": "梁山县", "370881": "曲阜市",
          "370883": "邹城市"}


# Helpers ------------------------------------------------------------------------------------------
def wcag(colour: str) -> float:
    """Relative luminance, WCAG 2.x, written out here rather than taken from map_chart."""
    colour = colour.lstrip("#")
    out = []
    for i in (0, 2, 4):
        c = int(colour[i:i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((wcag(a), wcag(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shapes_for(data_dir):
    def shapes(counties):
        geo = maps.boundaries(data_dir, counties)
        return map_chart.prepare(geo) if geo else None
    return shapes


def context(handmade_dir, year=2024, **kw) -> Context:
    visible = (h.SHANGZHOU, h.SHANYANG)
    scope = Scope(year=year, visible_counties=visible, all_visible=True, **kw)
    return Context.of(db.runner(db.open_extract(handmade_dir)), scope)


def write_jining(out: Path) -> Path:
    """The hand-made extract moved to 济宁市: its two counties' schools in 任城区 and 兖州区, and
    the city's eleven counties in regions (the other nine have no schools). Without S6, which
    opened in 2024, so that 2024 has 4 schools (S1–S4) where the hand-made extract has 5."""
    from dashboard import extract

    tables = h.build_tables()
    for name in ("schools", "school_years", "member_flows"):
        tables[name] = tables[name][tables[name]["school_id"] != h.S6].reset_index(drop=True)
    tables["regions"] = pd.DataFrame(
        [(code, name, "370800", "济宁市", i + 1) for i, (code, name) in enumerate(JINING.items())],
        columns=["county_code", "county_name", "city_code", "city_name", "sort_order"])
    tables["schools"]["county_code"] = tables["schools"]["county_code"].map(
        {h.SHANGZHOU: "370811", h.SHANYANG: "370812"})
    extract.write_tables(tables, out)
    return out


# The map block ------------------------------------------------------------------------------------
def test_map_values_per_county_worked_by_hand(handmade_dir):
    ctx = context(handmade_dir, 2024)
    values, names, _ = section_maps.unit_values(ctx, "党组织覆盖率")
    assert names == {h.SHANGZHOU: "商州区", h.SHANYANG: "山阳县"}
    assert values == {h.SHANGZHOU: Rate(3, 3), h.SHANYANG: Rate(2, 2)}
    # 2024: O1 (S1, 分设) and O2 (S2, 一肩挑) in 商州区, O3 (S4, 书记空缺) in 山阳县; O4 has no host.
    assert section_maps.unit_values(ctx, "一肩挑比例")[0] == {h.SHANGZHOU: Rate(1, 2), h.SHANYANG: Rate(0, 1)}
    assert section_maps.unit_values(ctx, "党员数")[0] == {h.SHANGZHOU: 48 + 4 + 3, h.SHANYANG: 11 + 2}
    # S1 省级 and S3 县级; S4's award revoked in 2024, S5 closed.
    assert section_maps.unit_values(ctx, "党建示范校")[0] == {h.SHANGZHOU: 2, h.SHANYANG: 0}
    assert section_maps.unit_values(ctx, "每百名教职工党员数")[0] == {
        h.SHANGZHOU: Rate(55, 60 + 14 + 20, unit=""), h.SHANYANG: Rate(13, 82 + 8, unit="")}
    # 2023: S5 has only an adviser.
    assert section_maps.unit_values(context(handmade_dir, 2023), section_maps.UNCOVERED)[0] == {
        h.SHANGZHOU: 0, h.SHANYANG: 1}


def test_the_map_block_draws_each_county_and_drills(handmade_dir):
    chart = section_maps.county_map(context(handmade_dir, 2023), "党组织覆盖率", shapes_for(handmade_dir))
    assert chart.drill == "county" and chart.title == "2023年全市各县区党组织覆盖率"
    fills = [t for t in chart.figure.data if t.fill == "toself"]
    assert [t.meta for t in fills] == [h.SHANGZHOU, h.SHANYANG]
    labels = sorted(x for t in chart.figure.data if t.name == "county_labels" for x in t.text)
    assert labels == ["商州区<br>3/3", "山阳县<br>1/2"]


def test_no_map_below_the_county_level_or_without_boundaries(handmade_dir):
    shapes = shapes_for(handmade_dir)
    assert section_maps.county_map(context(handmade_dir, county=h.SHANYANG), "党组织覆盖率", shapes) is None
    assert section_maps.county_map(context(handmade_dir), "党组织覆盖率", lambda counties: None) is None


# The screen's view ----------------------------------------------------------------------------------
def test_the_screen_view_of_2024_worked_by_hand(handmade_dir):
    view = sc.build(context(handmade_dir, 2024), sc.theme("覆盖"), shapes_for(handmade_dir))
    tiles = {c.label: c for c in view.tiles}
    assert list(tiles) == ["学校数", "党组织覆盖率", "“一肩挑”比例", "党建示范校", "党员数", "党员增长率"]
    assert tiles["学校数"].value == "5所"
    assert (tiles["党组织覆盖率"].value, tiles["党组织覆盖率"].rate) == ("100.0%", Rate(5, 5))
    assert (tiles["“一肩挑”比例"].value, tiles["“一肩挑”比例"].rate) == ("33.3%", Rate(1, 3))
    assert tiles["党建示范校"].value == "2所" and tiles["党员数"].value == "68名"
    assert (tiles["党员增长率"].value, tiles["党员增长率"].rate) == ("19.3%", Rate(11, 57))
    # 80.0 -> 100.0, 66.7 -> 33.3, 3.6 -> 19.3 (as shown, one decimal).
    assert view.changes == {"党组织覆盖率": "较上年提高20.0个百分点", "“一肩挑”比例": "较上年下降33.4个百分点",
                            "党员增长率": "较上年提高15.7个百分点"}
    assert [(c.label, c.value) for c in view.problems] == [("换届已逾期", "1个"), ("党组织未覆盖学校", "0所")]
    assert view.map is not None and view.ranking.drill == "county"
    assert view.trend.title == "2023—2024年全市党组织覆盖率变化"


def test_each_theme_has_its_map_ranking_and_trend(handmade_dir):
    ctx = context(handmade_dir, 2023)
    for t in sc.THEMES:
        view = sc.build(ctx, t, shapes_for(handmade_dir))
        assert view.map is not None and t.metric in view.map.title
        assert view.ranking is not None and view.trend is not None
        for chart in (view.ranking, view.trend):
            assert not charts.is_empty(chart.figure), (t.key, chart.title)
    problems = sc.build(ctx, sc.theme("问题"), shapes_for(handmade_dir))
    assert [(c.label, c.value) for c in problems.problems] == [("换届已逾期", "1个"), ("党组织未覆盖学校", "1所")]
    ranking = problems.ranking.figure.data[-1]   # the units' bars (a track is behind them)
    assert dict(zip(ranking.y, ranking.x)) == {"商州区": 0, "山阳县": 1}


def test_a_scope_without_schools_says_so(handmade_dir):
    view = sc.build(context(handmade_dir, 2024, stage="特殊教育学校"), sc.THEMES[0], shapes_for(handmade_dir))
    assert view.empty == "2024年全市特殊教育学校没有符合筛选条件的学校。" and not view.tiles


def test_theme_and_titles():
    assert sc.theme("党员").metric == "党员数" and sc.theme("不存在") is sc.THEMES[0] and sc.theme(None) is sc.THEMES[0]
    assert sc.data_date(2023) == "数据截至2023年12月31日"


# The dark restyle -----------------------------------------------------------------------------------
def text_sizes(fig) -> list[float]:
    """Every font size the figure sets itself (the template's are not counted)."""
    sizes = [fig.layout.font.size, fig.layout.title.font.size, fig.layout.legend.font.size,
             fig.layout.xaxis.tickfont.size, fig.layout.yaxis.tickfont.size]
    sizes += [a.font.size for a in fig.layout.annotations]
    sizes += [t.textfont.size for t in fig.data if getattr(t, "textfont", None) is not None and t.textfont.size]
    return [s for s in sizes if s is not None]


def test_dark_restyles_a_copy_and_keeps_the_floor():
    fig = charts.rate_ranking(["甲县", "乙县"], [3, 1], [4, 2], "覆盖率", reference=("全市", Rate(4, 6)), target=100)
    before = fig.to_json()
    dark = sc.dark(fig, height=600)
    assert fig.to_json() == before                      # charts.py's figure untouched
    assert dark.layout.paper_bgcolor == dark.layout.plot_bgcolor == sc.GROUND
    assert dark.layout.height == 600
    assert contrast(dark.layout.font.color, sc.GROUND) >= 4.5
    for a in dark.layout.annotations:                   # reference labels on the ground, not on a bar
        assert a.bgcolor == sc.GROUND and contrast(a.font.color, sc.GROUND) >= 4.5
    assert min(text_sizes(dark)) >= 20 > max(text_sizes(fig))   # bigger than the template's 15-16 px
    assert dark.data[-1].marker.color != fig.data[-1].marker.color  # brighter bars for a dark ground


def test_dark_keeps_long_rankings_over_the_floor():
    names = [f"学校{i}" for i in range(31)]
    dark = sc.dark(charts.count_ranking(names, list(range(31)), "党员数", "名"), height=710)
    assert min(text_sizes(dark)) >= charts.MIN_TEXT


def test_text_on_a_bar_reads_against_the_bar():
    fig = sc.dark(charts.stacked_bars(["甲", "乙"], {"一肩挑": [3, 1], "分设": [1, 3], "书记空缺": [1, 1]}, "设置", "个",
                                      percent=True, horizontal=True))
    for t in fig.data:
        bar = t.marker.color
        for ink in t.insidetextfont.color:
            assert contrast(ink, bar) >= 4.5, (t.name, bar, ink)


def test_years_read_level_and_the_top_label_clears_the_legend():
    years = [2018, 2019, 2020, 2021]
    fig = sc.dark(charts.trend(years, {"党组织覆盖率": [90, 92, 95, 99.7], "党的工作覆盖率": [95, 96, 98, 99.4]}, "趋势", "%",
                               percent=True, mark=2021))
    assert fig.layout.xaxis.ticksuffix == "" and fig.layout.yaxis.range[1] > 105
    positions = {t.name: t.textposition for t in fig.data}
    # Both labelled at the right edge; the two values are close, so one goes above and one below.
    assert positions == {"党组织覆盖率": "top left", "党的工作覆盖率": "bottom left"}


# The page (AppTest) ---------------------------------------------------------------------------------
@pytest.fixture
def app(monkeypatch, handmade_dir):
    def run(data_dir=handmade_dir, page="screen", **params) -> AppTest:
        monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
        return run_page(page, timeout=60, **params)
    return run


def html_of(at) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def plotly_keys(at) -> list[str]:
    return [e.proto.id.rsplit("-", 1)[-1] for e in at.get("plotly_chart")]


def figure(at, key: str) -> dict:
    return json.loads(next(e.proto.spec for e in at.get("plotly_chart") if e.proto.id.endswith(key)))


def test_the_screen_shows_the_scope_the_date_and_the_figures(app):
    at = app()
    page = html_of(at)
    assert "全市中小学校党建工作" in page and "2024年 · 数据截至2024年12月31日 · 专题：组织覆盖" in page
    for shown in ('<div class="scr-value">100.0%</div><div class="scr-detail">5/5</div>',
                  '<div class="scr-value">33.3%</div><div class="scr-detail">1/3</div>', ">68名<", ">1个<", ">0所<"):
        assert shown in page, shown
    assert "演示数据" not in page                        # the hand-made extract is not the demo
    assert sorted(plotly_keys(at)) == ["screen_map", "screen_rank", "screen_trend_static"]
    fills = [t for t in figure(at, "screen_map")["data"] if t.get("fill") == "toself"]
    assert sorted(t["meta"] for t in fills) == [h.SHANGZHOU, h.SHANYANG]
    assert [b.key for b in at.button if b.key and b.key.startswith("screen_")] == ["screen_exit"]


def test_a_county_scope_shows_its_townships_and_goes_back_up(app):
    at = app(county="山阳县", year="2023年")
    assert "山阳县中小学校党建工作" in html_of(at)
    assert "screen_map" not in plotly_keys(at)        # townships have no boundaries: the ranking instead
    ranking = figure(at, "screen_rank")["data"][0]
    assert sorted(ranking["y"]) == ["城关街道", "高坝店镇"]
    assert ">50.0%<" in html_of(at) and ">1/2<" in html_of(at)   # 山阳县 2023: S4 covered, S5 not
    at.button(key="screen_up").click().run()
    assert "全市中小学校党建工作" in html_of(at) and "screen_map" in plotly_keys(at)


def test_the_theme_comes_from_the_url_and_rotation_is_bounded(app):
    at = app(theme="党员", rotate="20")
    page = html_of(at)
    assert '<div class="scr-tile scr-focus"><div class="scr-label">党员数</div>' in page
    assert '<span class="scr-theme scr-on">党员</span>' in page and "每20秒轮换专题" in page
    assert figure(at, "screen_rank")["layout"]["title"]["text"] == "2024年全市各县区党员数"
    for bad in ("abc", "2", "99999"):
        assert "轮换" not in html_of(app(rotate=bad))


def test_the_demo_notice_in_the_screens_own_style(app, handmade_dir, tmp_path):
    demo = shutil.copytree(handmade_dir, tmp_path / "demo")
    (demo / config.DEMO_MARKER).write_text("", encoding="utf-8")
    at = app(data_dir=demo)
    assert '<div class="scr-demo">演示数据：学校和各项数字均为虚构</div>' in html_of(at)
    # The page's own warning box is still sent (screen.css hides it once the screen is drawn).
    assert any("演示数据" in w.value for w in at.warning)


def test_data_values_are_escaped(app, tmp_path):
    from dashboard import extract

    tables = h.build_tables()
    tables["regions"].loc[tables["regions"]["county_code"] == h.SHANYANG, "county_name"] = "山阳<i>县</i>"
    extract.write_tables(tables, tmp_path / "x")
    at = app(data_dir=tmp_path / "x", county="山阳<i>县</i>")
    page = html_of(at)
    assert "山阳&lt;i&gt;县&lt;/i&gt;中小学校党建工作" in page and "<i>" not in page


def test_the_overview_shows_the_map_beside_its_ranking(app):
    at = app(page="overview")
    assert plotly_keys(at) == ["overview_rank", "overview_map"]
    hover = [t.get("hovertext") for t in figure(at, "overview_map")["data"] if t.get("name") == "county_hits"]
    assert sorted(hover) == ["<b>商州区</b><br>党组织覆盖率：100.0%（3/3）", "<b>山阳县</b><br>党组织覆盖率：100.0%（2/2）"]
    assert plotly_keys(app(page="overview", county="山阳县")) == ["overview_rank"]


@pytest.fixture
def logged_in(monkeypatch, tmp_path, handmade_dir):
    users = tmp_path / "users.toml"
    write_users(users)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users))
    monkeypatch.setenv("DASHBOARD_LOGIN_STATE", str(tmp_path / "var" / "login_state.sqlite"))
    monkeypatch.setenv("DASHBOARD_LOGIN_DELAY_SECONDS", "0")
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "600")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="_login_name").input("city")
    at.text_input(key="_login_password").input(PASSWORDS["city"])
    at.button[0].click().run()
    at.switch_page("dashboard/pages/screen.py").run()
    assert not at.exception and "全市中小学校党建工作" in html_of(at)
    return at


def test_a_run_the_screen_starts_itself_is_not_a_persons_activity(logged_in):
    at = logged_in
    an_hour_ago = time.time() - 3600
    at.session_state["_access_seen"] = an_hour_ago
    at.session_state["_screen_auto"] = {"seen": an_hour_ago}   # as the watcher leaves it before its rerun
    at.run()
    assert at.session_state["_access_seen"] == an_hour_ago
    at.run()                                                   # a person's own run counts
    assert at.session_state["_access_seen"] > an_hour_ago + 3000


# In Chromium ----------------------------------------------------------------------------------------
# Streamlit marks its root with the script's state; the page is "notRunning" also before its first
# run starts, so a run counts as done only once it has been seen running.
SEE_RUNS = """new MutationObserver(() => {
  const app = document.querySelector('.stApp');
  if (app && app.getAttribute('data-test-script-state') === 'running') window.__ran = true;
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-test-script-state']});"""
# The script has run to its end, every element is mounted (Streamlit loads some elements' code on
# first use and shows a skeleton until then) and every chart is drawn.
DONE = """() => window.__ran && document.querySelector('.stApp[data-test-script-state=notRunning]')
  && !document.querySelector('[data-testid=stSkeleton]')
  && [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('svg.main-svg text'))"""
READY = """() => window.__ran && document.querySelector('.stApp[data-test-script-state=notRunning]')
  && !document.querySelector('[data-testid=stSkeleton]') && document.querySelector('.scr-tiles')
  && [...document.querySelectorAll('[data-testid=stPlotlyChart]')].length >= 2
  && [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('svg.main-svg text'))"""


def open_screen(browser, url: str, width=1920, height=1080, query=""):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_init_script(SEE_RUNS)
    page = context.new_page()
    page.goto(f"{url}/screen{query}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_function(READY, timeout=60_000)
    return page


def settle(page) -> None:
    """Until the charts stop changing size (Streamlit lays columns out after the first draw)."""
    previous = None
    for _ in range(50):
        now = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(e => e.getBoundingClientRect())"
                            ".map(r => [r.x, r.y, r.width, r.height].map(Math.round).join()).join('|')")
        if now == previous:
            return
        previous = now
        page.wait_for_timeout(200)


@pytest.fixture(scope="module")
def demo_url():
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"DASHBOARD_DATA_DIR": str(DEMO), "DASHBOARD_USERS_FILE": str(ARTIFACTS / "no-users.toml")}
    with served_app(env) as url:
        yield url


FILL_PATHS = "[...document.querySelectorAll('.st-key-screen_map path.js-fill')].filter(p => (p.getAttribute('d') || '').length > 10).length"


def wait_for_shapes(page, n: int) -> None:
    """Until the map has drawn n filled shapes (plotly draws the geography after the axes' text)."""
    page.wait_for_function(f"() => ({FILL_PATHS}) === {n}", timeout=60_000)


@pytest.mark.browser
@pytest.mark.parametrize("width, height, name", [(1920, 1080, "screen-1080p"), (3840, 2160, "screen-4k")])
def test_screenshots_fill_the_screen_without_scrolling(browser, demo_url, width, height, name):
    page = open_screen(browser, demo_url, width, height)
    try:
        settle(page)
        wait_for_shapes(page, 7)
        # The whole screen in view: nothing below the fold, nothing cut at the right.
        extent = page.evaluate("""() => { const r = [...document.querySelectorAll('.scr-foot, .js-plotly-plot, .scr-tiles')]
            .map(e => e.getBoundingClientRect()); return [Math.max(...r.map(x => x.bottom)), Math.max(...r.map(x => x.right))]; }""")
        assert extent[0] <= height and extent[1] <= width, extent
        # At 4K the layout is the 1080p one at twice the size: a tile value is twice as tall.
        value_px = page.evaluate("document.querySelector('.scr-value').getBoundingClientRect().height")
        assert value_px >= 64 * width / 1920
        page.screenshot(path=ARTIFACTS / f"{name}.png")
    finally:
        page.context.close()


@pytest.mark.browser
def test_tiles_read_at_ten_metres_and_every_text_has_contrast(browser, demo_url):
    page = open_screen(browser, demo_url)
    try:
        settle(page)
        sizes = page.evaluate("""() => ({
            value: [...document.querySelectorAll('.scr-value')].map(e => parseFloat(getComputedStyle(e).fontSize)),
            nn: [...document.querySelectorAll('.scr-tiles .scr-detail')].filter(e => /^\\d+\\/\\d+$/.test(e.textContent))
                  .map(e => parseFloat(getComputedStyle(e).fontSize))})""")
        assert len(sizes["value"]) == 8 and min(sizes["value"]) >= 64     # six tiles and two problem counts
        assert len(sizes["nn"]) == 3 and min(sizes["nn"]) >= 28            # the three rate tiles' n/N
        html_pairs = page.evaluate(HTML_COLOURS)
        assert len(html_pairs) > 20
        low = [(t, fg, bg, round(contrast(fg, bg), 2)) for t, fg, bg in html_pairs if contrast(fg, bg) < 4.5]
        assert low == []
        svg_pairs = page.evaluate(SVG_COLOURS)
        assert len(svg_pairs) > 40
        low = [(t, fg, bg, round(contrast(fg, bg), 2)) for t, fg, bg in svg_pairs if contrast(fg, bg) < 4.5]
        assert low == []
        floor = [(t, s) for t, s in page.evaluate(SVG_SIZES) if s < charts.MIN_TEXT]
        assert floor == []
    finally:
        page.context.close()


# Colours as #RRGGBB from computed styles; a background is the first opaque one from the element up.
_JS_COLOUR = """
const hex = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  if (p.length > 3 && p[3] === 0) return null;
  return '#' + p.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, '0')).join('').toUpperCase(); };
const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
  && parseFloat(getComputedStyle(e).opacity) > 0;
"""
HTML_COLOURS = "() => {" + _JS_COLOUR + """
  const ground = e => { for (; e; e = e.parentElement) { const c = hex(getComputedStyle(e).backgroundColor); if (c) return c; } return '#FFFFFF'; };
  const out = [];
  for (const e of document.querySelectorAll('.stMain *')) {
    if (e.closest('svg') || !shown(e)) continue;
    const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own) out.push([own, hex(getComputedStyle(e).color), ground(e)]);
  }
  return out; }"""
SVG_COLOURS = "() => {" + _JS_COLOUR + """
  const out = [];
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const fills = Object.fromEntries(gd._fullData.filter(t => t.fill === 'toself').map(t => [t.meta, t.fillcolor]));
    for (const t of gd.querySelectorAll('svg text')) {
      if (!t.textContent.trim() || !shown(t) || t.closest('.hoverlayer')) continue;
      let bg = gd._fullLayout.paper_bgcolor;
      const point = t.closest('.textpoint'), trace = t.closest('g.trace');
      if (point && trace && trace.__data__) {
        // A county's label sits on its county.
        const cd = trace.__data__[0].trace, i = [...trace.querySelectorAll('.textpoint')].indexOf(point);
        if (cd.customdata && cd.customdata[i]) bg = fills[cd.customdata[i][0]] || bg;
      } else if (t.classList.contains('bartext-inside')) {
        bg = getComputedStyle(t.parentElement.querySelector('path')).fill;
      } else if (t.closest('.annotation')) {
        const rect = t.closest('.annotation').querySelector('rect.bg');
        if (rect && hex(getComputedStyle(rect).fill)) bg = getComputedStyle(rect).fill;
      }
      out.push([t.textContent, hex(getComputedStyle(t).fill), hex(bg) || bg]);
    }
  }
  return out; }"""
# The size a text is drawn at: its computed font size times any scale plotly applied to fit it.
SVG_SIZES = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
  .filter(t => t.textContent.trim() && t.getClientRects().length && !t.closest('.hoverlayer')
               && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none')
  .map(t => { const m = t.getCTM(); const k = m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 1;
              return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * k]; })"""


@pytest.mark.browser
def test_clicking_a_county_on_the_map_shows_its_townships(browser, demo_url):
    page = open_screen(browser, demo_url)
    try:
        settle(page)
        chart = page.locator(".st-key-screen_map .js-plotly-plot")
        label = chart.locator(".textpoint text", has_text="山阳县")
        box, frame = label.bounding_box(), chart.bounding_box()
        here = {"x": box["x"] + box["width"] / 2 - frame["x"], "y": box["y"] + box["height"] / 2 - frame["y"]}
        chart.hover(position=here)
        chart.locator(".hoverlayer .hovertext").first.wait_for(state="attached", timeout=30_000)
        chart.click(position=here)
        page.wait_for_function("() => (document.querySelector('.scr-title') || {}).textContent === '山阳县中小学校党建工作'",
                               timeout=60_000)
        # The county's townships ranked (18 in the demo) where the map was: townships have no boundaries.
        page.wait_for_function("() => !document.querySelector('.st-key-screen_map') && document.querySelectorAll("
                               "'.st-key-screen_rank .ytick text').length === 18", timeout=60_000)
        ticks = page.evaluate("[...document.querySelectorAll('.st-key-screen_rank .ytick text')].map(t => t.textContent)")
        assert "城关街道" in ticks
    finally:
        page.context.close()


@pytest.mark.browser
def test_rotation_advances_without_history_or_reload(browser, demo_url):
    page = open_screen(browser, demo_url, query="?rotate=5")
    try:
        page.evaluate("window.__loaded = 'once'")
        history = page.evaluate("history.length")
        assert page.inner_text(".scr-theme.scr-on") == "覆盖"
        page.wait_for_function("() => (document.querySelector('.scr-theme.scr-on') || {}).textContent === '一肩挑'",
                               timeout=90_000)
        page.wait_for_function(READY, timeout=60_000)
        assert "专题：书记校长“一肩挑”" in page.inner_text(".scr-sub")
        assert page.evaluate("window.__loaded") == "once" and page.evaluate("history.length") == history
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).get("rotate") == ["5"]
    finally:
        page.context.close()


@pytest.mark.browser
def test_every_chart_on_every_page_keeps_the_floor(browser, demo_url):
    """Issue 16 §3: no text of any plotly chart under 14 px at 1920 wide, on the screen and every page."""
    from tests.test_closed_network import page_addresses

    school = pd.read_parquet(DEMO / "schools.parquet", columns=["school_id"])["school_id"].iloc[0]
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.add_init_script(SEE_RUNS)
    page = context.new_page()
    failures, checked = [], 0
    try:
        for address in page_addresses() + [f"/school_profile?school={school}"]:
            page.goto(demo_url + address)
            wait_for_app(page, timeout=60_000)
            page.wait_for_function(DONE, timeout=60_000)
            sizes = page.evaluate(SVG_SIZES)
            checked += len(sizes)
            failures += [(address, t, round(s, 1)) for t, s in sizes if s < charts.MIN_TEXT - 0.01]
    finally:
        context.close()
    assert checked > 400                     # 569 on the demo: every page's charts were read
    assert failures == []


# A publish during display -----------------------------------------------------------------------------
def point(root: Path, version: str) -> None:
    """Publish as an import does: the `current` link replaced in one rename."""
    tmp = root / ".current.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path("versions") / version)
    os.replace(tmp, root / config.CURRENT_LINK)


@pytest.fixture
def published(tmp_path, handmade_dir):
    root = tmp_path / "root"
    write_jining(root / "versions" / "jining")
    shutil.copytree(handmade_dir, root / "versions" / "shangluo")
    point(root, "jining")
    env = {"DASHBOARD_DATA_DIR": str(root), "DASHBOARD_USERS_FILE": str(tmp_path / "no-users.toml")}
    with served_app(env) as url:
        yield root, url


@pytest.mark.browser
def test_jining_draws_eleven_counties_and_a_publish_shows_without_reload(browser, published):
    root, url = published
    page = open_screen(browser, url)
    try:
        settle(page)
        wait_for_shapes(page, 11)
        labels = page.evaluate("[...document.querySelectorAll('.st-key-screen_map .textpoint text')].map(t => t.textContent)")
        assert sorted(x[:3] for x in labels) == sorted(JINING.values())
        assert page.inner_text(".scr-tile >> nth=0").splitlines()[:2] == ["学校数", "4所"]
        page.evaluate("window.__loaded = 'once'")
        history = page.evaluate("history.length")

        point(root, "shangluo")
        page.wait_for_function("() => (document.querySelector('.scr-tile .scr-value') || {}).textContent === '5所'",
                               timeout=90_000)
        wait_for_shapes(page, 2)
        labels = page.evaluate("[...document.querySelectorAll('.st-key-screen_map .textpoint text')].map(t => t.textContent)")
        assert sorted(x[:3] for x in labels) == ["商州区", "山阳县"]
        assert page.evaluate("window.__loaded") == "once" and page.evaluate("history.length") == history
        page.screenshot(path=ARTIFACTS / "screen-after-publish.png")
    finally:
        page.context.close()


@pytest.fixture
def screen_link(tmp_path):
    from dashboard import auth

    write_users(tmp_path / "users.toml")
    state = tmp_path / "var" / "login_state.sqlite"
    _, token = auth.ScreenLinks(state.parent / "screen_links.json").issue("会议室", [h.SHANYANG], "test")
    env = {"DASHBOARD_DATA_DIR": str(DEMO), "DASHBOARD_USERS_FILE": str(tmp_path / "users.toml"),
           "DASHBOARD_LOGIN_STATE": str(state), "DASHBOARD_AUDIT_LOG": str(tmp_path / "audit.log"),
           "DASHBOARD_IDLE_MINUTES": "0.1"}
    with served_app(env) as url:
        yield url, token


@pytest.mark.browser
def test_a_screen_link_rotates_past_the_idle_timeout_and_keeps_its_token(browser, screen_link):
    """The link's one county, which starts in it as a 县区 account does (its 18 townships ranked
    where the map was: townships have no boundaries), the theme going round for longer than the
    6-second idle timeout set here, the token still in the address, no login page, no way off the
    screen."""
    url, token = screen_link
    page = open_screen(browser, url, query=f"?screen_token={token}&rotate=5")
    try:
        assert page.inner_text(".scr-title") == "山阳县中小学校党建工作"
        page.wait_for_function("() => !document.querySelector('.st-key-screen_map') && document.querySelectorAll("
                               "'.st-key-screen_rank .ytick text').length === 18", timeout=60_000)
        assert page.locator(".st-key-screen_exit").count() == 0
        for theme in ("一肩挑", "示范"):
            page.wait_for_function(f"() => (document.querySelector('.scr-theme.scr-on') || {{}}).textContent === '{theme}'",
                                   timeout=90_000)
        page.wait_for_function(READY, timeout=60_000)
        assert page.locator("input[type=password]").count() == 0
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).get("screen_token") == [token]
    finally:
        page.context.close()
