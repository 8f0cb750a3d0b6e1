"""Timing helpers: wall and CPU time of a block, medians and percentiles, memory of the process."""
from __future__ import annotations

import contextlib
import os
import resource
import statistics
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def timed(into: list | None = None, cpu_into: list | None = None):
    """Appends the block's wall time (and the process's CPU time, all threads) in milliseconds."""
    t, c = time.perf_counter(), time.process_time()
    yield
    if into is not None:
        into.append((time.perf_counter() - t) * 1000)
    if cpu_into is not None:
        cpu_into.append((time.process_time() - c) * 1000)


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation; None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    """Median, p95, min and max of a list of milliseconds, and how many there were."""
    if not values:
        return {"n": 0}
    return {"n": len(values), "median": statistics.median(values), "p95": percentile(values, 95),
            "min": min(values), "max": max(values)}


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The process's resident memory now."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def process_memory_mb(pid: int) -> dict:
    """Another process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out["rss" if line.startswith("VmRSS") else "peak"] = int(line.split()[1]) / 1024
    return out
