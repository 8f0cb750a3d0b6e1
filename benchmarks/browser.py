"""The served app: how long a filter change takes to repaint in one Chromium tab, and how the
server answers 20 sessions changing filters at once (websocket clients, see wsclient.py) and 20
Chromium tabs doing the same. Loopback only (tests/browser_support.served_app).

A change is timed from the click on the new option until the script run has finished (no
running indicator) and the 学校数 card shows the number the extract has for the new filters;
the expected number is computed beforehand with the app's own query code, so a wrong or stale
figure cannot pass for a repaint. An error is an exception element on the page, a page that did
not load, or a change that did not repaint correctly within the timeout.

    python -m benchmarks.browser --out FILE.json [--data DIR --sessions 20 --tabs 20 --seconds 60 --changes 12]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.timing import summary
from benchmarks.worker import isolate_runtime_files

PROJECT = Path(__file__).resolve().parent.parent
ALL = "全部"
VIEWPORT = {"width": 1366, "height": 768}

# True when the run has finished and the 学校数 card shows `expected`.
_REPAINTED = """([label, expected]) => {
  if (document.querySelector('[data-testid=stStatusWidget]')) return false;
  for (const card of document.querySelectorAll('[data-testid=stMetric]')) {
    const l = card.querySelector('[data-testid=stMetricLabel]');
    if (l && l.innerText.trim().startsWith(label)) {
      const v = card.querySelector('[data-testid=stMetricValue]');
      return !!v && v.innerText.trim() === expected;
    }
  }
  return false;
}"""


def expected_counts(data_dir: Path) -> tuple[dict, list[int], dict[str, str]]:
    """The 学校数 card's text for every (year, county or None), from the app's own query code."""
    from dashboard import db, figures
    from dashboard.metrics import count
    from dashboard.scope import Scope

    con = db.open_extract(data_dir)
    get = db.runner(con)
    visible = db.all_county_codes(con)
    names = dict(con.execute("select county_code, county_name from regions").fetchall())
    years = [int(y) for y in get("available_years")["year"]]
    out = {}
    for y in years:
        for c in (None, *visible):
            h = figures.headline(get, Scope(year=y, visible_counties=visible, county=c))
            out[(y, c)] = count(h.current.schools if h.current else None, "所")
    con.close()
    return out, years, names


@dataclass
class Stats:
    loads: list[float] = field(default_factory=list)
    repaints: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _choose(page, label: str, option: str) -> None:
    await page.locator(f"input[role=combobox][aria-label='{label}']").click()
    await page.get_by_role("option", name=option, exact=True).click()


async def _loaded(page, timeout_ms: float) -> None:
    await page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=timeout_ms)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') "
        "&& document.querySelectorAll('[data-testid=stMetric]').length > 0", timeout=timeout_ms)


class Start:
    """Every session loads first; the timed loop starts for all once the last has loaded (or
    failed to), so the test measures 20 sessions working at once, not 20 pages loading."""

    def __init__(self, sessions: int, seconds: float, server: int | None):
        self.waiting, self.seconds, self.server = sessions, seconds, server
        self.event = asyncio.Event()
        self.deadline = 0.0
        self.cpu_start: tuple[float, float] = (0.0, 0.0)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the server, and of everything else this process started (Chromium)."""
        others = descendants(os.getpid()) - {self.server}
        return cpu_s([self.server] if self.server else []), cpu_s(others)

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.deadline = time.perf_counter() + self.seconds
            self.cpu_start = self.cpu()
            self.event.set()


async def _session(browser, url: str, expected: dict, years: list[int], names: dict[str, str],
                   stats: Stats, rng: random.Random, *, start: Start | None, changes: int | None,
                   county_only: bool, timeout_ms: float, load_timeout_ms: float) -> None:
    ctx = await browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = await ctx.new_page()
    try:
        t = time.perf_counter()
        try:
            await page.goto(url, timeout=load_timeout_ms, wait_until="domcontentloaded")
            await _loaded(page, load_timeout_ms)
            stats.loads.append((time.perf_counter() - t) * 1000)
        except Exception as exc:
            stats.errors.append(f"load: {type(exc).__name__}: {str(exc)[:200]}")
            return
        finally:
            if start is not None:
                start.arrived()
        if start is not None:
            await start.event.wait()
        year, county = years[0], None
        done = 0
        while (start is None or time.perf_counter() < start.deadline) and (changes is None or done < changes):
            # A new view whose 学校数 differs from the one shown, so the repaint is visible.
            for _ in range(50):
                if county_only or rng.random() < 0.7:
                    y2, c2 = year, rng.choice([None, *names]) if county is not None else rng.choice(list(names))
                else:
                    y2, c2 = rng.choice(years), county
                if expected[(y2, c2)] != expected[(year, county)]:
                    break
            else:
                stats.errors.append("no view with a different 学校数 found")
                return
            label, option = ("县区", ALL if c2 is None else names[c2]) if c2 != county else ("年度", f"{y2}年")
            try:
                await page.locator(f"input[role=combobox][aria-label='{label}']").click()
                t = time.perf_counter()
                await page.get_by_role("option", name=option, exact=True).click()
                await page.wait_for_function(_REPAINTED, arg=["学校数", expected[(y2, c2)]],
                                             timeout=timeout_ms, polling=25)
                stats.repaints.append((time.perf_counter() - t) * 1000)
                year, county = y2, c2
                done += 1
                if await page.locator("[data-testid=stException]").count():
                    stats.errors.append(f"exception shown after choosing {option}")
            except Exception as exc:
                stats.errors.append(f"{label}={option}: {type(exc).__name__}: {str(exc)[:200]}")
                try:  # start again from a fresh load
                    await page.goto(url, timeout=load_timeout_ms, wait_until="domcontentloaded")
                    await _loaded(page, load_timeout_ms)
                    year, county = years[0], None
                except Exception:
                    return
    finally:
        await ctx.close()


