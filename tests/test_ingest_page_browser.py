"""数据管理 in Chromium (issue 11 §3): uploading the dimension bomb that used to kill the whole
server gives the Chinese refusal, and a check whose child process runs out of memory says so;
each time the server keeps answering (its health endpoint and another page)."""
from __future__ import annotations

import urllib.request

import pytest

from dashboard.ingest import limits, templates
from tests import forge, handmade
from tests.browser_support import ARTIFACTS, served_app, wait_for_app

pytestmark = pytest.mark.browser


def _root(tmp_path):
    root = tmp_path / "root"
    handmade.write(root)
    return root


def _check(page, server: str, path) -> None:
    page.goto(f"{server}/data_admin")
    wait_for_app(page)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text(path.name, exact=True).wait_for(timeout=60_000)   # listed under the uploader
    page.get_by_role("button", name="检查文件").click()


def _still_serving(page, server: str) -> None:
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=10) as r:
        assert r.status == 200 and r.read().strip() == b"ok"
    page.goto(f"{server}/?year=2023年")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "总览"


def test_the_dimension_bomb_is_refused_and_the_server_keeps_serving(tmp_path, page):
    ARTIFACTS.mkdir(exist_ok=True)
    bomb = tmp_path / "学校.xlsx"
    bomb.write_bytes(forge.dimension_bomb())
    with served_app({"DASHBOARD_DATA_DIR": str(_root(tmp_path))}) as server:
        _check(page, server, bomb)
        message = "文件“学校.xlsx”工作表“Sheet1”声明的范围为 A1:XFD1048576（16384列），超过上限256列，未读取"
        page.locator("[data-testid=stAlert]", has_text=message).wait_for(timeout=120_000)
        assert page.locator("[data-testid=stAlert]", has_text="不能发布").count() == 1
        page.screenshot(path=ARTIFACTS / "import-dimension-bomb.png", full_page=True)
        _still_serving(page, server)


def test_a_check_that_runs_out_of_memory_is_stopped_and_the_server_keeps_serving(tmp_path, page):
    """A ceiling below what Python and the libraries take (300 MB): every check's child stops."""
    [upload] = templates.export_tables({"schools": handmade.build_tables()["schools"]}, tmp_path / "up")
    env = {"DASHBOARD_DATA_DIR": str(_root(tmp_path)), limits.MEMORY_ENV: "300"}
    with served_app(env) as server:
        _check(page, server, upload)
        message = "导入进程占用内存超过上限300 MB，已终止，未做任何改动；看板其他功能不受影响。"
        page.locator("[data-testid=stAlert]", has_text=message).wait_for(timeout=120_000)
        assert page.get_by_text("检查未完成").count() >= 1
        _still_serving(page, server)
