"""The plain-pandas baseline: the overview's queries (figures_by_year, honors_by_year for
党建示范校, coverage_by_unit at the level the overview compares) computed from the Parquet files
with pandas, side by side with the app's DuckDB path and the bare-DuckDB floor, in a process of
its own (pandas holds every table in memory, which must not count against the app).

The pandas code is written from DESIGN §3's definitions, not from the SQL: schools open in the
year; coverage from school_years; members from member_flows; top-level organisations placed at
their host school, else the first school (by 学校标识码) they cover that year, else the first
school their child organisations cover that year, else where they were placed in their latest
earlier year, else unplaced (counted only where no filter applies); a school holding an award
counted once, at its highest level.

Before any time counts, every pandas result is checked equal to the app's for the same call: on
the two hand-made extracts of tests/handmade.py (the second places organisations by every step
of the rule, which the demo data never needs), then on every one of the overview's recorded calls
(benchmarks/worker.py) on the extract measured.

    python -m benchmarks.baseline --extract DIR --worker FILE.json --out FILE.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import pages as P
from benchmarks.timing import peak_rss_mb, rss_mb, summary, timed
from benchmarks.worker import bare_connection, isolate_runtime_files, quiet_streamlit, raw_call, read_sql

OVERVIEW_QUERIES = ("figures_by_year", "honors_by_year", "coverage_by_unit")
ORG_COVERED = ["单独建立", "联合建立", "挂靠建立"]
DIMS = ["county_code", "township", "stage", "ownership", "locale"]
SCHOOL_SUMS = ["schools", "org_covered", "work_covered", "standalone", "joint", "attached", "adviser", "uncovered",
               "schools_reporting", "members_start", "members_end", "net_growth", "admitted", "transferred_in",
               "transferred_out", "deceased", "other_exits", "exits", "probationary", "female", "aged_35_or_under",
               "applicants", "activists", "candidates", "admitted_backbone", "staff"]
ORG_SUMS = ["orgs", "committees", "general_branches", "branches", "org_standalone", "org_joint", "org_attached",
            "unplaced", "hosted", "combined", "separate", "vacant", "hosted_public", "hosted_private", "rated",
            "five_star", "org_members"]


def is_open(opened: pd.Series, closed: pd.Series, year) -> pd.Series:
    """DESIGN §3: opened_year ≤ y and closed_year is null or > y."""
    return (opened <= year) & (closed.isna() | (closed > year))


class Pandas:
    """The tables in pandas, with everything that does not depend on the filters done once."""

    def __init__(self, extract: Path):
        from dashboard import contract, rules

        read = lambda name: pd.read_parquet(contract.parquet_path(extract, name))  # noqa: E731
        self.regions = read("regions")
        schools = read("schools")
        # Townships and schools to compare come from every school of the county.
        self.all_schools = schools
        sy, mf, orgs, honors = read("school_years"), read("member_flows"), read("orgs"), read("honors")
        self.years = np.sort(sy["year"].unique())
        self.level_rank = dict(rules.LEVEL_RANK)
        # A school counts in its county's figures only if the county is one of the extract's.
        self.schools = schools.merge(self.regions[["county_code", "county_name", "city_code", "city_name"]],
                                     on="county_code")

        # School-years: a row where the school reports either table (or both), while it is open.
        d = sy.merge(mf, on=["school_id", "year"], how="outer", indicator=True)
        d = d.merge(self.schools, on="school_id")
        d = d[is_open(d["opened_year"], d["closed_year"], d["year"])]
        in_sy, in_mf = d["_merge"] != "right_only", d["_merge"] != "left_only"
        c = d["coverage"]
        self.school_rows = pd.DataFrame({
            "year": d["year"], "school_id": d["school_id"], "city_code": d["city_code"], **{k: d[k] for k in DIMS},
            "schools": in_sy, "org_covered": c.isin(ORG_COVERED), "work_covered": c.notna() & (c != "未覆盖"),
            "standalone": c == "单独建立", "joint": c == "联合建立", "attached": c == "挂靠建立",
            "adviser": c == "党建指导员", "uncovered": c == "未覆盖",
            "schools_reporting": in_mf,
            **{k: d[k] for k in ("members_start", "members_end", "admitted", "transferred_in", "transferred_out",
                                 "deceased", "other_exits", "probationary", "female", "aged_35_or_under",
                                 "applicants", "activists", "candidates", "admitted_backbone")},
            "net_growth": d["members_end"] - d["members_start"], "exits": d["deceased"] + d["other_exits"],
            # Members per 100 staff divides by the staff of the schools that report members.
            "staff": d["staff"].where(in_mf),
        }).reset_index(drop=True)

        # Top-level organisations, each placed at one school (or none) every year.
        place = self._placement(orgs, sy)
        top = orgs[orgs["parent_org_id"].isna()].merge(place, on=["org_id", "year"], how="left")
        placed_at = schools.set_index("school_id")  # dimensions of the school, open or not
        dims = placed_at.reindex(top["place_school_id"])[DIMS].reset_index(drop=True)
        top = pd.concat([top.reset_index(drop=True), dims], axis=1)
        top["city_code"] = top["county_code"].map(self.regions.set_index("county_code")["city_code"])
        hosted = top["host_school_id"].notna()
        self.org_rows = pd.DataFrame({
            "year": top["year"], "school_id": top["place_school_id"], "city_code": top["city_code"],
            **{k: top[k] for k in DIMS},
            "orgs": 1, "committees": top["org_type"] == "党委", "general_branches": top["org_type"] == "党总支",
            "branches": top["org_type"] == "党支部", "org_standalone": top["formation"] == "单独建立",
            "org_joint": top["formation"] == "联合建立", "org_attached": top["formation"] == "挂靠建立",
            "unplaced": top["place_school_id"].isna(), "hosted": hosted,
            "combined": hosted & (top["leadership"] == "一肩挑"), "separate": hosted & (top["leadership"] == "分设"),
            "vacant": hosted & (top["leadership"] == "书记空缺"),
            "hosted_public": hosted & (top["ownership"] == "公办"), "hosted_private": hosted & (top["ownership"] == "民办"),
            "rated": top["star_rating"].notna(), "five_star": top["star_rating"] == 5,
            "org_members": top["full_members"] + top["probationary_members"],
        })

        # School awards, each with its level's rank (1 highest) and the school's years open.
        h = honors[honors["school_id"].notna() & honors["level"].isin(self.level_rank)]
        h = h.merge(self.schools[["school_id", "opened_year", "closed_year", "city_code", *DIMS]], on="school_id")
        self.honors = h.assign(rank=h["level"].map(self.level_rank))

    @staticmethod
    def _placement(orgs: pd.DataFrame, sy: pd.DataFrame) -> pd.DataFrame:
        """org_id, year -> place_school_id (DESIGN §3)."""
        covering = sy[sy["org_id"].notna()]
        first = covering.groupby(["org_id", "year"])["school_id"].min().rename("first_covered")
        o = orgs[["org_id", "year", "parent_org_id", "host_school_id"]]
        child = (o[o["parent_org_id"].notna()].join(first, on=["org_id", "year"])
                 .groupby(["parent_org_id", "year"])["first_covered"].min().rename("child_covered"))
        o = o.join(first, on=["org_id", "year"]).join(child, on=["org_id", "year"])
        o = o.assign(now=o["host_school_id"].fillna(o["first_covered"]).fillna(o["child_covered"]))
        o = o.sort_values(["org_id", "year"])
        # The latest earlier year placed by one of the three steps above.
        earlier = o.groupby("org_id")["now"].ffill().groupby(o["org_id"]).shift(1)
        o["place_school_id"] = o["now"].fillna(earlier)
        return o[["org_id", "year", "place_school_id"]]

    # The scope --------------------------------------------------------------------------------------
    def in_scope(self, d: pd.DataFrame, s) -> pd.Series:
        """The filters on each row's dimensions; a row without dimensions (an unplaced
        organisation) passes only when none is set and the user sees every county."""
        m = pd.Series(True, index=d.index)
        visible = s.params()["visible"]
        if visible is not None:
            m &= d["county_code"].isin(visible)
        if s.city is not None:
            m &= d["county_code"].isin(self.regions.loc[self.regions["city_code"] == s.city, "county_code"])
        for col, value in zip(DIMS, (s.county, s.township, s.stage, s.ownership, s.locale)):
            if value is not None:
                m &= d[col] == value
        return m

    # The overview's queries ---------------------------------------------------------------------
    def figures_by_year(self, s) -> pd.DataFrame:
        sch = self.school_rows[self.in_scope(self.school_rows, s)].groupby("year")[SCHOOL_SUMS].sum()
        org = self.org_rows[self.in_scope(self.org_rows, s)].groupby("year")[ORG_SUMS].sum()
        out = sch.join(org, how="outer").fillna(0).astype("int64").sort_index()
        return out.reset_index()

    def honors_by_year(self, s, kind: str) -> pd.DataFrame:
        h = self.honors[(self.honors["kind"] == kind)]
        h = h[self.in_scope(h, s)]
        held = []
        for y in self.years:
            a = h[(h["year_awarded"] <= y) & (h["revoked_year"].isna() | (h["revoked_year"] > y))
                  & is_open(h["opened_year"], h["closed_year"], y)]
            best = a.groupby("school_id")["rank"].min()
            new = a[a["year_awarded"] == y].groupby("school_id")["rank"].min()
            held.append(pd.DataFrame({"year": y, "rank": best.value_counts(), "new": new.value_counts()}))
        counts = pd.concat(held).rename_axis("r").reset_index()
        grid = pd.MultiIndex.from_product([self.years, sorted(self.level_rank.values())], names=["year", "r"])
        counts = counts.set_index(["year", "r"]).reindex(grid).fillna(0).astype("int64").reset_index()
        levels = {r: lv for lv, r in self.level_rank.items()}
        return pd.DataFrame({"year": counts["year"], "level": counts["r"].map(levels), "rank": counts["r"],
                             "schools": counts["rank"], "new_schools": counts["new"]})

    def units(self, s, level: str, year: int) -> pd.DataFrame:
        """The units compared at `level` within the scope's parent, in the bureau's order."""
        visible = s.params()["visible"]
        if level in ("city", "county"):
            r = self.regions
            if visible is not None:
                r = r[r["county_code"].isin(visible)]
            if s.city is not None:
                r = r[r["city_code"] == s.city]
            if level == "county" and s.county is not None:
                r = r[r["county_code"] == s.county]
            code, name = ("city_code", "city_name") if level == "city" else ("county_code", "county_name")
            u = r.groupby([code, name], as_index=False)["sort_order"].min()
            u.columns = ["unit_code", "unit_name", "ord"]
        else:
            sc = self.all_schools[self.all_schools["county_code"] == s.county]
            if visible is not None:
                sc = sc[sc["county_code"].isin(visible)]
            if level == "township":
                u = pd.DataFrame({"unit_code": sc["township"], "unit_name": sc["township"]}).drop_duplicates()
            else:
                sc = sc[(sc["township"] == s.township) & is_open(sc["opened_year"], sc["closed_year"], year)]
                u = pd.DataFrame({"unit_code": sc["school_id"], "unit_name": sc["school_name"]})
            u["ord"] = 0
        return u.sort_values(["ord", "unit_name", "unit_code"])[["unit_code", "unit_name"]].reset_index(drop=True)

    def coverage_by_unit(self, s, level: str) -> pd.DataFrame:
        rows = self.school_rows[(self.school_rows["year"] == s.year)]
        rows = rows[self.in_scope(rows, s)]
        key = {"city": "city_code", "county": "county_code", "township": "township", "school": "school_id"}[level]
        cols = {"schools": rows["schools"], "org_covered": rows["org_covered"], "work_covered": rows["work_covered"],
                "standalone": rows["standalone"], "joint_or_attached": rows["joint"] | rows["attached"],
                "adviser": rows["adviser"], "uncovered": rows["uncovered"]}
        per = pd.DataFrame({"unit_code": rows[key], **cols}).groupby("unit_code").sum()
        out = self.units(s, level, s.year).join(per, on="unit_code")
        out[list(cols)] = out[list(cols)].fillna(0).astype("int64")
        return out

    def run(self, call: P.Call) -> pd.DataFrame:
        kw = call.kwargs
        if call.name == "figures_by_year":
            return self.figures_by_year(call.scope)
        if call.name == "honors_by_year":
            return self.honors_by_year(call.scope, kw["kind"])
        if call.name == "coverage_by_unit":
            return self.coverage_by_unit(call.scope, kw["level"])
        raise KeyError(call.name)


def same(name: str, expected: pd.DataFrame, got: pd.DataFrame, what: str) -> None:
    """The pandas result equals the app's, value for value, row for row (types may differ)."""
    cols = list(expected.columns)
    missing = [c for c in cols if c not in got.columns]
    assert not missing, f"{name} ({what}): pandas lacks columns {missing}"
    a, b = expected[cols].reset_index(drop=True), got[cols].reset_index(drop=True)
    for c in cols:
        if pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c]):
            a[c], b[c] = a[c].astype("float64"), b[c].astype("float64")
        else:
            a[c] = a[c].astype(object).where(a[c].notna(), None)
            b[c] = b[c].astype(object).where(b[c].notna(), None)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=True, obj=f"{name} ({what}) pandas vs SQL")


