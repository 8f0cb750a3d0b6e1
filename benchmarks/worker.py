"""One extract in its own process, so its peak memory is its own.

1. Every page's script in Streamlit's AppTest: its first run, then one run after each filter change
   of the benchmark's sequence, each run timed (wall and CPU) and recorded: every data.query call
   it made (name, scope, other parameters), which of them reached DuckDB (cache misses, as in a
   server that has served the page's earlier changes: the cache is shared by every page, as in one
   server process), the cards it showed (which benchmarks/server.py checks the served page against).
2. The recorded calls replayed: through dashboard.data with its cache emptied (the page's queries
   "warm": one open connection), and each call on a bare DuckDB cursor (the raw floor), then cold
   (a new connection per view).

Writes a JSON file; `python -m benchmarks` starts it.

    python -m benchmarks.worker --extract DIR --out FILE.json [--changes 15 --cold 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import pages as P
from benchmarks.timing import peak_rss_mb, rss_mb, summary, timed

PROJECT = Path(__file__).resolve().parent.parent
APP = PROJECT / "app.py"


def quiet_streamlit() -> None:
    """Outside `streamlit run` every cached call warns that there is no runtime; that is expected."""
    os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    from streamlit import logger

    logger.set_log_level("error")


def isolate_runtime_files() -> None:
    """No login (no users file), and the audit log and login state in a temporary directory."""
    d = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    os.environ["DASHBOARD_USERS_FILE"] = str(d / "no-users.toml")
    os.environ["DASHBOARD_AUDIT_LOG"] = str(d / "audit.log")
    os.environ["DASHBOARD_LOGIN_STATE"] = str(d / "login_state.sqlite")
    os.environ.pop("DASHBOARD_AUTH", None)


def read_sql(db) -> dict[str, tuple[str, tuple[str, ...]]]:
    out = {}
    for name in db.query_names():
        q = db.load_query(name)
        out[name] = (q.sql, q.params)
    return out


def bare_connection(db, extract: Path):
    """DuckDB with no app code: the extract's database file, or, for an extract without one,
    the in-memory database open_extract builds (then only the queries run without app code)."""
    import duckdb

    path = extract / db.DATABASE_FILE
    if path.is_file():
        # The app's two settings (no extension downloads): DuckDB shares one instance per file in a
        # process and refuses a second connection configured differently.
        return duckdb.connect(str(path), read_only=True, config=dict(db._DUCKDB_SETTINGS)), "file"
    return db.open_extract(extract), "memory"


def raw_call(con, sql: dict, call: P.Call):
    """One recorded call's SQL and parameters on a plain DuckDB cursor: no cache, no wrapper."""
    text, names = sql[call.name]
    bound = call.params()
    return con.cursor().execute(text, {k: bound[k] for k in names}).df()


