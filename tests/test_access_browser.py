"""Access control in Debian's Chromium against `streamlit run app.py` with a users file: a 山阳县
user logs in, sees only 山阳县 by every route (pages, edited URLs, another county's school, the
数据管理 address), and logs out; a 市级 user sees the whole city; a wrong password is refused; five
failures lock the name. Screenshots go to test-artifacts/."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from dashboard import audit
from tests import handmade as h
from tests.access_support import PASSWORDS, SHANGZHOU_MARKERS, write_users
from tests.browser_support import ARTIFACTS, metric, served_app, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(handmade_dir, tmp_path_factory):
    d = tmp_path_factory.mktemp("browser-access")
    write_users(d / "users.toml")
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"DASHBOARD_DATA_DIR": str(handmade_dir), "DASHBOARD_USERS_FILE": str(d / "users.toml"),
           "DASHBOARD_AUDIT_LOG": str(d / "audit.log"), "DASHBOARD_LOGIN_STATE": str(d / "login_state.sqlite"),
           "DASHBOARD_LOGIN_DELAY_SECONDS": "0", "DASHBOARD_AUTH": "auto"}
    with served_app(env) as url:
        yield type("Site", (), {"url": url, "audit": d / "audit.log"})


def login_form(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("input[type=password]", timeout=30_000)


def submit(page, name: str, password: str) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def log_in(page, url: str, name: str) -> None:
    """Open a URL (each is a new page load, so a new session) and log in."""
    login_form(page, url)
    submit(page, name, PASSWORDS[name])
    page.wait_for_selector("[data-testid=stSidebar] >> text=当前用户", timeout=30_000)
    wait_for_app(page)


def county_options(page) -> list[str]:
    page.locator("input[role=combobox][aria-label='县区']").click()
    page.get_by_role("option").first.wait_for()  # all_inner_texts() does not wait for the list to open
    options = [o.strip() for o in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return options


def assert_no_shangzhou(page, where: str) -> None:
    text = page.locator("body").inner_text()
    leaked = [m for m in SHANGZHOU_MARKERS if m in text]
    assert not leaked, f"{where} shows {leaked}"


def events(site) -> list[dict]:
    return audit.read(site.audit)


def test_county_user_logs_in_sees_only_own_county_and_logs_out(site, page):
    login_form(page, f"{site.url}/?year=2023年")
    assert page.locator("[data-testid=stMetric]").count() == 0
    page.screenshot(path=ARTIFACTS / "access-login.png")
    submit(page, "shanyang", PASSWORDS["shanyang"])
    page.wait_for_selector("[data-testid=stSidebar] >> text=当前用户", timeout=30_000)
    wait_for_app(page)
    assert metric(page, "学校数") == "2所"
    assert metric(page, "党员数") == "10名"
    assert "当前用户：shanyang（县区 · 山阳县）" in page.locator("[data-testid=stSidebar]").inner_text()
    assert county_options(page) == ["全部", "山阳县"]
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "数据管理" not in nav and "总览" in nav
    assert_no_shangzhou(page, "overview")
    page.screenshot(path=ARTIFACTS / "access-county-user.png", full_page=True)
    for slug, title in (("coverage", "组织覆盖"), ("members", "党员发展"), ("action_lists", "问题清单")):
        page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()
        page.wait_for_url(f"**/{slug}**")
        wait_for_app(page)
        assert_no_shangzhou(page, slug)
    assert metric(page, "换届已逾期") == "0个"
    page.get_by_role("button", name=re.compile("退出登录")).click()
    page.wait_for_selector("input[type=password]", timeout=30_000)
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    assert page.locator("[data-testid=stMetric]").count() == 0
    kinds = [(e["event"], e.get("user")) for e in events(site)]
    assert ("login", "shanyang") in kinds and ("logout", "shanyang") in kinds


def test_county_user_cannot_reach_other_counties_by_url(site, page):
    # A shared link to another county: after login, the same page, the county filter dropped.
    log_in(page, f"{site.url}/coverage?year=2023年&county=商州区&township=沙河子镇", "shanyang")
    assert page.locator("h1").first.inner_text().strip() == "组织覆盖"
    assert metric(page, "学校数") == "2所" and metric(page, "党组织覆盖率") == "50.0%"
    assert "county=" not in page.url
    assert_no_shangzhou(page, "coverage with county=商州区")
    page.screenshot(path=ARTIFACTS / "access-url-tampered.png", full_page=True)
    # A table's download: made on click, for 山阳县 only, and recorded in the audit log.
    button = page.get_by_role("button", name="下载 CSV").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    text = open(download.path(), encoding="utf-8-sig").read()
    assert download.suggested_filename == "各乡镇（街道）党组织覆盖情况_2023年_山阳县.csv"
    lines = text.splitlines()   # its townships and the county's 合计 (S4 in 城关街道, S5 in 高坝店镇)
    assert [line.split(",")[0] for line in lines[1:]] == ["城关街道", "高坝店镇", "合计"]
    assert lines[3].startswith("合计,2,1,")
    assert not [m for m in SHANGZHOU_MARKERS if m in text]
    made = [e for e in events(site) if e["event"] == "download"]
    assert made and made[-1]["user"] == "shanyang" and made[-1]["scope"]["visible"] == [h.SHANYANG]
    # Another county's school.
    log_in(page, f"{site.url}/school_profile?school={h.S1}", "shanyang")
    expect(page.get_by_text("未找到该学校，或您无权查看该学校所在县区的数据。")).to_be_visible()
    assert_no_shangzhou(page, "school profile of S1")
    page.screenshot(path=ARTIFACTS / "access-other-school.png")
    # The data administration page is not there for a county user.
    log_in(page, f"{site.url}/data_admin", "shanyang")
    assert page.locator("h1").first.inner_text().strip() != "数据管理"
    assert page.get_by_role("tab", name="导入数据").count() == 0
    assert_no_shangzhou(page, "data_admin address")


def test_city_user_sees_the_whole_city(site, page):
    log_in(page, f"{site.url}/?year=2023年", "city")
    assert metric(page, "学校数") == "5所"
    assert county_options(page) == ["全部", "商州区", "山阳县"]
    assert "当前用户：city（市级 · 全部县区）" in page.locator("[data-testid=stSidebar]").inner_text()
    assert "数据管理" not in page.locator("[data-testid=stSidebarNav]").inner_text()
    page.screenshot(path=ARTIFACTS / "access-city-user.png", full_page=True)


def test_admin_has_data_admin(site, page):
    log_in(page, f"{site.url}/?year=2023年", "admin")
    assert "数据管理" in page.locator("[data-testid=stSidebarNav]").inner_text()


def test_wrong_password(site, page):
    login_form(page, f"{site.url}/")
    submit(page, "city", "not-the-password")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible(timeout=30_000)
    assert page.locator("[data-testid=stMetric]").count() == 0
    page.screenshot(path=ARTIFACTS / "access-wrong-password.png")
    assert any(e["event"] == "login_failed" and e.get("name") == "city" for e in events(site))
    assert "not-the-password" not in site.audit.read_text(encoding="utf-8")


def test_lock_out_after_five_failures(site, page, browser):
    login_form(page, f"{site.url}/")
    for i in range(5):
        submit(page, "admin", f"wrong-password-{i}")
        # One attempt at a time, as a person types: wait until the server has recorded this one.
        deadline = time.monotonic() + 30
        while len([e for e in events(site) if e.get("name") == "admin"]) < i + 1:
            assert time.monotonic() < deadline, "the attempt was not recorded"
            time.sleep(0.1)
        wait_for_app(page)
    expect(page.get_by_text("已被锁定")).to_be_visible(timeout=30_000)
    page.screenshot(path=ARTIFACTS / "access-locked.png")
    # The right password, from another browser: still locked, as the count is kept by the server.
    other = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    login_form(other, f"{site.url}/")
    submit(other, "admin", PASSWORDS["admin"])
    expect(other.get_by_text("已被锁定")).to_be_visible(timeout=30_000)
    assert other.locator("[data-testid=stMetric]").count() == 0
    other.context.close()
    kinds = [e["event"] for e in events(site) if e.get("name") == "admin"]
    assert kinds == ["login_failed"] * 4 + ["lockout", "login_refused"]
