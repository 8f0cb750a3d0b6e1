"""Settings in one place, read from the environment so a deployment needs no code change."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = Path(__file__).resolve().parent / "queries"


# An import publishes versions under the data root and points this link at the one in use
# (dashboard/ingest/versions.py); a root without it is an extract itself, like the demo in data/.
CURRENT_LINK = "current"


def data_root() -> Path:
    """Where extracts live: data/ unless DASHBOARD_DATA_DIR says otherwise."""
    return Path(os.environ.get("DASHBOARD_DATA_DIR") or PROJECT_DIR / "data")


def data_dir(root: Path | str | None = None) -> Path:
    """The extract the app opens: the root's current version when imports have published one,
    else the root itself. Resolved to the version's own directory, so a connection opened on it
    keeps reading one version, and its path (part of db.extract_version) changes on each publish."""
    root = Path(root) if root is not None else data_root()
    link = root / CURRENT_LINK
    return link.resolve() if link.exists() else root


# The demo extract carries this marker file so every page can say the data is fictional.
DEMO_MARKER = "DEMO"

# Default city shown in titles when regions hold one city.
APP_TITLE = "中小学校党建数据看板"
