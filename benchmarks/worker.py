"""One extract in its own process, so its peak memory is its own: every page's queries cold and
warm, through the app's data layer and on a bare DuckDB connection, and every page script as
Streamlit's AppTest runs it. Writes a JSON file; `python -m benchmarks` starts it.

    python -m benchmarks.worker --extract DIR --out FILE.json [--samples 15 --cold 3 --page-runs 5]
"""
from __future__ import annotations

import argparse
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


# Pages ---------------------------------------------------------------------------------------------
def run_app_calls(data, calls, scope, school_id) -> None:
    """The page's data.query calls, as the page makes them."""
    for c in calls:
        if c.scoped:
            data.query(c.name, scope, **c.extra)
        else:
            data.query(c.name, **c.params(scope, school_id))


def run_raw_calls(con, sql: dict[str, str], calls, scope, school_id) -> None:
    """The same SQL and parameters on a plain DuckDB cursor: no caching, no wrapper."""
    for c in calls:
        text, params = sql[c.name]
        bound = c.params(scope, school_id)
        con.cursor().execute(text, {k: bound[k] for k in params}).df()


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


# AppTest -----------------------------------------------------------------------------------------
def set_filters(at, scope) -> None:
    """Change the filter bar as a user would (the township, whose options follow the county, is left alone)."""
    sb = at.sidebar
    sb.selectbox(key="year").set_value(scope.year)
    sb.selectbox(key="county").set_value(scope.county)
    for key in ("stage", "ownership", "locale"):
        sb.selectbox(key=key).set_value(getattr(scope, key))


def page_test(page: str, school_id: str | None, timeout: float):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if page == "school_profile" and school_id:
        at.query_params["school"] = school_id
    at.switch_page(f"dashboard/pages/{page}.py")
    return at


def errors_of(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


# The run -----------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--samples", type=int, default=15, help="warm samples per page")
    ap.add_argument("--cold", type=int, default=3, help="cold samples per page")
    ap.add_argument("--page-runs", type=int, default=6, help="warm AppTest runs per page")
    ap.add_argument("--timeout", type=float, default=300, help="AppTest timeout per run, seconds")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    extract = args.extract.resolve()

    isolate_runtime_files()
    quiet_streamlit()
    t_import = time.perf_counter()
    import streamlit as st  # noqa: F401
    from streamlit.testing.v1 import AppTest  # noqa: F401

    from dashboard import charts, data, db, ui  # noqa: F401  (what app.py imports)
    result: dict = {"extract": str(extract), "errors": [], "import_s": time.perf_counter() - t_import}

    # Warm the interpreter on the small committed demo (imports, plotly's lazy parts), so the first
    # view below is the first view of this extract, not of the process.
    os.environ["DASHBOARD_DATA_DIR"] = str(PROJECT / "data")
    at = page_test("overview", None, args.timeout)
    at.run()
    st.cache_data.clear()
    st.cache_resource.clear()
    del at
    result["rss_after_warmup_mb"] = rss_mb()

    os.environ["DASHBOARD_DATA_DIR"] = str(extract)
    con = db.open_extract(extract)
    opts = P.options(con)
    result["database_file"] = (extract / db.DATABASE_FILE).is_file()
    con.close()
    del con
    scopes = P.scopes(opts, max(args.samples, args.cold, args.page_runs + 1), seed=args.seed)
    result["scopes"] = [P.describe(s) for s in scopes]
    schools = opts.schools or [None]
    sql = read_sql(db)

    # Cold: a new connection per sample (OS file cache warm), then the page's queries uncached.
    cold: dict = {}
    for page in P.PAGES:
        opens, totals, cpus = [], [], []
        for i in range(args.cold):
            s, sid = scopes[i], schools[i % len(schools)]
            with timed(totals, cpus):
                with timed(opens):
                    con = db.open_extract(extract)
                get = db.runner(con)
                for c in P.calls(page, s):
                    if c.scoped:
                        get(c.name, s, **c.extra)
                    else:
                        db.run_query(con, c.name, **c.params(s, sid))
            con.close()
            del con, get
        cold[page] = {"open": summary(opens), "total": summary(totals), "cpu": summary(cpus)}
    result["cold"] = cold
    result["peak_after_cold_mb"] = peak_rss_mb()

    # First view: fresh caches and no open connection, the overview page as a visitor gets it.
    st.cache_data.clear()
    st.cache_resource.clear()
    at = page_test("overview", None, args.timeout)
    with timed(fv := []):
        at.run()
    result["first_view_ms"] = fv[0]
    result["errors"] += [f"first view: {e}" for e in errors_of(at)]
    del at

    # Warm: one connection, each sample a new filter combination, every query executed (the
    # query cache is cleared before each sample); the bare-DuckDB run of the same SQL follows at once.
    bare, bare_kind = bare_connection(db, extract)
    result["raw_connection"] = bare_kind
    warm: dict = {}
    for page in P.PAGES:
        app_ms, app_cpu, raw_ms, raw_cpu = [], [], [], []
        for i in range(args.samples):
            s, sid = scopes[i], schools[i % len(schools)]
            calls = P.calls(page, s)
            data._run.clear()
            with timed(app_ms, app_cpu):
                run_app_calls(data, calls, s, sid)
            with timed(raw_ms, raw_cpu):
                run_raw_calls(bare, sql, calls, s, sid)
        warm[page] = {"queries": [c.name for c in P.calls(page, scopes[0])],
                      "app": summary(app_ms), "app_cpu": summary(app_cpu),
                      "raw": summary(raw_ms), "raw_cpu": summary(raw_cpu),
                      "app_samples": app_ms, "raw_samples": raw_ms}
    result["warm"] = warm
    bare.close()
    result["peak_after_queries_mb"] = peak_rss_mb()

    # Page scripts (AppTest): the first run of each page, then runs after a filter change.
    ran: dict[str, list[str]] = {}
    original_run_query = db.run_query

    def recording(con, name, **params):
        ran.setdefault(current_page, []).append(name)
        return original_run_query(con, name, **params)

    scripts: dict = {}
    for page in P.PAGES:
        current_page = page
        data._run.clear()
        db.run_query = recording
        at = page_test(page, schools[0], args.timeout)
        try:
            with timed(first := []):
                at.run()
        finally:
            db.run_query = original_run_query
        errs = errors_of(at)
        runs, cpus = [], []
        for i in range(1, args.page_runs + 1):
            s = scopes[i]
            try:
                set_filters(at, s)
                data._run.clear()  # every query of the new view runs, as for a combination not seen before
                with timed(runs, cpus):
                    at.run()
            except Exception as exc:  # a widget missing (the page stopped early) is a finding, not a crash
                errs.append(f"{P.describe(s)}: {type(exc).__name__}: {exc}")
                break
            errs += [f"{P.describe(s)}: {e}" for e in errors_of(at)]
        with timed(rerun := []):
            at.run()  # nothing changed: the cached rerun
        expected = {c.name for c in P.calls(page, scopes[0])} - {"townships"}
        got = set(ran.get(page, []))
        scripts[page] = {"first": first[0], "warm": summary(runs), "cpu": summary(cpus), "rerun_unchanged": rerun[0],
                         "errors": errs[:10], "error_count": len(errs),
                         "queries_not_listed": sorted(got - expected - {"townships"}),
                         "listed_not_run": sorted(expected - got)}
        result["errors"] += [f"{page}: {e}" for e in errs[:5]]
        del at
    result["scripts"] = scripts
    result["peak_rss_mb"] = peak_rss_mb()

    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())  # an uncaught exception prints its traceback and exits 1, which run_json reports
