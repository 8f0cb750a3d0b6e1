import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config, db
from dashboard.scope import Scope
from tests import handmade

BOTH = (handmade.SHANGZHOU, handmade.SHANYANG)


def run_page(page: str, timeout: float = 30, **params) -> AppTest:
    """A page of the app run once in AppTest with these address parameters, no exception raised
    (the data directory is whatever DASHBOARD_DATA_DIR says)."""
    at = AppTest.from_file(str(config.PROJECT_DIR / "app.py"), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"dashboard/pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="session", autouse=True)
def _runtime_files_outside_the_project(tmp_path_factory):
    """No test reads the deployment's users file (which would switch login on for the page tests)
    or writes its audit log or login state; tests that need them set their own paths."""
    d = tmp_path_factory.mktemp("runtime")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_USERS_FILE", str(d / "no-users.toml"))
        mp.setenv("DASHBOARD_AUDIT_LOG", str(d / "audit.log"))
        mp.setenv("DASHBOARD_LOGIN_STATE", str(d / "login_state.sqlite"))
        mp.delenv("DASHBOARD_AUTH", raising=False)
        yield d


@pytest.fixture(scope="session")
def handmade_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("handmade")
    handmade.write(d)
    return d


@pytest.fixture(scope="session")
def get(handmade_dir):
    """Run a query on the hand-made extract: get(name, scope, **extra)."""
    return db.runner(db.open_extract(handmade_dir))


def scope(year, **kw):
    """A scope on the hand-made extract; a user who sees both its counties sees all of it."""
    visible = tuple(kw.pop("visible", BOTH))
    return Scope(year=year, visible_counties=visible, all_visible=set(visible) >= set(BOTH), **kw)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, for the browser tests of a module."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()
