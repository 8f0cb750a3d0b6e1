"""Where each organisation-year is placed for the county, township, stage, ownership and locale
filters (DESIGN §3), as Python needs it: validate warns about the organisations that cannot be
placed at a school of their own year, and the import's merge finds each organisation's county.

The rule, in order: the host school; else the first school (by 学校标识码) the organisation covers
that year; else the first school its child organisations cover that year; else where it was placed
in its latest earlier year; else it is unplaced (it counts only where none of those filters apply).

`place_codes` works on integer codes, as validate holds them; `place` on the tables themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

HOST, COVERED, CHILDREN, EARLIER, UNPLACED = 1, 2, 3, 4, 0
# Above this many (organisation, year) cells a lookup table would cost too much memory: hash instead.
_DENSE_LIMIT = 1 << 26


@dataclass
class Placement:
    school: np.ndarray      # per organisation row: the placing school's code, -1 when unplaced
    how: np.ndarray         # HOST, COVERED, CHILDREN, EARLIER or UNPLACED
    from_year: np.ndarray   # for EARLIER: the year whose placement is used (float, NaN otherwise)


def place_codes(org: np.ndarray, year: np.ndarray, host: np.ndarray, parent: np.ndarray,
                cover_org: np.ndarray, cover_year: np.ndarray, cover_school: np.ndarray,
                rows_of: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                cover_rows: np.ndarray | None = None) -> Placement:
    """Per organisation row (org code, year as float, host school code, parent org code), given
    which school each school-year row says covers it (cover_*). Codes are -1 for none; a host
    code must be -1 unless that school exists. The first school is the smallest code: pass school
    codes in 学校标识码 order for "first" to mean the first by 学校标识码. Rows with a duplicated
    (org, year) share one placement. `rows_of(codes, years)` finds organisation rows by code and
    year (-1 for none) when the caller has such a lookup already; `cover_rows`, the organisation
    row each school-year row points at, when it has those too."""
    n = len(org)
    rows_of = rows_of or _OrgYears(org, year).rows
    school = np.where(host >= 0, host, -1).astype(np.int64)
    how = np.where(school >= 0, HOST, UNPLACED).astype(np.int8)

    if cover_rows is None:
        cover_rows = rows_of(cover_org, cover_year)
    covered = _first_per_row(cover_rows, cover_school, n)
    take = (how == UNPLACED) & (covered >= 0)
    school[take], how[take] = covered[take], COVERED

    # A child's covered schools (not its host) place its parent of the same year.
    child = (parent >= 0) & (covered >= 0)
    by_children = _first_per_row(rows_of(parent[child], year[child]), covered[child], n)
    take = (how == UNPLACED) & (by_children >= 0)
    school[take], how[take] = by_children[take], CHILDREN

    from_year = np.full(n, np.nan)
    todo = (how == UNPLACED) & (org >= 0) & ~np.isnan(year)
    if todo.any():
        # Only the organisations with a year to place: their rows in (org, year) order, each
        # taking the placement of the latest earlier row that was placed at a school of its own year.
        rows = np.flatnonzero(np.isin(org, np.unique(org[todo])) & ~np.isnan(year))
        rows = rows[np.lexsort((year[rows], org[rows]))]
        placed = how[rows] != UNPLACED
        last = np.maximum.accumulate(np.where(placed, np.arange(len(rows)), -1))
        start = np.r_[0, np.flatnonzero(np.diff(org[rows])) + 1]
        group_start = np.repeat(start, np.diff(np.r_[start, len(rows)]))
        earlier = ~placed & (last >= group_start)
        src, dst = rows[last[earlier]], rows[earlier]
        school[dst], how[dst], from_year[dst] = school[src], EARLIER, year[src]
    return Placement(school, how, from_year)


def place(orgs: pd.DataFrame, school_years: pd.DataFrame, school_ids) -> pd.Series:
    """The school each organisation row is placed at (its 学校标识码), missing when unplaced.
    `school_ids` are the schools that exist (a host school elsewhere does not place)."""
    ids = pd.concat([orgs["org_id"], orgs["parent_org_id"], school_years["org_id"]], ignore_index=True).astype("str")
    org_codes, _ = pd.factorize(ids)
    n, m = len(orgs), len(orgs) * 2
    known = pd.Index(pd.Series(school_ids, dtype="str").dropna().unique())
    schools = pd.concat([orgs["host_school_id"], school_years["school_id"]], ignore_index=True).astype("str")
    school_codes, uniques = pd.factorize(schools, sort=True)  # sorted: the smallest code is the first 学校标识码
    host = school_codes[:n].copy()
    host[~orgs["host_school_id"].astype("str").isin(known).to_numpy()] = -1
    years = lambda s: pd.to_numeric(s, errors="coerce").to_numpy("float64", na_value=np.nan)
    p = place_codes(org_codes[:n], years(orgs["year"]), host, org_codes[n:m],
                    org_codes[m:], years(school_years["year"]), school_codes[n:])
    out = np.where(p.school >= 0, uniques.take(np.maximum(p.school, 0)), None)
    return pd.Series(out, index=orgs.index, dtype="str")


class _OrgYears:
    """Organisation rows by (code, year)."""

    def __init__(self, org: np.ndarray, year: np.ndarray):
        valid = (org >= 0) & ~np.isnan(year)
        self.rows_ = np.flatnonzero(valid)
        y = year[self.rows_].astype(np.int64)
        self.ymin = int(y.min()) if len(y) else 0
        self.span = int(y.max()) - self.ymin + 1 if len(y) else 1
        keys = org[self.rows_].astype(np.int64) * self.span + (y - self.ymin)
        size = (int(org.max()) + 1 if len(org) else 1) * self.span
        if size <= _DENSE_LIMIT:
            self.table = np.full(size, -1, dtype=np.int64)
            self.table[keys[::-1]] = self.rows_[::-1]  # the first row of a duplicated key wins
        else:
            self.table = None
            first = ~pd.Series(keys).duplicated().to_numpy()
            self.index, self.first = pd.Index(keys[first]), self.rows_[first]

    def rows(self, org: np.ndarray, year: np.ndarray) -> np.ndarray:
        """For each (code, year), the organisation row, or -1."""
        offset = np.nan_to_num(year - self.ymin, nan=-1.0)
        valid = (org >= 0) & (offset >= 0) & (offset < self.span)
        keys = np.where(valid, org.astype(np.int64) * self.span + np.where(valid, offset, 0).astype(np.int64), 0)
        if self.table is not None:
            valid &= keys < len(self.table)
            return np.where(valid, self.table[np.where(valid, keys, 0)], -1)
        found = self.index.get_indexer(keys)
        return np.where(valid & (found >= 0), self.first[np.maximum(found, 0)], -1)


def _first_per_row(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each of n rows, the smallest non-negative value among the entries pointing at it (-1 if none)."""
    ok = (rows >= 0) & (values >= 0)
    out = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(out, rows[ok], values[ok].astype(np.int64))
    return np.where(out == np.iinfo(np.int64).max, -1, out)
