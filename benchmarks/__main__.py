"""python -m benchmarks: issue 13's measures, from a city to the whole nation, in one run.

Generates (once, cached under benchmarks/_data/) demo extracts of three sizes, then for each size
runs, each in a process of its own:
  - the worker (benchmarks/worker.py): every page's script in AppTest after each filter change of
    the size's sequence, recording the queries it runs; those calls replayed warm, cold and on a
    bare DuckDB cursor (the raw floor);
  - the server (benchmarks/server.py): `streamlit run` on the extract, every page driven over its
    websocket through the same changes: the server's CPU, response time and bytes per change, its
    peak memory; at city and nation size again under py-spy, for where the time goes;
  - the pandas baseline (benchmarks/baseline.py): the overview's queries in plain pandas, checked
    equal to the SQL, timed side by side;
then the session ceiling of 1 and 2 replicas behind nginx at city size (benchmarks/replicas.py).
The machine's load average is recorded before and after every step; a step waits (up to a bound)
for a load above twice the cores to fall first. Writes docs/benchmarks.md, the README's speed
section and benchmarks/_data/results.json. Not part of the test suite: nothing here passes or
fails on time; it fails only if a result is wrong (pandas ≠ SQL) or a step crashes.

    python -m benchmarks                          # city, province, nation, replicas (about 40 minutes)
    python -m benchmarks --quick                  # city and province, few changes (about 6 minutes)
    python -m benchmarks --sizes city,nation --no-replicas
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import extracts, report

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = extracts.CACHE_DIR / "results.json"
README = PROJECT / "README.md"
README_HEADING = "## 性能 / Speed"
CHANGES = {"city": 30, "province": 20, "nation": 15}
QUICK_CHANGES = {"city": 8, "province": 6, "nation": 6}
PROFILED = ("city", "nation")


def machine() -> dict:
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

    return {"cores": os.cpu_count(), "memory_gb": meminfo(), "cpu": cpu_model(),
            "os": platform.platform(), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "pandas": pandas.__version__, "pyarrow": pyarrow.__version__,
            "streamlit": streamlit.__version__}


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# Warnings Streamlit logs when its cache or AppTest runs outside `streamlit run`: expected here.
_NOISE = ("No runtime found, using MemoryCacheStorageManager", "missing ScriptRunContext")


class Steps:
    """Runs each step in a process of its own, recording the load before and after it."""

    def __init__(self, max_wait_s: float):
        self.max_wait_s = max_wait_s
        self.done: list[dict] = []

    def wait_for_load(self) -> float:
        """Wait (at most max_wait_s) while the 1-minute load is above twice the cores."""
        t = time.perf_counter()
        limit = 2 * (os.cpu_count() or 1)
        while (loadavg() or [0])[0] > limit and time.perf_counter() - t < self.max_wait_s:
            time.sleep(5)
        return time.perf_counter() - t

    def run(self, args: list[str], what: str, out: Path | None = None) -> dict:
        """`python -m …`; its JSON comes from `out` (or its last stdout line). Its stderr goes to
        benchmarks/_data/<module>.log and, less Streamlit's expected warnings, to the console."""
        waited = self.wait_for_load()
        before = loadavg()
        t = time.perf_counter()
        print(f"  {what} (load {report.fmt_load(before)}{f', waited {waited:.0f} s' if waited >= 1 else ''}) …", flush=True)
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
        seconds = time.perf_counter() - t
        self.done.append({"what": what, "load_before": before, "load_after": loadavg(), "waited_s": waited,
                          "seconds": seconds})
        print(f"  {what}: {seconds:.0f} s (load after {report.fmt_load(loadavg())})", flush=True)
        return result


