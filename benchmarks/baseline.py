"""The plain-pandas baseline: the overview page's eight queries computed from the Parquet files
with pandas, side by side with the app's DuckDB path and the bare-DuckDB lower bound, in one
process of its own (pandas holds every table in memory, which must not count against the app).

Every pandas result is checked against the app's result for the same filters before any time
counts: the comparison is between two ways of producing the same numbers.

    python -m benchmarks.baseline --extract DIR --out FILE.json [--samples 15]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import pages as P
from benchmarks.timing import peak_rss_mb, rss_mb, summary, timed
from benchmarks.worker import bare_connection, isolate_runtime_files, quiet_streamlit, read_sql, run_raw_calls

ORG_COVERAGES = ["单独建立", "联合建立", "挂靠建立"]
RANK = {"国家级": 1, "省级": 2, "市级": 3, "县级": 4}
COUNTY_COLUMNS = ["county_code", "county_name", "sort_order"]


class Pandas:
    """The six tables in pandas, with the joins that do not depend on the filters done once."""

    def __init__(self, extract: Path):
        from dashboard import contract

        t = {name: pd.read_parquet(contract.parquet_path(extract, name)) for name in contract.TABLES}
        self.regions = t["regions"]
        self.schools = t["schools"].merge(self.regions[COUNTY_COLUMNS], on="county_code")
        sy, mf, orgs, honors = t["school_years"], t["member_flows"], t["orgs"], t["honors"]
        self.sy = sy[["school_id", "year", "coverage"]]
        self.years = np.sort(sy["year"].unique())
        # Members with the staff of the same school and year (members_by_* report both).
        self.mf = mf.merge(sy[["school_id", "year", "staff"]], on=["school_id", "year"], how="left")
        # An organisation belongs to its host school, else to the first school it covers that year.
        first = (sy[sy["org_id"].notna()].groupby(["org_id", "year"], as_index=False)["school_id"].min()
                 .rename(columns={"school_id": "first_school_id"}))
        o = orgs[orgs["parent_org_id"].isna()].merge(first, on=["org_id", "year"], how="left")
        o["place_school_id"] = o["host_school_id"].fillna(o["first_school_id"])
        self.orgs = o.drop(columns="first_school_id")
        h = honors[honors["school_id"].notna()].copy()
        h["rank"] = h["level"].map(RANK).fillna(4).astype("int64")
        self.honors = h

    # The scope ----------------------------------------------------------------------------------
    def scoped(self, s) -> pd.DataFrame:
        d = self.schools
        m = d["county_code"].isin(s.visible_counties)
        for col, value in (("county_code", s.county), ("township", s.township), ("stage", s.stage),
                           ("ownership", s.ownership), ("locale", s.locale)):
            if value is not None:
                m &= d[col] == value
        return d[m]

    def counties(self, s) -> pd.DataFrame:
        r = self.regions
        r = r[r["county_code"].isin(s.visible_counties)]
        if s.county is not None:
            r = r[r["county_code"] == s.county]
        return r.sort_values(["sort_order", "county_code"])[COUNTY_COLUMNS].reset_index(drop=True)

    @staticmethod
    def open_in(d: pd.DataFrame, year) -> pd.Series:
        return (d["opened_year"] <= year) & (d["closed_year"].isna() | (d["closed_year"] > year))

    def per_county(self, s, agg: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        out = self.counties(s).merge(agg, on="county_code", how="left")
        out[columns] = out[columns].fillna(0).astype("int64")
        return out

    # The overview's queries ---------------------------------------------------------------------
    @staticmethod
    def _coverage_flags(d: pd.DataFrame) -> pd.DataFrame:
        c = d["coverage"]
        return d.assign(org_covered=c.isin(ORG_COVERAGES), work_covered=c != "未覆盖",
                        standalone=c == "单独建立", joint=c == "联合建立", attached=c == "挂靠建立",
                        adviser=c == "党建指导员", uncovered=c == "未覆盖")

    def coverage_by_year(self, s):
        sc = self.scoped(s)[["school_id", "opened_year", "closed_year"]]
        d = self.sy.merge(sc, on="school_id")
        d = self._coverage_flags(d[self.open_in(d, d["year"])])
        cols = ["org_covered", "work_covered", "standalone", "joint", "attached", "adviser", "uncovered"]
        g = d.groupby("year")
        out = g[cols].sum()
        out.insert(0, "schools", g.size())
        return out.reset_index()

    def coverage_by_county(self, s):
        sc = self.scoped(s)[["school_id", "county_code", "opened_year", "closed_year"]]
        d = self.sy[self.sy["year"] == s.year].merge(sc, on="school_id")
        d = self._coverage_flags(d[self.open_in(d, s.year)])
        g = d.groupby("county_code")
        agg = g[["org_covered", "work_covered"]].sum()
        agg.insert(0, "schools", g.size())
        return self.per_county(s, agg.reset_index(), ["schools", "org_covered", "work_covered"])

    MEMBER_SUMS = ["members_start", "members_end", "net_growth", "admitted", "transferred_in", "transferred_out",
                   "deceased", "other_exits", "probationary", "female", "aged_35_or_under", "applicants",
                   "activists", "candidates", "admitted_backbone", "staff"]

    def members_by_year(self, s):
        sc = self.scoped(s)[["school_id", "opened_year", "closed_year"]]
        d = self.mf.merge(sc, on="school_id")
        d = d[self.open_in(d, d["year"])]
        d = d.assign(net_growth=d["members_end"] - d["members_start"])
        g = d.groupby("year")
        out = g[self.MEMBER_SUMS].sum()
        out["schools_reporting"] = g.size()
        return out.reset_index()

    def members_by_county(self, s):
        sc = self.scoped(s)[["school_id", "county_code", "opened_year", "closed_year"]]
        d = self.mf[self.mf["year"] == s.year].merge(sc, on="school_id")
        d = d[self.open_in(d, s.year)]
        d = d.assign(exits=d["deceased"] + d["other_exits"])
        cols = ["members_start", "members_end", "admitted", "transferred_in", "transferred_out", "exits",
                "admitted_backbone", "staff"]
        agg = d.groupby("county_code")[cols].sum().reset_index()
        out = self.per_county(s, agg, cols)
        out.insert(5, "net_growth", out["members_end"] - out["members_start"])
        return out

    @staticmethod
    def _org_flags(d: pd.DataFrame) -> pd.DataFrame:
        hosted = d["host_school_id"].notna()
        return d.assign(
            committees=d["org_type"] == "党委", general_branches=d["org_type"] == "党总支",
            branches=d["org_type"] == "党支部", standalone=d["formation"] == "单独建立",
            joint=d["formation"] == "联合建立", attached=d["formation"] == "挂靠建立",
            joint_or_attached=d["formation"].isin(["联合建立", "挂靠建立"]), hosted=hosted,
            combined=hosted & (d["leadership"] == "一肩挑"), separate=hosted & (d["leadership"] == "分设"),
            vacant=hosted & (d["leadership"] == "书记空缺"),
            hosted_public=hosted & (d["ownership"] == "公办"), hosted_private=hosted & (d["ownership"] == "民办"),
            rated=d["star_rating"].notna(), five_star=d["star_rating"] == 5,
            org_members=d["full_members"] + d["probationary_members"])

    def orgs_by_year(self, s):
        sc = self.scoped(s)[["school_id", "ownership"]]
        d = self._org_flags(self.orgs.merge(sc, left_on="place_school_id", right_on="school_id"))
        cols = ["committees", "general_branches", "branches", "standalone", "joint", "attached", "hosted", "combined",
                "separate", "vacant", "hosted_public", "hosted_private", "rated", "five_star", "org_members"]
        g = d.groupby("year")
        out = g[cols].sum()
        out.insert(0, "orgs", g.size())
        return out.reset_index()

    def orgs_by_county(self, s):
        sc = self.scoped(s)[["school_id", "county_code", "ownership"]]
        o = self.orgs[self.orgs["year"] == s.year]
        d = self._org_flags(o.merge(sc, left_on="place_school_id", right_on="school_id"))
        cols = ["committees", "general_branches", "branches", "standalone", "joint_or_attached", "hosted", "combined",
                "separate", "vacant", "rated", "five_star"]
        g = d.groupby("county_code")
        agg = g[cols].sum()
        agg.insert(0, "orgs", g.size())
        return self.per_county(s, agg.reset_index(), ["orgs", *cols])

    def _held(self, s, years) -> pd.DataFrame:
        """(year, school) pairs holding the kind's unrevoked award while open, highest rank, new that year."""
        sc = self.scoped(s)[["school_id", "county_code", "opened_year", "closed_year"]]
        h = self.honors[self.honors["kind"] == P.DEMO].merge(sc, on="school_id")
        d = h.merge(pd.DataFrame({"year": years}), how="cross")
        d = d[(d["year_awarded"] <= d["year"]) & (d["revoked_year"].isna() | (d["revoked_year"] > d["year"]))
              & self.open_in(d, d["year"])]
        d = d.assign(new=d["year_awarded"] == d["year"])
        return d.groupby(["year", "county_code", "school_id"], as_index=False).agg(rank=("rank", "min"), new=("new", "any"))

    @staticmethod
    def _levels(held: pd.DataFrame, by: str) -> pd.DataFrame:
        r = held["rank"]
        d = held.assign(national=r == 1, provincial=r == 2, city=r == 3, county_level=r == 4, new_schools=held["new"])
        g = d.groupby(by)
        out = g[["national", "provincial", "city", "county_level", "new_schools"]].sum()
        out.insert(0, "schools", g.size())
        return out.reset_index()

    def honors_by_year(self, s):
        out = pd.DataFrame({"year": self.years}).merge(self._levels(self._held(s, self.years), "year"),
                                                       on="year", how="left")
        cols = ["schools", "national", "provincial", "city", "county_level", "new_schools"]
        out[cols] = out[cols].fillna(0).astype("int64")
        return out

    def honors_by_county(self, s):
        agg = self._levels(self._held(s, [s.year]), "county_code")
        return self.per_county(s, agg, ["schools", "national", "provincial", "city", "county_level", "new_schools"])

    def overview(self, s) -> dict[str, pd.DataFrame]:
        return {"coverage_by_year": self.coverage_by_year(s), "orgs_by_year": self.orgs_by_year(s),
                "members_by_year": self.members_by_year(s), "honors_by_year": self.honors_by_year(s),
                "coverage_by_county": self.coverage_by_county(s), "orgs_by_county": self.orgs_by_county(s),
                "members_by_county": self.members_by_county(s), "honors_by_county": self.honors_by_county(s)}