# AppTest -----------------------------------------------------------------------------------------
def choose(sb, label: str) -> None:
    """Select the option shown as `label`, as the browser sends it (the label, matched by the
    server against the options of the run it arrives in). AppTest's own set_value checks the value
    against the options shown before the run, which refuses a county of a newly chosen city."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    class Chosen(type(sb)):
        @property
        def _widget_state(self):
            ws = WidgetState()
            ws.id = self.id
            ws.string_value = label
            return ws

    sb.__class__ = Chosen


def set_filters(at, change: P.Change, opts: P.Options) -> None:
    labels = change.widgets(opts.county_names, opts.city_names)
    for key, label in P.FILTER_LABELS.items():
        if label in labels:
            choose(at.selectbox(key=key), labels[label])
    if change.school:
        at.query_params["school"] = change.school


def page_test(page: str, school_id: str | None, timeout: float):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if page == "school_profile" and school_id:
        at.query_params["school"] = school_id
    at.switch_page(f"dashboard/pages/{page}.py")
    return at


def errors_of(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


def metrics_of(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def recorded(rec: P.Recording) -> dict:
    missed = {c.key for c in rec.missed}
    return {"calls": [c.to_json() for c in rec.calls], "missed": [i for i, c in enumerate(rec.calls) if c.key in missed],
            "asked": rec.asked}


# The run -----------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--changes", type=int, default=15, help="filter changes per page")
    ap.add_argument("--cold", type=int, default=3, help="cold samples per page")
    ap.add_argument("--timeout", type=float, default=300, help="AppTest timeout per run, seconds")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    extract = args.extract.resolve()

    isolate_runtime_files()
    quiet_streamlit()
    t_import = time.perf_counter()
    import streamlit as st

    from dashboard import charts, data, db, ui  # noqa: F401  (what app.py imports)
    result: dict = {"extract": str(extract), "errors": [], "import_s": time.perf_counter() - t_import}

    # Warm the interpreter on the small committed demo (imports, plotly's lazy parts), so the first
    # view below is the first view of this extract, not of the process.
    os.environ["DASHBOARD_DATA_DIR"] = str(PROJECT / "data")
    page_test("overview", None, args.timeout).run()
    st.cache_data.clear()
    st.cache_resource.clear()
    result["rss_after_warmup_mb"] = rss_mb()

    os.environ["DASHBOARD_DATA_DIR"] = str(extract)
    con = db.open_extract(extract)
    opts = P.options(con)
    all_counties = db.all_county_codes(con)
    result["database_file"] = (extract / db.DATABASE_FILE).is_file()
    con.close()
    del con
    seq = P.changes(opts, args.changes, seed=args.seed)
    result["changes"] = [dataclasses.asdict(c) for c in seq]
    result["described"] = [c.describe() for c in seq]
    schools = opts.schools or [None]

    # First view: fresh caches and no open connection, the overview as the first visitor gets it.
    st.cache_data.clear()
    st.cache_resource.clear()
    at = page_test("overview", None, args.timeout)
    with timed(fv := [], fv_cpu := []):
        at.run()
    result["first_view_ms"], result["first_view_cpu_ms"] = fv[0], fv_cpu[0]
    result["errors"] += [f"first view: {e}" for e in errors_of(at)]
    del at

    # 1. Page scripts, recorded.
    scripts: dict = {}
    recordings: dict[str, list[P.Recording]] = {}
    with P.recording() as take:
        for page in P.PAGES:
            at = page_test(page, schools[0], args.timeout)
            take()
            with timed(first := [], first_cpu := []):
                at.run()
            first_rec = take()
            errs = [f"first run: {e}" for e in errors_of(at)]
            runs, cpus, views, recs = [], [], [], []
            for change in seq:
                try:
                    set_filters(at, change, opts)
                    with timed(runs, cpus):
                        at.run()
                except Exception as exc:  # a widget missing (the page stopped early) is a finding, not a crash
                    errs.append(f"{change.describe()}: {type(exc).__name__}: {exc}")
                    break
                rec = take()
                recs.append(rec)
                errs += [f"{change.describe()}: {e}" for e in errors_of(at)]
                views.append({"metrics": metrics_of(at), **recorded(rec)})
            with timed(rerun := []):
                at.run()  # nothing changed: every query answered by the cache
            take()
            recordings[page] = recs
            scripts[page] = {"first": first[0], "first_cpu": first_cpu[0], "first_calls": recorded(first_rec),
                             "runs": summary(runs), "cpu": summary(cpus), "run_samples": runs, "cpu_samples": cpus,
                             "rerun_unchanged": rerun[0], "views": views,
                             "errors": errs[:10], "error_count": len(errs)}
            result["errors"] += [f"{page}: {e}" for e in errs[:5]]
            del at
    result["scripts"] = scripts
    result["peak_after_scripts_mb"] = peak_rss_mb()

    # 2. The recorded calls: through the app's data layer with its cache emptied, then each call on
    # a bare cursor, one view after the other.
    sql = read_sql(db)
    bare, bare_kind = bare_connection(db, extract)
    result["raw_connection"] = bare_kind
    for rec in recordings["overview"][:2]:  # DuckDB's buffers and the query plans warmed alike for both
        for c in rec.calls:
            raw_call(bare, sql, c)
    warm: dict = {}
    for page, recs in recordings.items():
        app_ms, app_cpu, raw_ms, raw_cpu, miss_ms, miss_cpu, per_query = [], [], [], [], [], [], {}
        for rec in recs:
            data._run.clear()
            with timed(app_ms, app_cpu):
                for c in rec.calls:
                    data.query(c.name, c.scope, **c.kwargs)
            missed = {c.key for c in rec.missed}
            view_ms = view_cpu = m_ms = m_cpu = 0.0
            for c in rec.calls:
                w, u = [], []
                with timed(w, u):
                    raw_call(bare, sql, c)
                view_ms, view_cpu = view_ms + w[0], view_cpu + u[0]
                if c.key in missed:
                    m_ms, m_cpu = m_ms + w[0], m_cpu + u[0]
                per_query.setdefault(c.name, []).append(w[0])
            raw_ms.append(view_ms)
            raw_cpu.append(view_cpu)
            miss_ms.append(m_ms)
            miss_cpu.append(m_cpu)
        warm[page] = {"app": summary(app_ms), "app_cpu": summary(app_cpu), "raw": summary(raw_ms),
                      "raw_cpu": summary(raw_cpu), "raw_cpu_total": sum(raw_cpu), "raw_missed": summary(miss_ms), "raw_missed_cpu": summary(miss_cpu),
                      "raw_missed_cpu_total": sum(miss_cpu), "raw_missed_total": sum(miss_ms),
                      "per_query_raw": {k: summary(v) for k, v in per_query.items()},
                      "app_samples": app_ms, "raw_samples": raw_ms}
    result["warm"] = warm
    bare.close()

    # 3. Cold: a new connection per view (the OS file cache warm), then the view's queries uncached.
    cold: dict = {}
    for page, recs in recordings.items():
        opens, totals = [], []
        for rec in recs[:args.cold]:
            with timed(totals):
                with timed(opens):
                    con = db.open_extract(extract)
                get = db.runner(con)
                for c in rec.calls:
                    get(c.name, c.scope, **c.kwargs)
            con.close()
            del con, get
        cold[page] = {"open": summary(opens), "total": summary(totals)}
    result["cold"] = cold
    result["peak_rss_mb"] = peak_rss_mb()
    result["all_counties"] = len(all_counties)

    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())  # an uncaught exception prints its traceback and exits 1, which run_json reports
