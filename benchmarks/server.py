"""The served app, measured from the server's side: for every page, the Streamlit process's CPU
time, its time to answer and the bytes it sends per filter change, over the same changes the
worker recorded (benchmarks/worker.py), and its peak memory.

`streamlit run app.py` (the project's .streamlit/config.toml, loopback only) on the extract; one
websocket session (benchmarks/wsclient.py, which keeps large messages as the browser does) first
opens the default page, then one new session per page opens it and makes the changes one after
the other, each as soon as the last has finished. The server's cache is shared by every page as
the worker's is, so a change runs the same queries in both (the worker's "missed" calls). A
change must show no exception and the same cards as AppTest showed for it, else it is an error.

With --profile the same is done again on a second server with py-spy sampling it (a separate
pass, so the sampling does not count in the times above), and the samples are sorted into
where the time went.

    python -m benchmarks.server --extract DIR --worker FILE.json --out FILE.json [--profile]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import pages as P
from benchmarks.timing import process_memory_mb, summary

PROJECT = Path(__file__).resolve().parent.parent
PY_SPY = Path(sys.executable).parent / "py-spy"
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU of a process, all its threads, those ended included (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK




@contextlib.contextmanager
def served(extract: Path, timeout: float = 300, flags: tuple[str, ...] = ()):
    """`streamlit run app.py` on a free loopback port serving `extract` (no users file, runtime
    files in a temporary directory); yields (url, pid)."""
    from tests.browser_support import served_process

    runtime = Path(tempfile.mkdtemp(prefix="dashboard-server-"))
    env = {"DASHBOARD_DATA_DIR": str(extract), "DASHBOARD_USERS_FILE": str(runtime / "no-users.toml"),
           "DASHBOARD_AUDIT_LOG": str(runtime / "audit.log"), "DASHBOARD_LOGIN_STATE": str(runtime / "login.sqlite"),
           "DASHBOARD_AUTH": None}
    with served_process(env, timeout, args=flags, log_path=runtime / "streamlit.log") as (url, proc):
        yield url, proc.pid


async def drive(url: str, pid: int, worker: dict, opts: P.Options, timeout_s: float) -> dict:
    """The default page once, then every page and its changes; returns the measurements."""
    from benchmarks.replicas import routed_session_class

    Session = routed_session_class()
    changes = [P.Change(**c) for c in worker["changes"]]
    cities = opts.city_names
    out: dict = {"pages": {}}
    time.sleep(1)
    idle0, t_idle = cpu_s(pid), time.perf_counter()
    await asyncio.sleep(2)
    out["idle_cpu_ms_per_s"] = (cpu_s(pid) - idle0) * 1000 / (time.perf_counter() - t_idle)

    first = Session(url, timeout_s, tap=True)
    await first.connect()
    c0, t = cpu_s(pid), time.perf_counter()
    run = await first.run()
    out["first_view_ms"], out["first_view_cpu_ms"] = (time.perf_counter() - t) * 1000, (cpu_s(pid) - c0) * 1000
    out["first_view_bytes"] = run.bytes
    out["first_view_errors"] = run.exceptions[:3]
    paths = {path: h for h, path in first.pages.items()}
    await first.close()

    for page in P.PAGES:
        views = worker["scripts"][page]["views"]
        s = Session(url, timeout_s)
        s.page_hash = paths.get(page) or paths.get("") if page == "overview" else paths[page]
        await s.connect()
        if page == "school_profile" and opts.schools:
            s.set_query(school=opts.schools[0])
        last = await s.run()
        errors = [f"first run: {e}" for e in last.exceptions]
        resp, cpu, sent, refs, elements = [], [], [], [], {}
        window0, w_t0 = cpu_s(pid), time.perf_counter()
        for change, view in zip(changes, views):
            if page == "school_profile" and change.school:
                s.set_query(school=change.school)
            widgets = {k: v for k, v in change.widgets(opts.county_names, cities).items() if k in last.selectboxes}
            c0, t = cpu_s(pid), time.perf_counter()
            try:
                run = await s.run(widgets, last)
            except Exception as exc:  # noqa: BLE001 - a timeout or a closed socket is a finding
                errors.append(f"{change.describe()}: {type(exc).__name__}: {str(exc)[:200]}")
                break
            resp.append((time.perf_counter() - t) * 1000)
            cpu.append((cpu_s(pid) - c0) * 1000)
            sent.append(run.bytes)
            refs.append(run.references)
            for k, v in run.element_bytes.items():
                elements[k] = elements.get(k, 0) + v
            errors += [f"{change.describe()}: exception {e}" for e in run.exceptions]
            if run.metrics != view["metrics"]:
                diff = {k: (run.metrics.get(k), v) for k, v in view["metrics"].items() if run.metrics.get(k) != v}
                errors.append(f"{change.describe()}: cards differ from AppTest's (served, AppTest): {diff or run.metrics}")
            last = run
        window = (cpu_s(pid) - window0) * 1000
        n = len(resp)
        out["pages"][page] = {
            "changes": n, "response": summary(resp), "cpu": summary(cpu), "cpu_window_ms": window,
            "window_s": time.perf_counter() - w_t0, "cpu_per_change_ms": window / n if n else None,
            "bytes": summary(sent), "references": summary(refs),
            "bytes_by_element": {k: v / n for k, v in sorted(elements.items(), key=lambda kv: -kv[1])} if n else {},
            "response_samples": resp, "bytes_samples": sent, "errors": errors[:10], "error_count": len(errors)}
        await s.close()
    out["memory_mb"] = process_memory_mb(pid)
    return out


# Profiling --------------------------------------------------------------------------------------
# Where a sample's time went: the first rule (in this order) that a frame of its stack matches.
CATEGORIES = [
    ("DuckDB 查询（db.run_query）", ("run_query (dashboard/db.py",)),
    ("Streamlit 的源文件监视（每次运行后遍历已导入模块、轮询文件）", ("watcher", "inotify", "watchdog")),
    ("plotly 图转 JSON（st.plotly_chart）", ("plotly/io/_json", "to_json", "to_plotly_json", "_plotly_utils/utils.py")),
    ("画 plotly 图（charts.py、plotly graph_objs）", ("dashboard/charts.py", "dashboard/map_chart.py",
                                                               "plotly/graph_objs", "plotly/basedatatypes")),
    ("st.dataframe（pandas 转 Arrow）", ("elements/arrow.py", "dataframe_util", "pyarrow")),
    ("st.cache_data（缓存键、复制结果）", ("runtime/caching",)),
    ("各节与指标计算（dashboard/sections、figures、summary）", ("dashboard/sections", "dashboard/figures.py",
                                                                     "dashboard/summary.py", "dashboard/metrics.py")),
    ("其他 pandas", ("pandas/",)),
    ("页面里的 st.* 元素与控件", ("dashboard/", "app.py")),
    ("Streamlit 运行器与 websocket（tornado、protobuf）", ("streamlit/", "tornado/", "asyncio/")),
]
# A thread waiting is not work (py-spy's --nonblocking sampling cannot always tell).
_IDLE = ("select (selectors.py", "Condition.wait", "wait (threading.py", "_worker (concurrent/futures/thread.py",
         "sleep (", "_wait_for_tstate_lock")


def _stacks(raw: str):
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if n.isdigit() and not any(p in stack.rsplit(";", 1)[-1] for p in _IDLE):
            yield stack, int(n)


def categorise(raw: str) -> dict[str, float]:
    """py-spy's raw (collapsed) stacks -> share of the busy samples per category."""
    counts: dict[str, int] = {}
    total = 0
    for stack, n in _stacks(raw):
        total += n
        name = next((c for c, pats in CATEGORIES if any(p in stack for p in pats)), "其他 Python")
        counts[name] = counts.get(name, 0) + n
    return {k: v / total for k, v in sorted(counts.items(), key=lambda kv: -kv[1])} if total else {}