def same(name: str, expected: pd.DataFrame, got: pd.DataFrame, scope) -> None:
    """The pandas result equals the app's, value for value (types may differ: int64 and Int64)."""
    cols = list(expected.columns)
    missing = [c for c in cols if c not in got.columns]
    assert not missing, f"{name} ({P.describe(scope)}): pandas lacks columns {missing}"
    a = expected[cols].reset_index(drop=True)
    b = got[cols].reset_index(drop=True)
    for c in cols:
        if pd.api.types.is_numeric_dtype(a[c]):
            a[c] = a[c].astype("float64")
            b[c] = b[c].astype("float64")
        else:
            a[c] = a[c].astype(object)
            b[c] = b[c].astype(object)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=True,
                                  obj=f"{name} ({P.describe(scope)}) pandas vs SQL")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    extract = args.extract.resolve()
    isolate_runtime_files()
    quiet_streamlit()
    os.environ["DASHBOARD_DATA_DIR"] = str(extract)
    from dashboard import data, db

    result: dict = {"extract": str(extract)}
    con = db.open_extract(extract)
    opts = P.options(con)
    con.close()
    del con
    scopes = P.scopes(opts, args.samples, seed=args.seed)
    calls = P.OVERVIEW
    sql = read_sql(db)
    bare, _ = bare_connection(db, extract)

    rss0 = rss_mb()
    t = time.perf_counter()
    pdx = Pandas(extract)
    result["pandas_load_s"] = time.perf_counter() - t
    result["pandas_load_rss_mb"] = rss_mb() - rss0

    # Each sample: the app, bare DuckDB and pandas in turn on the same filters; then (untimed) the
    # pandas results must equal the app's, or the run stops here.
    app_ms, raw_ms, pd_ms = [], [], []
    app_cpu, raw_cpu, pd_cpu = [], [], []
    for s in scopes:
        data._run.clear()
        with timed(app_ms, app_cpu):
            expected = {c.name: data.query(c.name, s, **c.extra) for c in calls}
        with timed(raw_ms, raw_cpu):
            run_raw_calls(bare, sql, calls, s, None)
        with timed(pd_ms, pd_cpu):
            got = pdx.overview(s)
        for name, frame in got.items():
            same(name, expected[name], frame, s)
    result["checked"] = f"{len(scopes)} 组筛选条件 × {len(calls)} 个查询,pandas 与 SQL 结果完全相同"
    result.update({
        "app": summary(app_ms), "raw": summary(raw_ms), "pandas": summary(pd_ms),
        "app_cpu": summary(app_cpu), "raw_cpu": summary(raw_cpu), "pandas_cpu": summary(pd_cpu),
        "app_samples": app_ms, "raw_samples": raw_ms, "pandas_samples": pd_ms,
        "peak_rss_mb": peak_rss_mb()})
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())  # an uncaught exception prints its traceback and exits 1, which run_json reports