def server_pid(url: str) -> int | None:
    """The streamlit server's process, found by its port on the command line."""
    port = str(urlparse(url).port).encode()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                args = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(args) and port in args:
                return int(proc.name)
    return None


def peak_mb(pid: int | None) -> float | None:
    """A process's peak resident memory (VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return None


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pids) -> float:
    """CPU seconds (user + system) the processes have used so far, with their children that have
    ended (a closed tab's renderer is counted in the Chromium process that waited for it)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / _TICK
        except (OSError, IndexError, ValueError):
            continue
    return total


def descendants(root: int) -> set[int]:
    """Every process below `root` (here: the Playwright driver and Chromium, and the server)."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    out, todo = set(), [root]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


async def _run(url: str, expected, years, names, sessions: int, tabs: int, seconds: float, changes: int,
               timeout_ms: float, load_timeout_ms: float, ramp_s: float, seed: int, server: int | None) -> dict:
    from playwright.async_api import async_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    out = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One tab alone: the repaint a presenter sees.
            alone = Stats()
            await _session(browser, url, expected, years, names, alone, random.Random(seed), start=None,
                           changes=changes, county_only=True, timeout_ms=timeout_ms, load_timeout_ms=load_timeout_ms)
            out["single"] = {"repaint": summary(alone.repaints), "samples": alone.repaints,
                             "load": summary(alone.loads), "errors": alone.errors}
            # Many sessions speaking the websocket protocol: the server's answer times alone.
            if sessions:
                from benchmarks import wsclient

                ws = Stats()
                start = Start(sessions, seconds, server)
                began = time.perf_counter()
                await asyncio.gather(*(
                    wsclient.session_loop(url, expected, years, names, ws, random.Random(seed + 100 + i), start,
                                          timeout_ms / 1000)
                    for i in range(sessions)))
                ended = time.perf_counter()
                server_end, _ = start.cpu()
                out["ws_load"] = {"sessions": sessions, "seconds": seconds, "wall_s": ended - began,
                                  "timed_s": ended - (start.deadline - seconds),
                                  "server_cpu_s": server_end - start.cpu_start[0],
                                  "response": summary(ws.repaints), "changes": len(ws.repaints),
                                  "first_run": summary(ws.loads), "loaded": len(ws.loads),
                                  "error_count": len(ws.errors), "errors": ws.errors[:20]}
            # Many tabs, opened over the ramp-up as people join a meeting, then all changing filters at once.
            if tabs:
                sessions = tabs
                many = Stats()
                start = Start(sessions, seconds, server)

                async def joined(i: int) -> None:
                    await asyncio.sleep(i * ramp_s / max(sessions - 1, 1))
                    await _session(browser, url, expected, years, names, many, random.Random(seed + i),
                                   start=start, changes=None, county_only=False, timeout_ms=timeout_ms,
                                   load_timeout_ms=load_timeout_ms)

                began = time.perf_counter()
                await asyncio.gather(*(joined(i) for i in range(sessions)))
                ended = time.perf_counter()
                server_end, others_end = start.cpu()
                timed_s = ended - (start.deadline - seconds)
                out["load"] = {"sessions": sessions, "seconds": seconds, "ramp_s": ramp_s,
                               "wall_s": ended - began, "timed_s": timed_s,
                               "server_cpu_s": server_end - start.cpu_start[0],
                               "browser_cpu_s": others_end - start.cpu_start[1],
                               "repaint": summary(many.repaints), "changes": len(many.repaints),
                               "first_load": summary(many.loads), "loaded": len(many.loads),
                               "error_count": len(many.errors), "errors": many.errors[:20]}
        finally:
            await browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--data", type=Path, default=PROJECT / "data", help="extract to serve (default: the committed demo)")
    ap.add_argument("--sessions", type=int, default=20, help="websocket sessions at once")
    ap.add_argument("--tabs", type=int, default=20, help="Chromium tabs at once")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--changes", type=int, default=12, help="filter changes in the single-tab repaint test")
    ap.add_argument("--timeout", type=float, default=30, help="seconds a repaint may take before it is an error")
    ap.add_argument("--load-timeout", type=float, default=120, help="seconds a page may take to load before it is an error")
    ap.add_argument("--ramp", type=float, default=10, help="seconds over which the sessions open")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    isolate_runtime_files()
    from tests.browser_support import served_app

    data_dir = args.data.resolve()
    expected, years, names = expected_counts(data_dir)
    env = {k: os.environ[k] for k in ("DASHBOARD_USERS_FILE", "DASHBOARD_AUDIT_LOG", "DASHBOARD_LOGIN_STATE")}
    env["DASHBOARD_DATA_DIR"] = str(data_dir)
    with served_app(env, timeout=120) as url:
        server = server_pid(url)
        result = asyncio.run(_run(url, expected, years, names, args.sessions, args.tabs, args.seconds, args.changes,
                                  args.timeout * 1000, args.load_timeout * 1000, args.ramp, args.seed, server))
        result["server_peak_rss_mb"] = peak_mb(server)
    result["data"] = str(data_dir)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())  # an uncaught exception prints its traceback and exits 1, which run_json reports
