"""The only module that caches: queries by name (dashboard/queries/<name>.sql), keyed on the
extract's version.

The version (file times and sizes of the extract) is part of every cache key, so a newly
published extract is read on the next page load without restarting the server.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import config, db, map_chart, maps
from dashboard.scope import Scope
from dashboard.sections.context import Context

# Enough for every page under dozens of filter combinations; each entry is a small aggregate.
_MAX_ENTRIES = 2000


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(version: str):
    return db.open_for_serving(version.split("|", 1)[0])


def version() -> str:
    return db.extract_version(config.data_dir())


@st.cache_data(max_entries=_MAX_ENTRIES, show_spinner=False)
def _run(version_: str, name: str, key: str, _params: dict) -> pd.DataFrame:
    # `_params` is not hashed by Streamlit (leading underscore); `key` stands for it.
    return db.run_query(_connection(version_), name, **_params)


def query(name: str, scope: Scope | None = None, **extra) -> pd.DataFrame:
    """One query's result for the scope (and any extra parameters). Streamlit returns each caller
    its own copy, so a page that adds a column never alters what other sessions share."""
    params = {**scope.params(), **extra} if scope else extra
    key = (scope.key if scope else "") + repr(sorted((k, v if not isinstance(v, list) else tuple(v))
                                                     for k, v in extra.items()))
    return _run(version(), name, key, params)


# Built sections (their frames, and their figures once drawn) shared by every session viewing the
# same scope: a rerun with nothing changed, or a second viewer, rebuilds no figure. Pages must not
# change what they are given.
_MAX_SECTIONS = 400


@st.cache_resource(max_entries=_MAX_SECTIONS, show_spinner=False)
def _section(version_: str, builder_name: str, scope_key: str, compare_year, args: tuple, _builder, _scope):
    return _builder(Context.of(query, _scope, compare_year), *args)


def section(builder, scope: Scope, compare_year: int | None = None, *args):
    """`builder(ctx, *args)` for the scope (a sections module's build function), cached."""
    return _section(version(), f"{builder.__module__}.{builder.__qualname__}", scope.key, compare_year, args,
                    builder, scope)


def is_demo() -> bool:
    return db.is_demo(config.data_dir())


# Filter options: typed, as the filter bar uses them --------------------------------------------
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


# County boundaries for the map ------------------------------------------------------------------
def county_shapes(counties: Mapping[str, str]) -> map_chart.MapShapes | None:
    """The prepared boundaries of these counties (code -> name), or None when some county has none.
    Keyed on the extract's version and the times of the bureau's own boundary files, so a file
    installed (or removed) is drawn on the next run."""
    return _county_shapes(version(), boundaries_stamp(), tuple(counties.items()))


def boundaries_stamp() -> tuple:
    """The times and sizes of the bureau's own boundary files: part of the key of anything built
    with the map."""
    return tuple(_stamp(p) for p in maps.bureau_files(version().split("|", 1)[0]))


def _stamp(path: Path) -> tuple:
    try:
        s = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), s.st_mtime_ns, s.st_size)


# A resource, not data: the shapes are immutable and a few hundred KB, so sessions share one copy
# instead of unpickling their own on every run.
@st.cache_resource(max_entries=16, show_spinner=False)
def _county_shapes(version_: str, files: tuple, counties: tuple[tuple[str, str], ...]):
    geo = maps.boundaries(version_.split("|", 1)[0], dict(counties))
    return map_chart.prepare(geo) if geo is not None else None
