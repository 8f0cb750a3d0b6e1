"""Nothing reaches out (issue 11 §7, issue 16 §5): the server, started as a bureau starts it, looks up
no outside host (Streamlit asks checkip.amazonaws.com for the external address unless told the
address), and Chromium, loading every page of the demo, requests nothing from any host but the
dashboard's own (the page icon once came from fonts.gstatic.com).

The server runs with a sitecustomize hook that writes down every host name it resolves and every
TCP connection it opens to a non-loopback address."""
from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from dashboard import config
from tests.browser_support import ARTIFACTS, free_port, wait_for_app

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

_HOOK = r'''
import ipaddress, json, os, socket
_LOG = os.environ["DASHBOARD_TEST_NETWORK_LOG"]
_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}

def _local(host):
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host.lower() in _NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified

def _note(kind, host):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps([kind, str(host)]) + "\n")

_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        _note("resolve", host)
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo

def _wrap(method):
    def connect(self, address):
        # A UDP "connect" sends nothing (Streamlit uses one to learn its own LAN address).
        if self.type == socket.SOCK_STREAM and self.family in (socket.AF_INET, socket.AF_INET6) \
                and not _local(address[0]):
            _note("connect", address[0])
        return method(self, address)
    return connect
socket.socket.connect = _wrap(socket.socket.connect)
socket.socket.connect_ex = _wrap(socket.socket.connect_ex)
'''


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def _serve(d, env_extra: dict[str, str]):
    """`streamlit run app.py` with the project's .streamlit/config.toml and no address given, as
    scripts/run.sh starts it, on the demo data, with the network hook."""
    (d / "hook").mkdir()
    (d / "hook" / "sitecustomize.py").write_text(_HOOK, encoding="utf-8")
    network_log = d / "network.log"
    output = d / "streamlit.log"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(d / "hook"), str(config.PROJECT_DIR)]),
           "DASHBOARD_TEST_NETWORK_LOG": str(network_log), "DASHBOARD_DATA_DIR": str(config.PROJECT_DIR / "data"),
           "DASHBOARD_AUTH": "auto", **env_extra}
    with open(output, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                                cwd=config.PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        # Up, and past the start-up banner (the external address is looked up just before it).
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and "You can now view" in output.read_text(errors="replace"):
                        break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit {proc.poll()}):\n{output.read_text()[-2000:]}")
            time.sleep(0.2)
        yield type("Server", (), {"url": url, "network_log": network_log, "output": output})
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if ARTIFACTS.exists():
            (ARTIFACTS / f"closed-network-{d.name}.log").write_text(output.read_text(errors="replace"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Login off: every page, 数据管理 included."""
    d = tmp_path_factory.mktemp("closed-network")
    with _serve(d, {"DASHBOARD_USERS_FILE": str(d / "no-users.toml")}) as s:
        yield s


@pytest.fixture(scope="module")
def screen_server(tmp_path_factory):
    """Login on, and a screen link for the meeting screen (the way a bureau runs one)."""
    from dashboard import auth
    from tests.access_support import write_users

    d = tmp_path_factory.mktemp("closed-network-screen")
    write_users(d / "users.toml")
    state = d / "var" / "login_state.sqlite"
    _, token = auth.ScreenLinks(state.parent / "screen_links.json").issue("会议室", [], "test")
    with _serve(d, {"DASHBOARD_USERS_FILE": str(d / "users.toml"), "DASHBOARD_LOGIN_STATE": str(state),
                    "DASHBOARD_AUDIT_LOG": str(d / "audit.log")}) as s:
        s.token = token
        yield s


def outside_contacts(server) -> list:
    if not server.network_log.exists():
        return []
    return [json.loads(line) for line in server.network_log.read_text(encoding="utf-8").splitlines()]


def test_the_server_starts_without_looking_anything_up_outside(server):
    assert outside_contacts(server) == []
    assert "External URL" not in server.output.read_text(errors="replace")


def page_addresses() -> list[str]:
    """Every page file is a page, at its file name (the default page at /); a new page joins here."""
    pages = sorted(p.stem for p in (config.PROJECT_DIR / "dashboard" / "pages").glob("*.py"))
    return ["/" if stem == "overview" else f"/{stem}" for stem in pages]


def watched_context(browser, width: int, height: int):
    """A browser context and the list it fills with every request to a host not on loopback."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    outside: list[str] = []

    def seen(req) -> None:
        parts = urllib.parse.urlsplit(req.url)
        if not is_loopback(parts.hostname or "") and parts.scheme not in ("data", "blob", "about"):
            outside.append(req.url)

    context.on("request", seen)
    return context, outside


@pytest.mark.browser
def test_every_page_requests_only_the_dashboards_own_server(server, browser):
    context, outside = watched_context(browser, 1366, 768)
    page = context.new_page()
    try:
        icons = set()
        for address in page_addresses():
            page.goto(server.url + address)
            wait_for_app(page, timeout=60_000)
            # Wait for every image, font and icon the page asked for, then for the favicon Streamlit
            # sets once the page config arrives (browsers may fetch it outside the page's requests).
            page.wait_for_load_state("networkidle", timeout=60_000)
            page.wait_for_function("() => document.querySelector(\"link[rel='shortcut icon']\") !== null")
            icons.add(page.eval_on_selector("link[rel='shortcut icon']", "e => e.href"))
            assert outside == [], f"{address} requested {outside}"
        for href in icons:
            parts = urllib.parse.urlsplit(href)
            assert parts.scheme == "data" or is_loopback(parts.hostname or ""), href
    finally:
        context.close()
    assert outside_contacts(server) == []   # and the server reached nowhere while serving them


@pytest.mark.browser
def test_the_screen_opened_with_a_screen_link_requests_only_the_dashboards_own_server(screen_server, browser):
    context, outside = watched_context(browser, 1920, 1080)
    page = context.new_page()
    try:
        page.goto(f"{screen_server.url}/screen?screen_token={screen_server.token}")
        wait_for_app(page, timeout=60_000)
        # The screen itself, not the login page: its tiles and its map.
        page.wait_for_selector(".scr-tiles", timeout=60_000)
        page.wait_for_selector(".st-key-screen_map .js-plotly-plot svg.main-svg", timeout=60_000)
        page.wait_for_load_state("networkidle", timeout=60_000)
        assert outside == [], outside
    finally:
        context.close()
    assert outside_contacts(screen_server) == []
