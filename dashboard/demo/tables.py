"""The contract's tables, from the generator's coded arrays."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import contract
from dashboard.demo.arrays import at, labels, numbered, str_series
from dashboard.demo.codes import ATTACHED


def _nullable_int(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    out = pd.array(np.where(missing, 0, values), dtype="Int64")
    out[missing] = pd.NA
    return out


def regions_table(regions) -> pd.DataFrame:
    return pd.DataFrame({
        "county_code": str_series(regions.code), "county_name": str_series(regions.name),
        "city_code": str_series(regions.city_code), "city_name": str_series(regions.city_name),
        "sort_order": np.arange(1, regions.K + 1, dtype=np.int64),
    })


def schools_table(regions, towns, schools, names) -> pd.DataFrame:
    return pd.DataFrame({
        "school_id": str_series(names.school_id), "school_name": str_series(names.school_name),
        "county_code": labels(regions.code, schools.county),
        "township": labels(towns.names, schools.township),
        "stage": labels(contract.STAGES, schools.stage),
        "ownership": labels(contract.OWNERSHIPS, schools.private.astype(np.int64)),
        "locale": labels(contract.LOCALES, schools.locale),
        "opened_year": schools.opened.astype(np.int64), "closed_year": _nullable_int(schools.closed, schools.closed < 0),
    })


def org_ids(n: int) -> pa.Array:
    return pa.array(numbered("O", n, 7))


# member_flows column -> the simulation's row key
_FLOW_COLUMNS = {"members_start": "start", "admitted": "admitted", "transferred_in": "tin",
                 "transferred_out": "tout", "deceased": "deceased", "other_exits": "other",
                 "members_end": "end", "probationary": "prob", "female": "female",
                 "aged_35_or_under": "young", "applicants": "applicants", "activists": "activists",
                 "candidates": "candidates", "admitted_backbone": "backbone"}


def school_year_tables(names, ids: pa.Array, rows: dict[str, np.ndarray]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """school_years and member_flows; `rows` is consumed (the flow arrays are freed as they are used)."""
    r = rows
    school_years = pd.DataFrame({
        "school_id": str_series(at(names.school_id, r["school"])), "year": r["year"].astype(np.int64),
        "staff": r["staff"].astype(np.int64), "students": r["students"].astype(np.int64),
        "coverage": labels(contract.COVERAGES, r["cov"]),
        "org_id": str_series(at(ids, np.where(r["cov"] <= ATTACHED, r["org"], -1))),
    })
    member_flows = pd.DataFrame({"school_id": school_years["school_id"], "year": school_years["year"],
                                 **{c: r.pop(k).astype(np.int64) for c, k in _FLOW_COLUMNS.items()}})
    return school_years, member_flows


def orgs_table(names, ids: pa.Array, orgs, org_names: pa.Array, years, secretary: np.ndarray | None = None
               ) -> pd.DataFrame:
    q = years.rows
    oi = q["org"]
    return pd.DataFrame({
        "org_id": str_series(at(ids, oi)), "year": q["year"].astype(np.int64),
        "org_name": str_series(at(org_names, oi)),
        "org_type": labels(contract.ORG_TYPES, orgs.type[oi]),
        "parent_org_id": str_series(at(ids, orgs.parent[oi])),
        "formation": labels(contract.FORMATIONS, orgs.formation[oi]),
        "host_school_id": str_series(at(names.school_id, q["host"])),
        "leadership": labels(contract.LEADERSHIPS, q["lead"]),
        "established_date": orgs.established[oi].astype("datetime64[s]"),
        "last_election_date": q["last"].astype("datetime64[D]").astype("datetime64[s]"),
        "term_years": years.term[oi].astype(np.int64),
        "star_rating": _nullable_int(q["star"], q["star"] <= 0),
        "full_members": q["full"].astype(np.int64),
        "probationary_members": q["prob"].astype(np.int64),
        "secretary_appointed_date": (pd.Series(pd.NaT, index=range(len(oi)), dtype="datetime64[s]")
                                     if secretary is None else secretary),
    })


def honours_table(names, ids: pa.Array, h: dict[str, np.ndarray], titles: pa.Array) -> pd.DataFrame:
    return pd.DataFrame({
        "honor_id": str_series(numbered("H", len(h["kind"]), 8)),
        "school_id": str_series(at(names.school_id, h["school"])),
        "org_id": str_series(at(ids, h["org"])),
        "kind": labels(contract.HONOR_KINDS, h["kind"]),
        "level": labels(contract.LEVELS, h["level"]),
        "year_awarded": h["year"].astype(np.int64),
        "title": str_series(titles),
        "revoked_year": _nullable_int(h["revoked"], h["revoked"] < 0),
    })


def in_contract_order(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: tables[name][contract.TABLES[name].names] for name in contract.TABLES}
