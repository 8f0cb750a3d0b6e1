"""The interface as a person sees it, in Debian's Chromium: wholly in Chinese, and text from data
shown as the text it is.

1. Every page at 1366×768: no Latin word in the visible text or in a title / aria-label /
   placeholder attribute, outside the file-type names a bureau uses (Streamlit's own English is
   translated by dashboard/static/zh.js; a page that adds an English word fails here).
2. An extract whose names are hostile (Markdown images and links, bold, LaTeX, HTML, an icon
   code) on every page: each name appears in the page literally, nothing it spells is rendered
   (no <img>, <a>, <strong>, <b> or KaTeX from data), and the page fetches nothing (the image
   would point at a closed loopback port).
"""
from __future__ import annotations

import re
import shutil

import pytest

from dashboard import extract
from tests import handmade as h
from tests.browser_support import served_app, wait_for_app

pytestmark = pytest.mark.browser

PAGES = ["", "coverage", "leadership", "demonstration", "members", "org_life", "action_lists", "report_export",
         "data_admin", f"school_profile?school={h.S4}"]
# File-type names a bureau's staff use as they are.
ALLOWED = {"PNG", "SVG", "CSV", "Excel", "Word", "PDF", "xlsx", "csv", "docx", "zip"}

_LATIN = r"""() => {
  const found = [];
  const quiet = el => el.closest('[data-testid=stIconMaterial], noscript, script, style, code, [aria-hidden=true]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || quiet(el)) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    // Screen-reader announcements (react-select's live region) are not text on the screen.
    if (box.width <= 1 && box.height <= 1) continue;
    for (const w of n.textContent.match(/[A-Za-z]{2,}/g) || []) found.push(`text “${w}” in “${n.textContent.trim().slice(0, 60)}”`);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (el.closest('noscript')) continue;
    for (const a of ['title', 'aria-label', 'placeholder']) {
      for (const w of (el.getAttribute(a) || '').match(/[A-Za-z]{2,}/g) || []) found.push(`${a} “${w}”: ${el.getAttribute(a).slice(0, 60)}`);
    }
  }
  return found;
}"""


def _settled(page) -> None:
    wait_for_app(page, timeout=90_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stSkeleton]').length === 0",
                           timeout=60_000)


_CUT = """[...document.querySelectorAll('[data-testid=stMetricValue] *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


def _words(found: list[str]) -> list[str]:
    return [f for f in found if re.search(r"“([A-Za-z]+)”", f).group(1) not in ALLOWED]


@pytest.fixture(scope="module")
def demo_app():
    with served_app({}) as url:
        yield url


def test_the_meeting_screen_speaks_chinese(demo_app, page):
    """The screen has no filter bar to change; its tiles, map, ranking, trend and themes."""
    page.goto(f"{demo_app}/screen")
    _settled(page)
    page.wait_for_function("() => document.querySelectorAll('.scr-tiles, [data-testid=stPlotlyChart] svg.main-svg').length >= 3",
                           timeout=60_000)
    assert _words(page.evaluate(_LATIN)) == []


@pytest.mark.parametrize("path", PAGES)
def test_every_page_speaks_chinese(demo_app, page, path):
    page.goto(f"{demo_app}/{path}")
    _settled(page)
    # The translation follows Streamlit's redraws: read once settled, then after a filter change.
    assert _words(page.evaluate(_LATIN)) == [], path
    # No card value cut short with an ellipsis at 1366 wide (组织生活's 支部党员大会 wraps instead).
    assert page.evaluate(_CUT) == [], path
    page.get_by_role("combobox", name="学段").click()
    page.get_by_role("option", name="小学").click()
    page.wait_for_function("() => location.search.includes('stage=')", timeout=30_000)
    _settled(page)
    assert _words(page.evaluate(_LATIN)) == [], f"{path} after a filter change"


def test_a_cleared_select_reads_all_in_chinese(demo_app, page):
    # An empty URL value clears a bound select; it must still read 全部, never "Choose an option".
    page.goto(f"{demo_app}/?county=")
    _settled(page)
    shown = page.evaluate("() => [...document.querySelectorAll('.st-key-filter_bar input')]"
                          ".map(i => i.value || i.placeholder)")
    county = page.get_by_role("combobox", name="县区")
    assert county.input_value() == "全部" and not [v for v in shown if "Choose" in v or "option" in v], shown


# Text from data ----------------------------------------------------------------------------------
BEACON = "http://127.0.0.1:9/beacon.png"
HOSTILE = {
    "school": f"![x]({BEACON})丁中学",
    "county": "[点此登录](http://127.0.0.1:9/login)县",
    "township": "**粗**镇",
    "org": "$$x^2$$支部<b>加粗</b>",
    "other_school": ":material/warning:戊小学",
}


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    t = h.build_tables()
    t["regions"].loc[t["regions"]["county_code"] == h.SHANYANG, "county_name"] = HOSTILE["county"]
    schools = t["schools"]
    schools.loc[schools["school_id"] == h.S4, "school_name"] = HOSTILE["school"]
    schools.loc[schools["school_id"] == h.S5, "school_name"] = HOSTILE["other_school"]
    schools.loc[schools["township"] == "高坝店镇", "township"] = HOSTILE["township"]
    t["orgs"].loc[t["orgs"]["org_id"] == "O3", "org_name"] = HOSTILE["org"]
    extract.write_tables(t, d)
    with served_app({"DASHBOARD_DATA_DIR": str(d)}) as url:
        yield url
    shutil.rmtree(d, ignore_errors=True)


_RENDERED = r"""() => ({
  images: [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || '').filter(s => s.includes('beacon')),
  links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '').filter(s => s.includes(':9/')),
  bold: [...document.querySelectorAll('strong, b')].map(b => b.textContent).filter(t => t === '粗' || t === '加粗'),
  latex: document.querySelectorAll('.katex, .MathJax, mjx-container').length,
  // The word joiner that keeps a bare address from being linked (dashboard/text.py) is invisible.
  text: (document.body.innerText + ' ' + [...document.querySelectorAll('svg text')].map(t => t.textContent).join(' '))
        .replaceAll('\u2060', ''),
})"""


@pytest.mark.parametrize("path", ["?year=2023年", "coverage?year=2023年", "leadership?year=2023年",
                                  "members?year=2023年", "action_lists?year=2023年",
                                  f"school_profile?school={h.S4}&year=2023年"])
def test_hostile_names_stay_text(hostile_app, page, path):
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    county = HOSTILE["county"]
    page.goto(f"{hostile_app}/{path}")
    _settled(page)
    # Into the county (its townships are compared) and the hostile township (its schools).
    if "school_profile" not in path:
        page.get_by_role("combobox", name="县区").click()
        page.get_by_role("option", name=county).click()
        page.wait_for_function("() => location.search.includes('county=')", timeout=30_000)
        _settled(page)
    shown = page.evaluate(_RENDERED)
    assert shown["images"] == [] and shown["links"] == [] and shown["bold"] == [] and shown["latex"] == 0, shown
    # Tables are drawn on a canvas, so a page whose names are only in tables (问题清单) is checked
    # on its caption and breadcrumb; the others also name the townships in their charts.
    expected = ([HOSTILE["school"], HOSTILE["org"]] if "school_profile" in path
                else [county] if "action_lists" in path else [county, HOSTILE["township"]])
    for name in expected:
        assert name in shown["text"], f"{path}: {name!r} not shown literally"
    assert [u for u in asked if ":9/" in u or not u.startswith(hostile_app)] == [], asked