def write_report(results: dict, out: Path, readme: Path | None = README) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.markdown(results), encoding="utf-8")
    print(report.targets_table(results))
    print(report.sizes_table(results))
    if readme is not None and readme.is_file():
        text = readme.read_text(encoding="utf-8")
        # Only the speed section, up to the next "## " heading.
        pattern = re.compile(rf"({re.escape(README_HEADING)}\n)(.*?)(?=^## )", re.S | re.M)
        if pattern.search(text):
            readme.write_text(pattern.sub(lambda m: m.group(1) + "\n" + report.readme(results) + "\n", text, count=1),
                              encoding="utf-8")
            print(f"updated {readme}'s speed section")
    print(f"\nwritten {out}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=None, help="comma-separated: city,province,nation (default all; --quick: city,province)")
    ap.add_argument("--quick", action="store_true", help="few changes, short replica steps")
    ap.add_argument("--seed", type=int, default=None, help="the demo generator's seed (default its own, 2018)")
    ap.add_argument("--changes", type=int, default=None, help="filter changes per page (default per size: 30/20/15; quick 8/6/6)")
    ap.add_argument("--cold", type=int, default=None, help="cold samples per page (default 3; quick 2)")
    ap.add_argument("--no-profile", action="store_true", help="skip the py-spy pass at city and nation size")
    ap.add_argument("--no-replicas", action="store_true", help="skip the session ceiling of 1 and 2 replicas")
    ap.add_argument("--replica-steps", default=None, help="sessions per step (default 10,25,50,100,150; quick 10,25)")
    ap.add_argument("--replica-seconds", type=float, default=None, help="seconds per step (default 45; quick 15)")
    ap.add_argument("--max-load-wait", type=float, default=None, help="seconds a step may wait for a high load to fall (default 45; quick 10)")
    ap.add_argument("--out", type=Path, default=PROJECT / "docs" / "benchmarks.md")
    ap.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    ap.add_argument("--report-only", action="store_true", help="only write the report again from the last results")
    args = ap.parse_args(argv)
    readme = None if args.no_readme else README
    if args.report_only:
        return write_report(json.loads(RESULTS.read_text(encoding="utf-8")), args.out, readme)

    from dashboard import demo

    quick = args.quick
    sizes = (args.sizes or ("city,province" if quick else "city,province,nation")).split(",")
    unknown = [s for s in sizes if s not in extracts.SIZES]
    if unknown:
        ap.error(f"unknown size {unknown}; choose from {', '.join(extracts.SIZES)}")
    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    cold = args.cold or (2 if quick else 3)
    steps = Steps(args.max_load_wait if args.max_load_wait is not None else (10 if quick else 45))
    started = time.perf_counter()
    results: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "loadavg_start": loadavg(), "quick": quick, "seed": seed, "load_wait_s": steps.max_wait_s,
                     "sizes": {}}
    extracts.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"machine: {results['machine']['cores']} cores, {results['machine']['memory_gb']:.0f} GB, "
          f"load average {results['loadavg_start']}", flush=True)

    for size in sizes:
        print(f"[{size}]", flush=True)
        n = args.changes or (QUICK_CHANGES if quick else CHANGES)[size]
        info = steps.run(["benchmarks.extracts", size, str(seed)], f"{size}: extract (generated once, then cached)")
        d = Path(info["dir"])
        worker_out = extracts.CACHE_DIR / f"worker-{size}.json"
        worker = steps.run(["benchmarks.worker", "--extract", str(d), "--out", str(worker_out), "--changes", str(n),
                            "--cold", str(cold)], f"{size}: page scripts, recorded queries replayed", worker_out)
        server_out = extracts.CACHE_DIR / f"server-{size}.json"
        profile = [] if args.no_profile or size not in PROFILED else ["--profile"]
        server = steps.run(["benchmarks.server", "--extract", str(d), "--worker", str(worker_out), "--out", str(server_out),
                            *profile], f"{size}: the served pages over websocket{' (and py-spy)' if profile else ''}",
                           server_out)
        base_out = extracts.CACHE_DIR / f"baseline-{size}.json"
        baseline = steps.run(["benchmarks.baseline", "--extract", str(d), "--worker", str(worker_out), "--out", str(base_out)],
                             f"{size}: pandas baseline (checked equal to SQL)", base_out)
        results["sizes"][size] = {"schools": extracts.SIZES[size].schools, "extract": info, "worker": worker,
                                  "server": server, "baseline": baseline}

    if not args.no_replicas:
        print("[replicas]", flush=True)
        out = extracts.CACHE_DIR / "replicas.json"
        rsteps = args.replica_steps or ("10,25" if quick else "10,25,50,100,150")
        seconds = args.replica_seconds or (15 if quick else 45)
        results["replicas"] = steps.run(["benchmarks.replicas", "--out", str(out), "--steps", rsteps,
                                         "--seconds", str(seconds)],
                                        "city: session ceiling of 1 and 2 replicas", out)

    results["steps"] = steps.done
    results["loadavg_end"] = loadavg()
    results["total_s"] = time.perf_counter() - started
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_report(results, args.out, readme)
    print(f"results in {RESULTS}; {results['total_s'] / 60:.1f} min", flush=True)
    errors = [e for s in results["sizes"].values() for e in s["worker"]["errors"]]
    errors += [e for s in results["sizes"].values() for p in s["server"]["pages"].values() for e in p["errors"]]
    if errors:
        print(f"{len(errors)} errors, first: {errors[:3]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
