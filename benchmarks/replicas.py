"""Replicas behind nginx (scripts/serve.sh): how many sessions 1 and 2 Streamlit processes hold on
this machine, measured side by side in one run, and what a replica costs in memory.

For each replica count the dashboard is served by `scripts/serve.sh --workers N` on free loopback
ports. First one websocket session per replica loads every page twice (the memory a replica has
after a few page loads); then a stepped search: S sessions (10, 25, 50, 100, 150 by default), each
fetching the page through nginx (so it carries the affinity cookie, as a browser does), opening
its websocket and then changing a filter every 5 s for 60 s. A change is timed from the request to
the end of its script run, and must show no exception and the 学校数 the extract has for the new
filters (benchmarks/wsclient.py). The ceiling is the largest S whose p95 stays under 1 s with no
error; the search stops at the first step that misses. Load averages are recorded before and after
every step. All traffic goes to 127.0.0.1, bounded in sessions and time.

    python -m benchmarks.replicas --out FILE.json [--workers 1,2 --steps 10,25,50,100,150 --seconds 60]

The serve() helper (start serve.sh, wait until nginx answers, stop it and check nothing is left)
is also what tests/test_replicas.py uses.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.timing import process_memory_mb

PROJECT = Path(__file__).resolve().parent.parent
SERVE = PROJECT / "scripts" / "serve.sh"
COOKIE = "dashboard_route"  # the affinity cookie serve.sh's nginx sets
# A line of serve.sh's nginx access log; the upstream lists every replica tried ("a, b" or "a : b").
_ACCESS = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
                     r'upstream=(?P<upstream>.*?) cookie=(?P<cookie>\S+) rt=')


# Serving --------------------------------------------------------------------------------------------
def free_ports(n: int) -> list[int]:
    """n distinct free loopback ports (held open together while chosen, so no two are equal)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def http_get(url: str, cookie: str | None = None, timeout: float = 10) -> tuple[int, str, list[str]]:
    """Status, body and Set-Cookie headers of a GET."""
    req = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read().decode("utf-8", "replace"), r.headers.get_all("Set-Cookie") or []


def route_cookie(set_cookies: list[str]) -> str | None:
    for h in set_cookies:
        name, _, rest = h.partition("=")
        if name.strip() == COOKIE:
            return rest.split(";", 1)[0]
    return None