def self_check() -> str:
    """pandas = SQL on the two hand-made extracts, for every level and a few filters each."""
    from dashboard import db
    from dashboard.scope import Scope
    from tests import handmade as h

    checked = 0
    with tempfile.TemporaryDirectory(prefix="baseline-check-") as tmp:
        for i, tables in enumerate((h.build_tables(), h.placement_tables())):
            d = Path(tmp) / str(i)
            from dashboard import extract

            extract.write_tables(tables, d)
            con = db.open_extract(d)
            get = db.runner(con)
            every = db.all_county_codes(con)
            pdx = Pandas(d)
            towns = con.execute("select county_code, min(township) from schools group by 1").fetchall()
            scopes = []
            for y in pdx.years:
                y = int(y)
                scopes += [Scope(y, every, all_visible=True), Scope(y, every[:1]), Scope(y, every, stage="小学", all_visible=True),
                           Scope(y, every, ownership="公办", locale="乡村", all_visible=True)]
                scopes += [Scope(y, every, county=c, all_visible=True) for c, _ in towns]
                scopes += [Scope(y, every, county=c, township=t, all_visible=True) for c, t in towns]
            for s in scopes:
                level = "school" if s.township else "township" if s.county else "county"
                for call in (P.Call.of("figures_by_year", s, {}), P.Call.of("honors_by_year", s, {"kind": "党建示范校"}),
                             P.Call.of("coverage_by_unit", s, {"level": level}),
                             P.Call.of("coverage_by_unit", s, {"level": "city"}) if not s.county else None):
                    if call is None:
                        continue
                    same(call.name, get(call.name, s, **call.kwargs), pdx.run(call), f"hand-made {i}: {s}")
                    checked += 1
            con.close()
    return f"手工数据集 2 个，{checked} 次调用"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", required=True, type=Path)
    ap.add_argument("--worker", required=True, type=Path, help="the worker's JSON (the overview's recorded calls)")
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    extract = args.extract.resolve()
    isolate_runtime_files()
    quiet_streamlit()
    from dashboard import data, db

    result: dict = {"extract": str(extract), "self_check": self_check()}
    os.environ["DASHBOARD_DATA_DIR"] = str(extract)
    worker = json.loads(args.worker.read_text(encoding="utf-8"))
    con = db.open_extract(extract)
    every = db.all_county_codes(con)
    con.close()
    views = [[c for c in (P.Call.from_json(d, every) for d in v["calls"]) if c.name in OVERVIEW_QUERIES]
             for v in worker["scripts"]["overview"]["views"]]
    sql = read_sql(db)
    bare, _ = bare_connection(db, extract)

    rss0 = rss_mb()
    t = time.perf_counter()
    pdx = Pandas(extract)
    result["pandas_load_s"] = time.perf_counter() - t
    result["pandas_load_rss_mb"] = rss_mb() - rss0

    # Each view: the app, bare DuckDB and pandas in turn on the same calls; then (untimed) the
    # pandas results must equal the app's, or the run stops here.
    app_ms, raw_ms, pd_ms, app_cpu, raw_cpu, pd_cpu = [], [], [], [], [], []
    per_query: dict[str, list[float]] = {}
    for calls, described in zip(views, worker["described"]):
        data._run.clear()
        with timed(app_ms, app_cpu):
            expected = [data.query(c.name, c.scope, **c.kwargs) for c in calls]
        with timed(raw_ms, raw_cpu):
            for c in calls:
                raw_call(bare, sql, c)
        got = []
        with timed(pd_ms, pd_cpu):
            for c in calls:
                q = []
                with timed(q):
                    got.append(pdx.run(c))
                per_query.setdefault(c.name, []).append(q[0])
        for c, e, g in zip(calls, expected, got):
            same(c.name, e, g, described)
    result["checked"] = f"{len(views)} 次换筛选 × 总览页的 {len(OVERVIEW_QUERIES)} 个查询（{sum(map(len, views))} 次调用）"
    result["queries"] = sorted({c.name for v in views for c in v})
    result.update({
        "app": summary(app_ms), "raw": summary(raw_ms), "pandas": summary(pd_ms),
        "app_cpu": summary(app_cpu), "raw_cpu": summary(raw_cpu), "pandas_cpu": summary(pd_cpu),
        "pandas_per_query": {k: summary(v) for k, v in per_query.items()},
        "app_samples": app_ms, "raw_samples": raw_ms, "pandas_samples": pd_ms, "peak_rss_mb": peak_rss_mb()})
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())  # an uncaught exception prints its traceback and exits 1, which run_json reports
