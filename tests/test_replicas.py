"""Two replicas behind nginx on loopback (scripts/serve.sh --workers 2): both answer, new sessions
land on both, a session's requests and its websocket keep going to one process, the page loads and
filters in Chromium through nginx (the websocket upgrade), a new publish reaches every replica on
its next run, and serve.sh stops everything it started.

Which process holds a session is read two ways: nginx's access log (the upstream of each request)
and Streamlit itself, which resumes a session only in the process that holds it (a websocket
that names a session id the process does not know gets a new session)."""
import asyncio
import concurrent.futures
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from benchmarks.replicas import SERVE, first_run, free_ports, http_get, route_cookie, serve
from dashboard.ingest import versions
from tests import handmade as h
from tests.browser_support import metric, wait_for_app

PROJECT = Path(__file__).resolve().parent.parent
S7 = "2161000007"  # a school added by the second publish: 商州区, opened in 2024


def run_async(coro):
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def wait_for(check, timeout: float = 60, what: str = "condition"):
    """check()'s first truthy value, polled until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def with_a_new_school() -> dict[str, pd.DataFrame]:
    """The hand-made extract plus S7 (open from 2024, in the joint O2): 2024 has 6 schools, 2023 still 5."""
    t = h.build_tables()
    s, sy = t["schools"], t["school_years"]
    t["schools"] = pd.concat([s, pd.DataFrame([(S7, "庚小学", h.SHANGZHOU, "沙河子镇", "小学", "公办", "乡村", 2024, None)],
                                              columns=s.columns)], ignore_index=True)
    t["schools"]["closed_year"] = t["schools"]["closed_year"].astype("Int64")
    t["school_years"] = pd.concat([sy, pd.DataFrame([(S7, 2024, 15, 120, "联合建立", "O2")], columns=sy.columns)],
                                  ignore_index=True)
    return t


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A data root with one published version (the hand-made extract) behind its `current` link."""
    d = tmp_path_factory.mktemp("published")
    versions.publish(h.build_tables(), d, sources=["handmade"])
    return d


@pytest.fixture(scope="module")
def served(root, tmp_path_factory):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail("副本测试需要 nginx：bash scripts/setup.sh --system")
    with serve(2, {"DASHBOARD_DATA_DIR": str(root)}, tmp_path_factory.mktemp("serve")) as s:
        yield s


def upstreams(served, cookie: str, path: str | None = None, count: int = 1) -> list[str]:
    """The replicas that answered the requests sent with this affinity cookie (to `path`), once at
    least `count` are logged (nginx logs a websocket when it closes)."""
    def logged():
        rows = [r for r in served.access_log() if r["cookie"] == cookie and (path is None or r["path"] == path)]
        return rows if len(rows) >= count else None
    return [r["upstream"] for r in wait_for(logged, what=f"{count} logged requests with cookie {cookie} to {path}")]


def test_both_replicas_answer_and_each_browser_keeps_its_replica(served):
    for i in range(2):
        assert http_get(f"{served.backend(i)}/_stcore/health")[:2] == (200, "ok")
    assigned = []
    for _ in range(6):
        status, body, set_cookies = http_get(served.url + "/")
        assert status == 200 and "<html" in body.lower()
        cookie = route_cookie(set_cookies)
        assert cookie in ("r1", "r2")
        assigned.append(cookie)
        for _ in range(2):  # a returning browser keeps its cookie: nothing new is set
            status, _, again = http_get(f"{served.url}/_stcore/health", cookie=cookie)
            assert status == 200 and route_cookie(again) is None
    # New browsers are given the replicas in turn, or the one not still answering an earlier first
    # visit: either way both get some of six.
    assert set(assigned) == {"r1", "r2"}
    first_visits = [r for r in served.access_log() if r["cookie"] == "-" and r["path"] == "/"][-6:]
    # The cookie names the replica that answered the first visit, and every later request goes there.
    assert [r["upstream"] for r in first_visits] == [served.replica_of(c) for c in assigned]
    for c in ("r1", "r2"):
        assert set(upstreams(served, c, "/_stcore/health", count=2 * assigned.count(c))) == {served.replica_of(c)}
    assert served.replica_of("r1") != served.replica_of("r2")


def test_a_cookie_naming_no_replica_gets_one(served):
    status, _, set_cookies = http_get(served.url + "/", cookie="r9")
    assert status == 200 and route_cookie(set_cookies) in ("r1", "r2")


def test_a_websocket_session_stays_on_its_replica(served):
    async def go():
        s, run = await first_run(served.url, 60, tap=True)
        await s.close()
        assert run.metrics.get("学校数") and not run.exceptions
        cookie, session = s.cookie, s.session_id
        assert cookie and session
        # Reconnecting through nginx with the cookie resumes the same session: the same process.
        for _ in range(5):
            again, _ = await first_run(served.url, 60, tap=True, cookie=cookie, resume=session)
            await again.close()
            assert again.session_id == session
        return cookie, session

    cookie, session = run_async(go())
    owner = served.replica_of(cookie)
    streams = [r for r in served.access_log() if r["cookie"] == cookie and r["path"] == "/_stcore/stream"]
    assert set(upstreams(served, cookie, "/_stcore/stream", count=6)) == {owner}
    assert all(r["status"] == "101" and r["tried"] == owner for r in streams)

    async def direct(i: int) -> str:
        s, _ = await first_run(served.backend(i), 60, through_nginx=False, tap=True, resume=session)
        await s.close()
        return s.session_id

    # The check can fail: the other process does not know the session and starts a new one.
    i_owner = int(cookie[1:]) - 1
    assert run_async(direct(1 - i_owner)) != session
    assert run_async(direct(i_owner)) == session