def profile(extract: Path, worker: dict, opts: P.Options, timeout_s: float, out_dir: Path) -> dict:
    if not PY_SPY.exists():
        return {"skipped": "py-spy not installed (pip install -r requirements-dev.txt)"}
    with served(extract) as (url, pid):
        raw = out_dir / f"py-spy-{Path(extract).parent.name}.txt"
        spy = subprocess.Popen([str(PY_SPY), "record", "-p", str(pid), "-r", "250", "-f", "raw", "-o", str(raw),
                                "--nonblocking", "-t"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1)
        try:
            asyncio.run(drive(url, pid, worker, opts, timeout_s))
        finally:
            spy.send_signal(2)  # py-spy writes its file on SIGINT
            try:
                spy.wait(60)
            except subprocess.TimeoutExpired:
                spy.kill()
    if not raw.is_file():
        return {"skipped": f"py-spy wrote nothing: {spy.stderr.read().decode(errors='replace')[-300:]}"}
    text = raw.read_text(encoding="utf-8", errors="replace")
    return {"file": str(raw), "shares": categorise(text), "top_frames": top_frames(text)}


def top_frames(raw: str, n: int = 12) -> list[tuple[str, float]]:
    """The project's own functions with the largest share of samples (inclusive)."""
    counts: dict[str, int] = {}
    total = 0
    for stack, k in _stacks(raw):
        total += k
        seen = set()
        for frame in stack.split(";"):
            if "dashboard/" in frame:
                name = frame.split(" (")[0] + " (" + frame.split("dashboard/")[-1].split(":")[0] + ")"
                if name not in seen:
                    seen.add(name)
                    counts[name] = counts.get(name, 0) + k
    return [(k, v / total) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:n]] if total else []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", required=True, type=Path)
    ap.add_argument("--worker", required=True, type=Path, help="the worker's JSON (its changes and cards)")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--profile", action="store_true", help="then again on a second server with py-spy sampling it")
    ap.add_argument("--flag", action="append", default=[],
                    help="a `streamlit run` option for an experiment, e.g. --flag=--server.fileWatcherType=none")
    args = ap.parse_args(argv)
    extract = args.extract.resolve()
    worker = json.loads(args.worker.read_text(encoding="utf-8"))
    from dashboard import db

    con = db.open_extract(extract)
    opts = P.options(con)
    con.close()
    with served(extract, flags=tuple(args.flag)) as (url, pid):
        result = asyncio.run(drive(url, pid, worker, opts, args.timeout))
    result["flags"] = args.flag
    if args.profile:
        result["profile"] = profile(extract, worker, opts, args.timeout, args.out.parent)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
