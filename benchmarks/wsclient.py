"""Sessions that speak Streamlit's own websocket protocol, as the browser's frontend does, without
drawing anything: the server measured alone (in a meeting each participant's browser runs on
their own computer; here Chromium tabs would share the server's two cores).

A session connects to /_stcore/stream, asks for a run (BackMsg.rerun_script) and reads the
ForwardMsgs until script_finished; a filter change is a run with the filters' widget states set
to the new options' labels. Like the frontend, the session keeps the large messages it has
received (their hashes, for two runs after last use, Streamlit's global.maxCachedMessageAge) and
tells the server, which then sends a reference instead of an element the browser already has;
`Run.bytes` counts what came over the socket.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

CACHE_AGE = 2  # runs a cached message is kept after its last use (Streamlit's default)


@dataclass
class Run:
    selectboxes: dict = field(default_factory=dict)  # label -> Selectbox element
    metrics: dict = field(default_factory=dict)      # label -> body
    exceptions: list = field(default_factory=list)
    finished: bool = False
    bytes: int = 0          # bytes received, from the request to script_finished
    messages: int = 0
    references: int = 0     # elements sent as a reference to one the session holds
    elements: dict = field(default_factory=dict)     # element type -> count
    element_bytes: dict = field(default_factory=dict)  # element type -> bytes of its messages


class Session:
    def __init__(self, url: str, timeout_s: float):
        self.url, self.timeout_s = url, timeout_s
        self.query_string = ""
        self.page_hash = ""
        self.ws = None
        self.cached: dict[str, int] = {}   # message hash -> run it was last used in
        self.bodies: dict = {}             # message hash -> the message (ForwardMsg) itself
        self.runs = 0

    async def connect(self) -> None:
        import websockets

        uri = "ws" + self.url[len("http"):] + "/_stcore/stream"
        self.ws = await websockets.connect(uri, subprotocols=["streamlit"], origin=self.url, max_size=None,
                                           open_timeout=self.timeout_s, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def set_query(self, **params) -> None:
        """Change the address's query string as a link would (None removes a parameter)."""
        q = dict(parse_qsl(self.query_string))
        for k, v in params.items():
            if v is None:
                q.pop(k, None)
            else:
                q[k] = v
        self.query_string = urlencode(q)

    async def run(self, widgets: dict[str, str] | None = None, last: Run | None = None) -> Run:
        """One script run; `widgets` maps a selectbox label to the option label to choose."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.cached_message_hashes.extend(self.cached)
        for label, value in (widgets or {}).items():
            w = state.widget_states.widgets.add()
            w.id = last.selectboxes[label].id
            w.string_value = value
        await self.ws.send(msg.SerializeToString())
        run = Run()
        self.runs += 1
        deadline = time.monotonic() + self.timeout_s
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(deadline - time.monotonic(), 0.001))
            run.bytes += len(raw)
            run.messages += 1
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "ref_hash":
                # An element the session already holds: read it from the copy kept, as the
                # frontend draws it (a select of 2,000 counties comes this way on most runs).
                run.references += 1
                self.cached[fm.ref_hash] = self.runs
                fm = self.bodies.get(fm.ref_hash)
                if fm is None:
                    continue
                kind = fm.WhichOneof("type")
            elif fm.metadata.cacheable and fm.hash:
                self.cached[fm.hash] = self.runs
                self.bodies[fm.hash] = fm
            if kind == "new_session":
                self.page_hash = fm.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                t = el.WhichOneof("type")
                run.elements[t] = run.elements.get(t, 0) + 1
                run.element_bytes[t] = run.element_bytes.get(t, 0) + len(raw)
                if t == "selectbox":
                    run.selectboxes[el.selectbox.label] = el.selectbox
                elif t == "metric":
                    run.metrics[el.metric.label] = el.metric.body
                elif t == "exception":
                    run.exceptions.append(el.exception.message[:200])
            elif kind == "script_finished":
                if fm.script_finished == fm.FINISHED_EARLY_FOR_RERUN:
                    continue
                run.finished = True
                # The frontend forgets what it has not used for CACHE_AGE runs.
                self.cached = {h: r for h, r in self.cached.items() if self.runs - r < CACHE_AGE}
                self.bodies = {h: m for h, m in self.bodies.items() if h in self.cached}
                return run


async def session_loop(url: str, expected: dict, years: list[int], names: dict[str, str], stats, rng: random.Random,
                       start, timeout_s: float) -> None:
    """Connect, first run, wait for everyone, then change the county or the year until the time is up."""
    s = Session(url, timeout_s)
    try:
        t = time.perf_counter()
        try:
            await s.connect()
            last = await s.run()
            stats.loads.append((time.perf_counter() - t) * 1000)
        except Exception as exc:
            stats.errors.append(f"connect: {type(exc).__name__}: {str(exc)[:200]}")
            return
        finally:
            start.arrived()
        await start.event.wait()
        year, county = years[0], None
        while time.perf_counter() < start.deadline:
            for _ in range(50):
                if rng.random() < 0.7:
                    y2, c2 = year, rng.choice([None, *names]) if county is not None else rng.choice(list(names))
                else:
                    y2, c2 = rng.choice(years), county
                if expected[(y2, c2)] != expected[(year, county)]:
                    break
            widgets = {"年度": f"{y2}年", "县区": "全部" if c2 is None else names[c2]}
            try:
                t = time.perf_counter()
                run = await s.run(widgets, last)
                stats.repaints.append((time.perf_counter() - t) * 1000)
            except Exception as exc:
                stats.errors.append(f"{widgets}: {type(exc).__name__}: {str(exc)[:200]}")
                return
            if run.exceptions:
                stats.errors.append(f"{widgets}: exception {run.exceptions[0]}")
            shown = run.metrics.get("学校数")
            if shown != expected[(y2, c2)]:
                stats.errors.append(f"{widgets}: 学校数 {shown}, expected {expected[(y2, c2)]}")
            year, county, last = y2, c2, run
    finally:
        await s.close()