@pytest.mark.browser
def test_the_dashboard_loads_and_filters_through_nginx(served, page):
    page.goto(f"{served.url}/?year=2023年")
    wait_for_app(page)
    assert metric(page, "学校数") == "5所"
    page.locator("input[role=combobox][aria-label='县区']").click()
    page.get_by_role("option", name="山阳县", exact=True).click()
    page.wait_for_function("() => location.search.includes('county=')", timeout=30_000)
    wait_for_app(page)
    assert metric(page, "学校数") == "2所"  # the filter change went over the websocket, through nginx
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "dashboard_route")
    page.context.close()
    assert upstreams(served, cookie, "/_stcore/stream")  # logged once the tab's websocket closed
    assert all(r["status"] == "101" for r in served.access_log() if r["cookie"] == cookie and r["path"] == "/_stcore/stream")


@pytest.mark.browser
def test_an_upload_goes_to_the_replica_that_holds_the_session(served, page, tmp_path):
    """An upload is an HTTP request of its own, addressed to the session: it must reach the
    process that holds the session, or the page never sees the file."""
    page.goto(f"{served.url}/data_admin")
    wait_for_app(page)
    check = page.get_by_role("button", name="检查文件")
    expect(check).to_be_disabled()
    upload = tmp_path / "行政区划.csv"
    upload.write_text("county_code,county_name\n", encoding="utf-8")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(upload))
    expect(check).to_be_enabled(timeout=30_000)  # the session's next run saw the uploaded file
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "dashboard_route")
    page.context.close()
    stream = upstreams(served, cookie, "/_stcore/stream")
    puts = [r for r in served.access_log() if r["cookie"] == cookie and r["method"] == "PUT"]
    assert puts and all(r["status"].startswith("2") for r in puts)
    assert {r["upstream"] for r in puts} == set(stream)


def test_a_new_publish_is_served_by_every_replica_on_its_next_run(served, root):
    async def go():
        view = {"年度": "2024年", "县区": "全部"}
        sessions, before = [], []
        for i in range(2):  # one open session on each replica, on its own port
            s, first = await first_run(served.backend(i), 60, through_nginx=False)
            run = await s.run(view, first)
            before.append(run.metrics.get("学校数"))
            sessions.append((s, run))
        versions.publish(with_a_new_school(), root, sources=["with S7"])
        after = []
        for s, last in sessions:  # the same sessions, the same view: their next run
            run = await s.run(view, last)
            after.append(run.metrics.get("学校数"))
            await s.close()
        return before, after

    before, after = run_async(go())
    assert before == ["5所", "5所"]  # 2024 in the hand-made extract
    assert after == ["6所", "6所"]   # and with S7


def test_a_replica_that_dies_is_started_again_and_its_users_move_meanwhile(served):
    before = served.replica_pids()
    port = served.ports[0]
    # serve.sh paused, so the dead replica stays dead while its users are checked.
    os.kill(served.proc.pid, signal.SIGSTOP)
    try:
        os.kill(before[port], signal.SIGKILL)
        wait_for(lambda: not _healthy(served.backend(0)), what="the replica to go")
        status, _, set_cookies = http_get(served.url + "/", cookie="r1")
        assert status == 200 and route_cookie(set_cookies) == "r2"  # answered by r2, and the cookie follows
    finally:
        os.kill(served.proc.pid, signal.SIGCONT)
    after = wait_for(lambda: (p := served.replica_pids().get(port)) and p != before[port] and p, what="a new replica")
    wait_for(lambda: _healthy(served.backend(0)), timeout=120, what="the new replica's health")
    assert served.replica_pids()[served.ports[1]] == before[served.ports[1]]  # the other one untouched
    assert after != before[port]


def _healthy(url: str) -> bool:
    try:
        return http_get(f"{url}/_stcore/health", timeout=2)[0] == 200
    except OSError:
        return False


def _serve_sh(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SERVE), *args], cwd=PROJECT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "DASHBOARD_PYTHON": sys.executable}, start_new_session=True)


def test_serve_refuses_bad_arguments(tmp_path):
    r = _serve_sh("--workers", "0", "--run-dir", str(tmp_path))
    assert r.returncode == 2 and "--workers 应为 1 到 32 之间的整数" in r.stderr
    r = _serve_sh("--workers", "2", "--backend-ports", "9001", "--run-dir", str(tmp_path))
    assert r.returncode == 2 and "--backend-ports 给出 1 个端口" in r.stderr


def test_one_serve_per_runtime_directory(served):
    r = _serve_sh("--workers", "1", "--port", str(free_ports(1)[0]), "--run-dir", str(served.run_dir))
    assert r.returncode == 2 and "另一个 serve.sh 正在使用运行目录" in r.stderr
    assert _healthy(served.url)  # the one running is untouched


def test_a_replica_that_cannot_start_stops_everything(tmp_path, root):
    public, free = free_ports(2)
    with socket.socket() as busy:  # the first replica's port is taken
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        proc = subprocess.Popen(
            ["bash", str(SERVE), "--workers", "2", "--port", str(public), "--backend-ports", f"{taken},{free}",
             "--run-dir", str(tmp_path)], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "DASHBOARD_PYTHON": sys.executable, "DASHBOARD_DATA_DIR": str(root)},
            start_new_session=True)
        try:
            _, err = proc.communicate(timeout=180)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1 and f"副本 1（端口 {taken}）启动失败" in err
    # The replica that did start was stopped with it: nothing is left in serve.sh's process group.
    wait_for(lambda: not _group_alive(proc.pid), timeout=30, what="serve.sh's processes to end")
    assert not (tmp_path / "nginx.pid").exists()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
