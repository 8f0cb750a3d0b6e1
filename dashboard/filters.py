"""The global filter bar -> a Scope. Each widget is bound to a URL query parameter of the same
name, so a copied link opens the same view; a value in the URL that is not an option (a typo,
a county the user may not see) is ignored by Streamlit and the default is used instead.
"""
from __future__ import annotations

import streamlit as st

from dashboard import access, contract, data
from dashboard.scope import Scope

ALL = "全部"
# URL parameter names, also the widgets' keys.
KEYS = ("year", "county", "township", "stage", "ownership", "locale")


def _all(value) -> str:
    return ALL if value is None else str(value)


def filter_bar() -> Scope | None:
    """Draw the filters in the sidebar and return the scope; None when the extract has no years."""
    years = data.available_years()
    if not years:
        return None
    visible = access.visible_counties()
    counties = data.counties(visible)
    names = dict(zip(counties["county_code"], counties["county_name"]))
    sb = st.sidebar
    sb.markdown("#### 筛选条件")
    year = sb.selectbox("年度", years, index=0, key="year", bind="query-params", format_func=lambda y: f"{y}年")
    county = sb.selectbox("县区", [None, *names], key="county", bind="query-params",
                          format_func=lambda c: ALL if c is None else names[c])
    towns = data.townships(county, visible) if county else []
    township = sb.selectbox("乡镇(街道)", [None, *towns], key="township", bind="query-params",
                            format_func=_all, disabled=not county,
                            help=None if county else "先选择县区")
    stage = sb.selectbox("学段", [None, *contract.STAGES], key="stage", bind="query-params", format_func=_all)
    ownership = sb.selectbox("办学性质", [None, *contract.OWNERSHIPS], key="ownership", bind="query-params",
                             format_func=_all)
    locale = sb.selectbox("城乡分类", [None, *contract.LOCALES], key="locale", bind="query-params", format_func=_all)
    return Scope(year=int(year), visible_counties=visible, county=county,
                 township=township if county else None, stage=stage, ownership=ownership, locale=locale,
                 all_visible=set(visible) >= set(data.all_county_codes()))


def select_county(county_code: str | None) -> None:
    """Filter to one county (from a click on a chart); call from a callback, before widgets draw."""
    if county_code is None or county_code in access.visible_counties():
        st.session_state["county"] = county_code
        st.session_state["township"] = None
