import pytest

from dashboard import db
from dashboard.scope import Scope
from tests import handmade

BOTH = (handmade.SHANGZHOU, handmade.SHANYANG)


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
    return Scope(year=year, visible_counties=kw.pop("visible", BOTH), **kw)
