"""python -m benchmarks: speed and memory of every page, from a city to the whole nation.

Generates (once, cached under benchmarks/_data/) demo extracts of three sizes, then for each size
runs a worker process (every page's queries cold and warm, through the app and on bare DuckDB,
every page script in AppTest, peak memory) and a baseline process (the overview's queries in plain
pandas, checked equal to the SQL, timed side by side); then serves the committed demo and drives it
from Chromium (the repaint of one tab, and 20 tabs changing filters at once). Writes
docs/benchmarks.md and benchmarks/_data/results.json. Not part of the test suite: nothing here
passes or fails on time; it fails only if a result is wrong (pandas ≠ SQL) or a step crashes.

    python -m benchmarks                          # city, province, nation, replicas (about 20–30 minutes)
    python -m benchmarks --quick                  # city and province, fewer samples (about 3 minutes)
    python -m benchmarks --sizes city,nation --no-browser --no-replicas
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import extracts, report

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = extracts.CACHE_DIR / "results.json"
# The before/after record of the query-layer rewrite (the old layer lives in the history).
BEFORE = Path(__file__).resolve().parent / "before.json"


def machine() -> dict:
    from importlib.metadata import version

    import duckdb
    import pandas
    import pyarrow
    import streamlit

    def meminfo() -> float | None:
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 2**20
        except OSError:
            return None

    def cpu_model() -> str:
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return platform.processor() or "unknown"

    def chromium() -> str:
        try:
            return subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except Exception:
            return "not found"

    return {"cores": os.cpu_count(), "memory_gb": meminfo(), "cpu": cpu_model(),
            "os": platform.platform(), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "pandas": pandas.__version__, "pyarrow": pyarrow.__version__,
            "streamlit": streamlit.__version__, "playwright": version("playwright"),
            "chromium": chromium()}


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# Warnings Streamlit logs when its cache or AppTest runs outside `streamlit run`: expected here.
_NOISE = ("No runtime found, using MemoryCacheStorageManager", "missing ScriptRunContext")


def run_json(args: list[str], what: str, out: Path | None = None) -> dict:
    """Run `python -m …` in a process of its own; its JSON comes from `out` (or its last stdout
    line). Its stderr goes to benchmarks/_data/<module>.log and, less Streamlit's expected
    warnings, to the console."""
    t = time.perf_counter()
    print(f"  {what} …", flush=True)
    log_path = extracts.CACHE_DIR / f"{args[0].split('.')[-1]}.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=PROJECT, text=True, encoding="utf-8",
                                stdout=subprocess.PIPE if out is None else subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        for line in proc.stderr:
            log.write(line)
            if not any(n in line for n in _NOISE):
                print(f"    {line.rstrip()}", flush=True)
        stdout = proc.stdout.read() if proc.stdout else ""
        code = proc.wait()
    if code:
        raise SystemExit(f"{what} failed (exit {code}); its output is in {log_path}")
    result = json.loads(out.read_text(encoding="utf-8") if out else stdout.strip().splitlines()[-1])
    print(f"  {what}: {time.perf_counter() - t:.0f} s", flush=True)
    return result


def write_report(results: dict, out: Path) -> int:
    before = json.loads(BEFORE.read_text(encoding="utf-8")) if BEFORE.is_file() else None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.markdown(results, before), encoding="utf-8")
    print(report.summary_table(results))
    print(f"\nwritten {out}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=None, help="comma-separated: city,province,nation (default all; --quick: city,province)")
    ap.add_argument("--quick", action="store_true", help="fewer samples and a 15-second load test")
    ap.add_argument("--seed", type=int, default=None, help="the demo generator's seed (default its own, 2018)")
    ap.add_argument("--samples", type=int, default=None, help="warm samples per page (default 15; quick 5)")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium repaint and load test")
    ap.add_argument("--sessions", type=int, default=20, help="simultaneous websocket sessions in the load test")
    ap.add_argument("--tabs", type=int, default=None,
                    help="simultaneous Chromium tabs in the load test (default 20; quick 0: 20 tabs take a minute to open)")
    ap.add_argument("--load-seconds", type=float, default=None, help="length of the load test (default 60; quick 15)")
    ap.add_argument("--no-replicas", action="store_true",
                    help="skip the session ceiling of 1 and 2 replicas behind nginx (benchmarks/replicas.py)")
    ap.add_argument("--out", type=Path, default=PROJECT / "docs" / "benchmarks.md")
    ap.add_argument("--report-only", action="store_true", help="only write the report again from the last results")
    args = ap.parse_args(argv)
    if args.report_only:
        return write_report(json.loads(RESULTS.read_text(encoding="utf-8")), args.out)

    from dashboard import demo

    quick = args.quick
    sizes = (args.sizes or ("city,province" if quick else "city,province,nation")).split(",")
    unknown = [s for s in sizes if s not in extracts.SIZES]
    if unknown:
        ap.error(f"unknown size {unknown}; choose from {', '.join(extracts.SIZES)}")
    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    samples = args.samples or (5 if quick else 15)
    cold, page_runs = (2, 4) if quick else (3, 6)
    load_seconds = args.load_seconds or (15 if quick else 60)
    started = time.perf_counter()
    results: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "loadavg_start": loadavg(), "quick": quick, "seed": seed, "samples": samples,
                     "cold_samples": cold, "page_runs": page_runs, "sizes": {}}
    extracts.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"machine: {results['machine']['cores']} cores, {results['machine']['memory_gb']:.0f} GB, "
          f"load average {results['loadavg_start']}", flush=True)

    for size in sizes:
        print(f"[{size}]", flush=True)
        info = run_json(["benchmarks.extracts", size, str(seed)], "extract (generated once, then cached)")
        d = Path(info["dir"])
        worker_out = extracts.CACHE_DIR / f"worker-{size}.json"
        worker = run_json(["benchmarks.worker", "--extract", str(d), "--out", str(worker_out),
                           "--samples", str(samples), "--cold", str(cold), "--page-runs", str(page_runs)],
                          "queries and page scripts", worker_out)
        base_out = extracts.CACHE_DIR / f"baseline-{size}.json"
        baseline = run_json(["benchmarks.baseline", "--extract", str(d), "--out", str(base_out),
                             "--samples", str(samples)], "pandas baseline (checked equal to SQL)", base_out)
        results["sizes"][size] = {"schools": extracts.SIZES[size].schools, "extract": info,
                                  "worker": worker, "baseline": baseline}

    if not args.no_browser:
        print("[browser]", flush=True)
        out = extracts.CACHE_DIR / "browser.json"
        tabs = args.tabs if args.tabs is not None else (0 if quick else 20)
        results["browser"] = run_json(
            ["benchmarks.browser", "--out", str(out), "--sessions", str(args.sessions), "--tabs", str(tabs),
             "--seconds", str(load_seconds), "--changes", "8" if quick else "12"],
            f"repaint, {args.sessions} websocket sessions and {tabs} tabs, {load_seconds:.0f} s each", out)

    if not args.no_replicas:  # its table is printed as it finishes
        print("[replicas]", flush=True)
        out = extracts.CACHE_DIR / "replicas.json"
        steps = ["--steps", "10,25", "--seconds", "15"] if quick else []
        results["replicas"] = run_json(["benchmarks.replicas", "--out", str(out), *steps],
                                       "session ceiling of 1 and 2 replicas at city size", out)

    results["loadavg_end"] = loadavg()
    results["total_s"] = time.perf_counter() - started
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_report(results, args.out)
    print(f"results in {RESULTS}; {results['total_s'] / 60:.1f} min", flush=True)
    errors = [e for s in results["sizes"].values() for e in s["worker"]["errors"]]
    for key in ("ws_load", "load"):
        errors += results.get("browser", {}).get(key, {}).get("errors", [])
    if errors:
        print(f"{len(errors)} errors, first: {errors[:3]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
