"""Settings in one place, read from the environment so a deployment needs no code change."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def data_dir() -> Path:
    """The extract the app opens: data/ unless DASHBOARD_DATA_DIR says otherwise."""
    return Path(os.environ.get("DASHBOARD_DATA_DIR") or PROJECT_DIR / "data")


# The demo extract carries this marker file so every page can say the data is fictional.
DEMO_MARKER = "DEMO"

# Default city shown in titles when regions hold one city.
APP_TITLE = "中小学校党建数据看板"
