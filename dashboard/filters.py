"""The filter bar at the top of every page -> a Scope, and the breadcrumb and chips that say
what is chosen. Each select is bound to a URL query parameter of the same name, so a copied
link opens the same view; a value in the URL that is not an option (a typo, a county the user
may not see) is ignored by Streamlit and the default is used instead.
"""
from __future__ import annotations

import streamlit as st

from dashboard import access, contract, data, text
from dashboard.scope import Scope

ALL = "全部"
PREVIOUS = "上年"
# URL parameter names, also the widgets' keys, in the order of the bar.
KEYS = ("year", "compare", "city", "county", "township", "stage", "ownership", "locale")
_PLACE = ("city", "county", "township")
_LABELS = {"stage": "学段", "ownership": "办学性质", "locale": "城乡分类"}


def _all(value) -> str:
    return ALL if value is None else str(value)


def _select(box, label, options, key, fmt=_all, **kw):
    # placeholder: a select cleared by the URL (after Back, or ?county=) reads 全部, never English.
    return box.selectbox(label, options, key=key, bind="query-params", format_func=fmt, placeholder=ALL, **kw)


def filter_bar() -> Scope | None:
    """Draw the filters in one row at the top of the page and return the scope; None when the
    extract has no years."""
    years = data.available_years()
    if not years:
        return None
    visible = access.visible_counties()
    counties = data.counties(visible)
    cities = dict(zip(counties["city_code"], counties["city_name"]))
    bar = st.container(key="filter_bar", horizontal=True, gap="small")
    year = _select(bar, "年度", years, "year", fmt=lambda y: f"{y}年", index=0)
    earlier = [y for y in years if y < int(year)]
    compare = _select(bar, "对比年度", [None, *earlier], "compare",
                      fmt=lambda y: PREVIOUS if y is None else f"{y}年",
                      help="卡片中的变化与哪一年比较；默认与上年比较")
    city = _select(bar, "市", [None, *cities], "city", fmt=lambda c: ALL if c is None else cities[c]) \
        if len(cities) > 1 else None
    shown = counties if city is None else counties[counties["city_code"] == city]
    names = dict(zip(shown["county_code"], shown["county_name"]))
    # A user who sees one county (a 县区 account) starts in it: their comparison is its townships.
    county = _select(bar, "县区", [None, *names], "county", fmt=lambda c: ALL if c is None else names[c],
                     index=1 if len(names) == 1 else 0)
    towns = data.townships(county, visible) if county else []
    township = _select(bar, "乡镇（街道）", [None, *towns], "township", disabled=not county,
                       help=None if county else "先选择县区")
    stage = _select(bar, "学段", [None, *contract.STAGES], "stage")
    ownership = _select(bar, "办学性质", [None, *contract.OWNERSHIPS], "ownership")
    locale = _select(bar, "城乡分类", [None, *contract.LOCALES], "locale")
    st.session_state["_compare_year"] = compare
    return Scope(year=int(year), visible_counties=visible, city=city, county=county,
                 township=township if county else None, stage=stage, ownership=ownership, locale=locale,
                 all_visible=set(visible) >= set(data.all_county_codes()))


def compare_year() -> int | None:
    """The year the cards compare with (None: the year before)."""
    return st.session_state.get("_compare_year")


# Going down and back up ------------------------------------------------------------------------
def _set(**values) -> None:
    """Change bound filters from a callback, before the widgets draw (the URL follows)."""
    for k, v in values.items():
        st.session_state[k] = v


def drill(level: str, code: str | None) -> None:
    """Go one level down from a click on a unit: a city to its counties, a county to its
    townships, a township to its schools. Call from a callback."""
    if not code:
        return
    if level == "city":
        _set(city=code, county=None, township=None)
    elif level == "county" and code in access.visible_counties():
        _set(county=code, township=None)
    elif level == "township":
        _set(township=code)


def crumbs(scope: Scope, counties, whole: str) -> None:
    """The breadcrumb (全市 › 山阳县 › 城关街道: each part goes back up to it in one click) and the
    other chosen filters in plain words, each removable."""
    row = st.container(key="crumbs", horizontal=True, gap="small", vertical_alignment="center")
    names = dict(zip(counties["county_code"], counties["county_name"]))
    cities = dict(zip(counties["city_code"], counties["city_name"]))
    path = [(whole, dict(city=None, county=None, township=None))]
    if scope.city:
        path.append((cities.get(scope.city, scope.city), dict(county=None, township=None)))
    if scope.county and len(names) > 1:
        path.append((names.get(scope.county, scope.county), dict(township=None)))
    elif scope.county:   # the user's one county is the whole of what they see
        path[0] = (names.get(scope.county, scope.county), dict(township=None))
    if scope.township:
        path.append((scope.township, {}))
    row.caption("当前范围：", width="content")
    for i, (label, clear) in enumerate(path):
        last = i == len(path) - 1
        if i:
            row.caption("›", width="content")
        row.button(text.literal(label), key=f"_crumb_{i}", type="tertiary", disabled=last,
                   on_click=_set, kwargs=clear, help=None if last else f"回到{label}")
    for key, label in _LABELS.items():
        value = getattr(scope, key)
        if value:
            row.button(f"{label}：{value}", key=f"_chip_{key}", icon=":material/close:",
                       on_click=_set, kwargs={key: None}, help=f"取消“{label}”条件")