@dataclass
class Served:
    url: str                 # nginx, the public address
    ports: list[int]         # the replicas' own loopback ports
    run_dir: Path
    proc: subprocess.Popen

    def backend(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def replica_pids(self) -> dict[int, int]:
        """port -> pid of the Streamlit process serving it now."""
        out = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                args = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in args and b"--server.port" in args:
                port = int(args[args.index(b"--server.port") + 1])
                if port in self.ports and os.getpgid(int(proc.name)) == self.proc.pid:
                    out[port] = int(proc.name)
        return out

    def access_log(self) -> list[dict]:
        """nginx's access log, one dict per request (method, path, status, upstream, cookie), in order;
        `upstream` is the replica that answered (the last one tried), `cookie` "-" when none was sent."""
        path = self.run_dir / "access.log"
        if not path.exists():
            return []
        rows = [m.groupdict() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                if (m := _ACCESS.search(line))]
        for r in rows:
            r["tried"], r["upstream"] = r["upstream"], re.split(r", | : ", r["upstream"])[-1]
        return rows

    def replica_of(self, cookie: str) -> str:
        """The replica an affinity cookie names (r1 is the first port), as host:port."""
        return f"127.0.0.1:{self.ports[int(cookie[1:]) - 1]}"


@contextlib.contextmanager
def serve(workers: int, env: dict[str, str], run_dir: Path, timeout: float = 180, log: Path | None = None):
    """`bash scripts/serve.sh --workers N` on free loopback ports; yields a Served once nginx
    answers (serve.sh starts it only after every replica is healthy). On exit serve.sh is sent
    SIGTERM and must have stopped nginx and every replica within 30 s, else this raises."""
    public, *ports = free_ports(workers + 1)
    run_dir.mkdir(parents=True, exist_ok=True)
    out = open(log or run_dir / "serve.out", "w")
    proc = subprocess.Popen(
        ["bash", str(SERVE), "--workers", str(workers), "--port", str(public), "--address", "127.0.0.1",
         "--backend-ports", ",".join(map(str, ports)), "--run-dir", str(run_dir)],
        cwd=PROJECT, env={**os.environ, "DASHBOARD_PYTHON": sys.executable, **env},
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    served = Served(f"http://127.0.0.1:{public}", ports, run_dir, proc)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if http_get(f"{served.url}/_stcore/health", timeout=2)[0] == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                text = Path(out.name).read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"serve.sh did not start (exit {proc.poll()}): {text}")
            time.sleep(0.2)
        yield served
    finally:
        stop(proc)
        out.close()


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to serve.sh, then wait until its whole process group (nginx, replicas) is gone."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        pass
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("serve.sh left processes running after SIGTERM (killed now)")


# Websocket sessions ---------------------------------------------------------------------------------
class _Tap:
    """The websocket, with every ForwardMsg also shown to `seen` (to read the session id and pages)."""

    def __init__(self, ws, seen):
        self.ws, self.seen = ws, seen

    async def send(self, data):
        await self.ws.send(data)

    async def recv(self):
        raw = await self.ws.recv()
        self.seen(raw)
        return raw

    async def close(self):
        await self.ws.close()


def routed_session_class():
    from benchmarks import wsclient

    class RoutedSession(wsclient.Session):
        """wsclient's session with the affinity cookie, optionally resuming a session by its id
        (as Streamlit's frontend does on a reconnect), and optionally recording the session id
        and the app's pages."""

        def __init__(self, url: str, timeout_s: float, cookie: str | None = None, resume: str | None = None,
                     tap: bool = False):
            super().__init__(url, timeout_s)
            self.cookie, self.resume, self.tap = cookie, resume, tap
            self.session_id: str | None = None
            self.pages: dict[str, str] = {}  # page_script_hash -> url path

        async def connect(self) -> None:
            import websockets

            uri = "ws" + self.url[len("http"):] + "/_stcore/stream"
            # Streamlit reads the subprotocol list as [protocol, xsrf token, session to resume].
            protocols = ["streamlit", "xsrf", self.resume] if self.resume else ["streamlit"]
            ws = await websockets.connect(
                uri, subprotocols=protocols, origin=self.url, max_size=None, open_timeout=self.timeout_s,
                ping_interval=None, additional_headers={"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else None)
            self.ws = _Tap(ws, self._seen) if self.tap else ws

        def _seen(self, raw: bytes) -> None:
            from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id
                pages = fm.new_session.app_pages
            elif kind == "navigation":
                pages = fm.navigation.app_pages
            else:
                return
            for p in pages:
                self.pages[p.page_script_hash] = p.url_pathname

    return RoutedSession


async def first_run(url: str, timeout_s: float, *, through_nginx: bool = True, tap: bool = False,
                    resume: str | None = None, cookie: str | None = None):
    """A session as a browser opens it: the page (through nginx it sets the affinity cookie),
    then the websocket and the first script run. Returns (session, run)."""
    if through_nginx and cookie is None:
        cookie = route_cookie((await asyncio.to_thread(http_get, url + "/"))[2])
    s = routed_session_class()(url, timeout_s, cookie=cookie, resume=resume, tap=tap)
    await s.connect()
    return s, await s.run()


def _next_view(rng: random.Random, expected: dict, years: list[int], names: dict[str, str], year, county):
    """A different county (70%) or year, whose 学校数 differs from the one shown (so a stale
    figure cannot pass for the new one); the same choice as wsclient.session_loop."""
    for _ in range(50):
        if rng.random() < 0.7:
            y2, c2 = year, rng.choice([None, *names]) if county is not None else rng.choice(list(names))
        else:
            y2, c2 = rng.choice(years), county
        if expected[(y2, c2)] != expected[(year, county)]:
            break
    return y2, c2


@dataclass
class Stats:
    loads: list[float] = field(default_factory=list)
    responses: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def paced_session(url: str, expected: dict, years: list[int], names: dict[str, str], stats: Stats,
                        rng: random.Random, start, gate: asyncio.Semaphore, interval_s: float,
                        timeout_s: float) -> None:
    """Open (at most a few at once, as people trickle in), wait for every session, then change a
    filter every `interval_s` (first change at a random point of the first interval) until the end."""
    s = None
    try:
        try:
            async with gate:
                t = time.perf_counter()
                s, last = await first_run(url, timeout_s)
                stats.loads.append((time.perf_counter() - t) * 1000)
        except Exception as exc:
            stats.errors.append(f"connect: {type(exc).__name__}: {str(exc)[:200]}")
            return
        finally:
            start.arrived()
        await start.event.wait()
        year, county = years[0], None
        due = start.deadline - start.seconds + rng.uniform(0, interval_s)
        while due < start.deadline:
            await asyncio.sleep(max(due - time.perf_counter(), 0))
            y2, c2 = _next_view(rng, expected, years, names, year, county)
            widgets = {"年度": f"{y2}年", "县区": "全部" if c2 is None else names[c2]}
            try:
                t = time.perf_counter()
                run = await s.run(widgets, last)
                stats.responses.append((time.perf_counter() - t) * 1000)
            except Exception as exc:
                stats.errors.append(f"{widgets}: {type(exc).__name__}: {str(exc)[:200]}")
                return
            if run.exceptions:
                stats.errors.append(f"{widgets}: exception {run.exceptions[0]}")
            if run.metrics.get("学校数") != expected[(y2, c2)]:
                stats.errors.append(f"{widgets}: 学校数 {run.metrics.get('学校数')}, expected {expected[(y2, c2)]}")
            year, county, last = y2, c2, run
            # The next click 5 s after this one; a person who waited longer clicks once it repaints.
            due = max(due + interval_s, time.perf_counter())
    finally:
        if s is not None:
            await s.close()


# Measuring ------------------------------------------------------------------------------------------
def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]




async def visit_every_page(url: str, times: int, timeout_s: float) -> tuple[list[str], list[str]]:
    """One session loads every page of the app `times` times; returns the pages and the errors."""
    s, run = await first_run(url, timeout_s, through_nginx=False, tap=True)
    errors = [f"/: {e}" for e in run.exceptions]
    try:
        pages = sorted(s.pages.items(), key=lambda kv: kv[1])
        for _ in range(times):
            for page_hash, path in pages:
                s.page_hash = page_hash
                run = await s.run()
                errors += [f"/{path}: {e}" for e in run.exceptions]
    finally:
        await s.close()
    return [path for _, path in pages], errors


def run_step(served: Served, sessions: int, seconds: float, interval_s: float, timeout_s: float, seed: int,
             expected, years, names) -> dict:
    from benchmarks.browser import Start, cpu_s
    from benchmarks.timing import summary

    pids = list(served.replica_pids().values())
    stats = Stats()

    class Window(Start):
        """browser.Start, recording each replica's CPU when the timed window opens."""

        def cpu(self):
            return [cpu_s([p]) for p in pids]

    async def go():
        start = Window(sessions, seconds, None)
        gate = asyncio.Semaphore(8)
        await asyncio.gather(*(paced_session(served.url, expected, years, names, stats, random.Random(seed + i),
                                             start, gate, interval_s, timeout_s) for i in range(sessions)))
        return start

    load_before, client_before = loadavg(), time.process_time()
    began = time.perf_counter()
    start = asyncio.run(go())
    ended = time.perf_counter()
    # From the window's start (every session open) to the last change's end: the first runs excluded.
    cpu_before, cpu_after = start.cpu_start or [0.0] * len(pids), [cpu_s([p]) for p in pids]
    timed_s = ended - (start.deadline - seconds) if start.deadline else 0.0
    return {"sessions": sessions, "seconds": seconds, "interval_s": interval_s,
            "connect_s": (start.deadline - seconds - began) if start.deadline else None, "timed_s": timed_s,
            "response": summary(stats.responses), "changes": len(stats.responses),
            "first_run": summary(stats.loads), "loaded": len(stats.loads),
            "replica_cpu_s": [round(b - a, 2) for a, b in zip(cpu_before, cpu_after)],
            "cpu_per_change_ms": (sum(cpu_after) - sum(cpu_before)) * 1000 / len(stats.responses)
            if stats.responses else None,
            "client_cpu_s": round(time.process_time() - client_before, 2),
            "loadavg_before": load_before, "loadavg_after": loadavg(),
            "error_count": len(stats.errors), "errors": stats.errors[:10]}


def passed(step: dict, p95_ms: float) -> bool:
    p95 = step["response"].get("p95")
    return step["error_count"] == 0 and p95 is not None and p95 < p95_ms


def measure(workers: int, data_dir: Path, steps: list[int], seconds: float, interval_s: float, p95_ms: float,
            timeout_s: float, seed: int, expected, years, names, log=print) -> dict:
    runtime = Path(tempfile.mkdtemp(prefix=f"dashboard-replicas-{workers}-"))
    env = {"DASHBOARD_DATA_DIR": str(data_dir), "DASHBOARD_USERS_FILE": str(runtime / "no-users.toml"),
           "DASHBOARD_AUDIT_LOG": str(runtime / "audit.log"), "DASHBOARD_LOGIN_STATE": str(runtime / "login_state.sqlite")}
    out: dict = {"workers": workers, "steps": []}
    with serve(workers, env, runtime / "run") as served:
        pids = served.replica_pids()
        out["rss_started_mb"] = {str(p): process_memory_mb(pid) for p, pid in pids.items()}
        errors = []
        for i in range(workers):
            out["pages"], errs = asyncio.run(visit_every_page(served.backend(i), 2, timeout_s))
            errors += errs
        out["page_errors"] = errors[:10]
        out["rss_after_pages_mb"] = {str(p): process_memory_mb(pid) for p, pid in pids.items()}
        nginx = int((served.run_dir / "nginx.pid").read_text())
        ceiling = 0
        for n in steps:
            log(f"  {workers} replica(s), {n} sessions …")
            step = run_step(served, n, seconds, interval_s, timeout_s, seed, expected, years, names)
            step["passed"] = passed(step, p95_ms)
            out["steps"].append(step)
            r = step["response"]
            log(f"    p95 {r.get('p95', float('nan')):.0f} ms, median {r.get('median', float('nan')):.0f} ms, "
                f"{step['changes']} changes, {step['error_count']} errors, load {step['loadavg_after']}")
            if not step["passed"]:
                break
            ceiling = n
        out["ceiling"] = ceiling
        out["ceiling_is_lower_bound"] = bool(out["steps"]) and out["steps"][-1]["passed"]
        out["rss_end_mb"] = {str(p): process_memory_mb(pid) for p, pid in served.replica_pids().items()}
        out["nginx_master_rss_mb"] = process_memory_mb(nginx)
    return out


def table(result: dict) -> str:
    """The side-by-side table: one column per replica count."""
    cols = result["configs"]
    lines = ["| | " + " | ".join(f"{c['workers']} 个副本" for c in cols) + " |",
             "|---|" + "---:|" * len(cols)]

    def row(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(c) for c in cols) + " |")

    def ceiling(c):
        if not c["ceiling"]:
            return f"< {result['steps'][0]}"
        return ("≥ " if c["ceiling_is_lower_bound"] else "") + str(c["ceiling"])

    row("会话上限（每 5 秒切换筛选，p95 < 1 秒）", ceiling)
    for n in sorted({s["sessions"] for c in cols for s in c["steps"]}):
        def cell(c, n=n):
            s = next((s for s in c["steps"] if s["sessions"] == n), None)
            if s is None:
                return "—"
            r = s["response"]
            return (f"p95 {r['p95']:.0f} ms，中位 {r['median']:.0f} ms，{s['changes']} 次，{s['error_count']} 错误"
                    if r.get("n") else f"{s['error_count']} 错误")
        row(f"{n} 个会话", cell)
    row("每次切换筛选的服务器 CPU（所有副本合计，首个档位）", lambda c: f"{c['steps'][0]['cpu_per_change_ms']:.0f} ms"
        if c["steps"] and c["steps"][0]["cpu_per_change_ms"] else "—")
    row("每个副本内存（各页访问两次后的 RSS）", lambda c: "，".join(f"{m.get('rss', 0):.0f} MB"
                                                    for m in c["rss_after_pages_mb"].values()))
    row("负载（前 → 后）", lambda c: f"{c['steps'][0]['loadavg_before'][0]} → {c['steps'][-1]['loadavg_after'][0]}"
        if c["steps"] else "—")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.replicas", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=PROJECT / "benchmarks" / "_data" / "replicas.json")
    ap.add_argument("--data", type=Path, default=None, help="extract to serve (default: the city-size benchmark extract)")
    ap.add_argument("--workers", default="1,2", help="replica counts to compare, e.g. 1,2")
    ap.add_argument("--steps", default="10,25,50,100,150", help="session counts to try, in increasing order")
    ap.add_argument("--seconds", type=float, default=60, help="length of each step once every session is open")
    ap.add_argument("--interval", type=float, default=5, help="seconds between one session's filter changes")
    ap.add_argument("--p95-ms", type=float, default=1000, help="the ceiling's p95 limit")
    ap.add_argument("--timeout", type=float, default=120, help="seconds one script run may take before it is an error")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    steps = sorted(int(s) for s in args.steps.split(","))
    if not all(1 <= w <= 8 for w in workers) or not all(1 <= s <= 400 for s in steps) or args.seconds > 300:
        ap.error("at most 8 replicas, 400 sessions and 300 s a step: the load stays bounded")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.data is None:
        from benchmarks import extracts

        data_dir = extracts.extract_dir(extracts.SIZES["city"], log=log)
    else:
        data_dir = args.data.resolve()
    from benchmarks.browser import expected_counts

    expected, years, names = expected_counts(data_dir)
    started = time.perf_counter()
    result = {"data": str(data_dir), "cores": os.cpu_count(), "loadavg_start": loadavg(),
              "steps": steps, "seconds": args.seconds, "interval_s": args.interval, "p95_ms": args.p95_ms,
              "configs": []}
    for w in workers:
        result["configs"].append(measure(w, data_dir, steps, args.seconds, args.interval, args.p95_ms,
                                         args.timeout, args.seed, expected, years, names, log))
    result["loadavg_end"] = loadavg()
    result["total_s"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    log(table(result))
    log(f"load average {result['loadavg_start']} → {result['loadavg_end']}; {result['total_s'] / 60:.1f} min; {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
