"""Settings in one place, read from the environment so a deployment needs no code change."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = Path(__file__).resolve().parent / "queries"
MODELS_DIR = Path(__file__).resolve().parent / "models"


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


def issuer(city: str | None, county: str | None = None) -> str:
    """The unit that signs the written report (its 落款), e.g. "商洛市教育局党工委": set once for a
    deployment in DASHBOARD_ISSUER; without it the bureau of the report's own region ("山阳县教育局"
    for one county, "商洛市教育局" for a city), or a neutral name when the report spans cities."""
    configured = (os.environ.get("DASHBOARD_ISSUER") or "").strip()
    if configured:
        return configured
    place = county or city
    return f"{place}教育局" if place else "教育行政部门"


# Access control (docs/access-control.md) ---------------------------------------------------------
# The users file, the audit log and the login state are runtime files: each defaults to a path the
# repository ignores, so no account, hash or log line can be committed by accident.
AUTH_MODES = ("auto", "local", "oidc")


@dataclass(frozen=True)
class AccessSettings:
    mode: str                  # auto: login when the users file exists; local: always; oidc: st.login
    users_file: Path
    audit_log: Path
    login_state: Path          # failed-login counts and lock-outs, shared by every session and kept on restart
    idle_minutes: float        # a session untouched this long is logged out
    max_failures: int          # consecutive failures for a name before it is locked
    lock_minutes: float
    delay_seconds: float       # after the 2nd failure the next try waits this long, doubling each time
    oidc_provider: str | None  # the [auth.<name>] section of secrets.toml; None for a plain [auth]
    oidc_role_claim: str       # claim holding the role (a string or a list such as groups/roles)
    oidc_counties_claim: str   # claim holding the county codes (a list or "611024,611021")


def _env_number(name: str, default: float, minimum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"环境变量 {name} 应为数字，实际为 {raw!r}") from None
    if value < minimum:
        raise ValueError(f"环境变量 {name} 不能小于 {minimum}，实际为 {raw!r}")
    return value


def access_settings() -> AccessSettings:
    """Read on every call, so a test or a restart picks up a changed environment."""
    mode = (os.environ.get("DASHBOARD_AUTH") or "auto").strip().lower()
    if mode not in AUTH_MODES:
        raise ValueError(f"环境变量 DASHBOARD_AUTH 应为 {'/'.join(AUTH_MODES)} 之一，实际为 {mode!r}")
    return AccessSettings(
        mode=mode,
        users_file=Path(os.environ.get("DASHBOARD_USERS_FILE") or PROJECT_DIR / "users.toml"),
        audit_log=Path(os.environ.get("DASHBOARD_AUDIT_LOG") or PROJECT_DIR / "audit.log"),
        login_state=Path(os.environ.get("DASHBOARD_LOGIN_STATE") or PROJECT_DIR / "var" / "login_state.sqlite"),
        idle_minutes=_env_number("DASHBOARD_IDLE_MINUTES", 30, 0.1),
        max_failures=int(_env_number("DASHBOARD_LOGIN_MAX_FAILURES", 5, 1)),
        lock_minutes=_env_number("DASHBOARD_LOGIN_LOCK_MINUTES", 15, 0),
        delay_seconds=_env_number("DASHBOARD_LOGIN_DELAY_SECONDS", 1, 0),
        oidc_provider=os.environ.get("DASHBOARD_OIDC_PROVIDER") or None,
        oidc_role_claim=os.environ.get("DASHBOARD_OIDC_ROLE_CLAIM") or "dashboard_role",
        oidc_counties_claim=os.environ.get("DASHBOARD_OIDC_COUNTIES_CLAIM") or "dashboard_counties",
    )
