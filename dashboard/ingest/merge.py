"""Combining an upload with the extract it is published onto.

Rule (docs/import.md): per table, the upload replaces the rows of every (county, year) it
contains and keeps all others, so a county can upload its own sheets without touching another
county's or another year's. Rows with the same key as an uploaded row are replaced too, wherever
they were. Schools and regions have no year: an uploaded row adds or updates that school or
county and never removes one, because a school dropped from a yearly list would orphan its
history; a full replacement (--replace-all) is how schools are removed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import contract, placement
from dashboard.ingest.clean import META

SEP = "\x1f"  # never typed in a spreadsheet cell, so joined keys cannot collide


def key_of(df: pd.DataFrame, table: str) -> pd.Series:
    cols = contract.TABLES[table].key
    out = df[cols[0]].astype("str")
    for c in cols[1:]:
        out = out + SEP + df[c].astype("str")
    return out


def _scope(county: pd.Series, year: pd.Series | None) -> pd.Series:
    """(county, year) as one string, missing where the county cannot be told."""
    county = county.astype("str")
    s = county if year is None else county + SEP + year.astype("Int64").astype("str")
    return s.where(county.notna())


def _county_by_school(schools: pd.DataFrame) -> pd.Series:
    return schools.drop_duplicates("school_id").set_index("school_id")["county_code"]


def _org_county(orgs: pd.DataFrame, school_years: pd.DataFrame, by_school: pd.Series) -> pd.Series:
    """An organisation's county is that of the school it is placed at (DESIGN §3, the placement
    the figures use): its host school, else the first school it or its child organisations cover
    that year, else its place in the latest earlier year among these rows. An unplaced one has no
    county: it is replaced only by its key, never by a county's upload."""
    return placement.place(orgs, school_years, by_school.index).map(by_school)


def _honor_county(honors: pd.DataFrame, orgs: pd.DataFrame, org_county: pd.Series, by_school: pd.Series) -> pd.Series:
    county = honors["school_id"].map(by_school)
    by_org = pd.Series(org_county.to_numpy(), index=orgs["org_id"].astype("str").to_numpy())
    by_org = by_org[~by_org.index.duplicated()]
    return county.fillna(honors["org_id"].astype("str").map(by_org))


def isin(values: pd.Series, among: pd.Series) -> np.ndarray:
    """values.isin(among) for large string columns, exact: both are coded by one factorisation
    (pandas' isin on Arrow strings converts the lookup set one string at a time). Missing values
    never match."""
    codes, _ = pd.factorize(pd.concat([values, among], ignore_index=True))
    a, b = codes[:len(values)], codes[len(values):]
    return np.isin(a, b[b >= 0]) & (a >= 0)


def _replace(old: pd.DataFrame, new: pd.DataFrame | None, table: str,
             old_scope: pd.Series | None = None, new_scope: pd.Series | None = None) -> pd.DataFrame:
    if new is None or new.empty:
        return old
    if old.empty:
        return new.reset_index(drop=True)
    drop = isin(key_of(old, table), key_of(new, table))
    if old_scope is not None and new_scope is not None:
        drop |= isin(old_scope, new_scope)
    return pd.concat([old[~drop], new], ignore_index=True)


def with_meta(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in META:
        if c not in out.columns:
            out[c] = pd.Series(pd.NA, index=out.index, dtype="Int64" if c == "_row" else "str")
    return out


def merge(base: dict[str, pd.DataFrame], upload: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The new extract: base rows outside the upload's scopes, then the uploaded rows (with META)."""
    old = {t: with_meta(base[t]) for t in contract.TABLES}
    up = {t: upload[t] for t in contract.TABLES if t in upload and len(upload[t])}
    out: dict[str, pd.DataFrame] = {}
    out["regions"] = _replace(old["regions"], up.get("regions"), "regions")
    out["schools"] = _replace(old["schools"], up.get("schools"), "schools")
    by_school = _county_by_school(out["schools"])

    for t in ("school_years", "member_flows"):
        new = up.get(t)
        if new is None:
            out[t] = old[t]
            continue
        out[t] = _replace(old[t], new, t, _scope(old[t]["school_id"].map(by_school), old[t]["year"]),
                          _scope(new["school_id"].map(by_school), new["year"]))

    new = up.get("orgs")
    if new is None:
        out["orgs"] = old["orgs"]
    else:
        # Old organisations are placed by the old school-years, new ones by the merged.
        old_scope = _scope(_org_county(old["orgs"], old["school_years"], by_school), old["orgs"]["year"])
        new_scope = _scope(_org_county(new, out["school_years"], by_school), new["year"])
        out["orgs"] = _replace(old["orgs"], new, "orgs", old_scope, new_scope)

    new = up.get("honors")
    if new is None:
        out["honors"] = old["honors"]
    else:
        old_orgs = _org_county(old["orgs"], old["school_years"], by_school)
        new_orgs = _org_county(out["orgs"], out["school_years"], by_school)
        old_scope = _scope(_honor_county(old["honors"], old["orgs"], old_orgs, by_school), old["honors"]["year_awarded"])
        new_scope = _scope(_honor_county(new, out["orgs"], new_orgs, by_school), new["year_awarded"])
        out["honors"] = _replace(old["honors"], new, "honors", old_scope, new_scope)

    new = up.get("org_activities")
    if new is None:
        out["org_activities"] = old["org_activities"]
    else:
        # A month's meetings belong to their organisation's county that year.
        def activity_scope(acts, orgs, org_county):
            by_org_year = pd.Series(org_county.to_numpy(), index=pd.MultiIndex.from_arrays(
                [orgs["org_id"].astype("str"), orgs["year"].astype("Int64")])).groupby(level=[0, 1]).first()
            idx = pd.MultiIndex.from_arrays([acts["org_id"].astype("str"), acts["year"].astype("Int64")])
            return _scope(pd.Series(by_org_year.reindex(idx).to_numpy(), index=acts.index), acts["year"])

        old_scope = activity_scope(old["org_activities"], old["orgs"],
                                   _org_county(old["orgs"], old["school_years"], by_school))
        new_scope = activity_scope(new, out["orgs"], _org_county(out["orgs"], out["school_years"], by_school))
        out["org_activities"] = _replace(old["org_activities"], new, "org_activities", old_scope, new_scope)
    return out


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """One dtype per contract type (str, Int64, datetime64), whether rows came from Parquet or a
    spreadsheet, so merged tables concatenate and compare cleanly. META columns are kept."""
    t = contract.TABLES[table]
    out = pd.DataFrame(index=df.index)
    for c in t.columns:
        s = df[c.name] if c.name in df.columns else pd.Series(None, index=df.index, dtype=object)
        if c.dtype == contract.INT:
            out[c.name] = pd.to_numeric(s, errors="coerce").astype("Int64") if s.dtype == object else s.astype("Int64")
        elif c.dtype == contract.DATE:
            out[c.name] = pd.to_datetime(s, errors="coerce").astype("datetime64[ns]")
        else:
            out[c.name] = s.astype("str")
    for c in META:
        if c in df.columns:
            out[c] = df[c]
    return out
