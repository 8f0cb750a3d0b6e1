"""Serving the app and driving Debian's Chromium, for the browser tests and the load benchmark."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_process(env: dict[str, str | None], timeout: float = 60, script: str | Path = "app.py",
                   args: tuple[str, ...] = (), log_path: Path | None = None):
    """`streamlit run app.py` (or another script, run with the project importable) on a free
    loopback port with these environment changes (None removes a variable) and extra options;
    yields (base URL, process) once it answers its health check."""
    port = free_port()
    if log_path is None:
        log_path = ARTIFACTS / f"streamlit-{port}.log" if ARTIFACTS.exists() else Path(os.devnull)
    full = {**os.environ, "PYTHONPATH": str(PROJECT)}
    for k, v in env.items():
        if v is None:
            full.pop(k, None)
        else:
            full[k] = v
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
        cwd=PROJECT, env=full, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit {proc.poll()}); its output: {log_path}")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def served_app(env: dict[str, str | None], timeout: float = 60, script: str | Path = "app.py"):
    """served_process, yielding the base URL only."""
    with served_process(env, timeout, script) as (url, _):
        yield url


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError("浏览器测试需要 Debian 的 chromium:apt-get install -y chromium fonts-noto-cjk")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Until the script has finished running: Streamlit shows a status widget while it runs."""
    page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') "
        "&& document.querySelectorAll('[data-testid=stMetric], [data-testid=stAlert], h1').length > 0",
        timeout=timeout)
    page.wait_for_timeout(300)


def metric(page, label_start: str) -> str:
    """The value of the first metric card whose label starts with `label_start`."""
    card = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=label_start)).first
    return card.locator("[data-testid=stMetricValue]").inner_text().strip()


def shown_text(value: str) -> str:
    """What a Markdown string shows: the backslash escapes that keep data literal removed."""
    import re

    return re.sub(r"\\(.)", r"\1", value)


def paragraph_of(at) -> str:
    """The generated paragraph of an AppTest run (the overview's), as it reads on the page."""
    return next(shown_text(m.value) for m in at.markdown if shown_text(m.value).startswith("截至"))
