"""The only module that caches: one typed function per query, keyed on the extract's version.

The version (file times and sizes of the extract) is part of every cache key, so a newly
published extract is read on the next page load without restarting the server.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import config, db
from dashboard.scope import Scope

# Enough for every page under dozens of filter combinations; each entry is a small aggregate.
_MAX_ENTRIES = 2000


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(version: str):
    return db.open_extract(version.split("|", 1)[0])


def version() -> str:
    return db.extract_version(config.data_dir())


@st.cache_data(max_entries=_MAX_ENTRIES, show_spinner=False)
def _run(version_: str, name: str, key: str, _params: dict) -> pd.DataFrame:
    # `_params` is not hashed by Streamlit (leading underscore); `key` stands for it.
    return db.run_query(_connection(version_), name, **_params)


def _cache_key(params: dict) -> str:
    """A short stand-in for the parameters: hashing a nation's 2,000 visible counties element by
    element on every call cost ~10 ms; their digest costs microseconds and is as unique."""
    return repr(sorted((k, hashlib.sha1("\x1f".join(v).encode()).hexdigest() if isinstance(v, (list, tuple)) else v)
                       for k, v in params.items()))


def query(name: str, scope: Scope | None = None, **extra) -> pd.DataFrame:
    params = dict(scope.params()) if scope else {}
    params.update(extra)
    # A copy, so a page that adds a column never alters the cached frame other sessions share.
    return _run(version(), name, _cache_key(params), params).copy()


def is_demo() -> bool:
    return db.is_demo(config.data_dir())


# Filter options -----------------------------------------------------------------------------
def available_years() -> list[int]:
    return [int(y) for y in query("available_years")["year"]]


def all_county_codes() -> tuple[str, ...]:
    """Every county in the extract: the visible set of a user who may see all of it."""
    return _all_counties(version())


@st.cache_data(max_entries=4, show_spinner=False)
def _all_counties(version_: str) -> tuple[str, ...]:
    return db.all_county_codes(_connection(version_))


def counties(visible: tuple[str, ...]) -> pd.DataFrame:
    return query("counties", visible=list(visible))


def townships(county: str, visible: tuple[str, ...]) -> list[str]:
    return list(query("townships", county=county, visible=list(visible))["township"])


# Coverage ------------------------------------------------------------------------------------
def coverage_by_year(scope: Scope) -> pd.DataFrame:
    return query("coverage_by_year", scope)


def coverage_by_county(scope: Scope) -> pd.DataFrame:
    return query("coverage_by_county", scope)


def coverage_by_stage(scope: Scope) -> pd.DataFrame:
    return query("coverage_by_stage", scope)


def schools_not_covered(scope: Scope) -> pd.DataFrame:
    return query("schools_not_covered", scope)


def schools_needing_own_org(scope: Scope) -> pd.DataFrame:
    return query("schools_needing_own_org", scope)


# Organisations and leadership ----------------------------------------------------------------
def orgs_by_year(scope: Scope) -> pd.DataFrame:
    return query("orgs_by_year", scope)


def orgs_by_county(scope: Scope) -> pd.DataFrame:
    return query("orgs_by_county", scope)


def orgs_by_type_formation(scope: Scope) -> pd.DataFrame:
    return query("orgs_by_type_formation", scope)


def leadership_by_stage(scope: Scope) -> pd.DataFrame:
    return query("leadership_by_stage", scope)


def leadership_by_org_type(scope: Scope) -> pd.DataFrame:
    return query("leadership_by_org_type", scope)


def star_ratings(scope: Scope) -> pd.DataFrame:
    return query("star_ratings", scope)


def org_list(scope: Scope, limit: int = 5000) -> pd.DataFrame:
    return query("org_list", scope, limit=limit)


def elections_due(scope: Scope) -> pd.DataFrame:
    return query("elections_due", scope)


def org_type_mismatch(scope: Scope) -> pd.DataFrame:
    return query("org_type_mismatch", scope)


# Honours -------------------------------------------------------------------------------------
def honors_by_year(scope: Scope, kind: str) -> pd.DataFrame:
    return query("honors_by_year", scope, kind=kind)


def honors_by_county(scope: Scope, kind: str) -> pd.DataFrame:
    return query("honors_by_county", scope, kind=kind)


def org_honors_by_year(scope: Scope) -> pd.DataFrame:
    return query("org_honors_by_year", scope)


# Members -------------------------------------------------------------------------------------
def members_by_year(scope: Scope) -> pd.DataFrame:
    return query("members_by_year", scope)


def members_by_county(scope: Scope) -> pd.DataFrame:
    return query("members_by_county", scope)


# Schools -------------------------------------------------------------------------------------
def school_list(scope: Scope, limit: int = 5000) -> pd.DataFrame:
    return query("school_list", scope, limit=limit)


def school_info(school_id: str, visible: tuple[str, ...]) -> pd.DataFrame:
    return query("school_info", school_id=school_id, visible=list(visible))


def school_history(school_id: str, visible: tuple[str, ...]) -> pd.DataFrame:
    return query("school_history", school_id=school_id, visible=list(visible))


def school_honors(school_id: str, visible: tuple[str, ...]) -> pd.DataFrame:
    return query("school_honors", school_id=school_id, visible=list(visible))


def school_search(text: str | None, visible: tuple[str, ...]) -> pd.DataFrame:
    return query("school_search", text=text or None, visible=list(visible))
