"""Accounts, passwords, login throttling, screen links and OIDC claims: everything about access
that needs no Streamlit, so the `users` command and the tests use it directly. dashboard/access.py
is the Streamlit side; the audit log is dashboard/audit.py.

Roles: 管理员 (admin) sees every county and may import data and manage users; 市级 (city) sees
every county; 县区 (county) sees the counties named in the account and nothing else.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import stat
import tempfile
import threading
import time
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ADMIN, CITY, COUNTY = "admin", "city", "county"
ROLES = {ADMIN: "管理员", CITY: "市级", COUNTY: "县区"}
# Accepted spellings: the files and the command line use the codes; people and claims may use Chinese.
_ROLE_ALIASES = {ADMIN: ADMIN, "管理员": ADMIN, "administrator": ADMIN,
                 CITY: CITY, "市级": CITY, "市": CITY,
                 COUNTY: COUNTY, "县区": COUNTY, "县区级": COUNTY, "县": COUNTY}
_PRIVILEGE = {COUNTY: 1, CITY: 2, ADMIN: 3}
_NAME = re.compile(r"^[\w.@\-]{1,64}$")
_COUNTY_CODE = re.compile(r"^\d{6}$")
MIN_PASSWORD_LENGTH = 8


class UsersFileError(Exception):
    """The users file cannot be read or holds an invalid account; the message says where."""


def normalize_role(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return _ROLE_ALIASES.get(value.strip().lower())


def normalize_name(name: object) -> str:
    """The key of an account and of its failure count: full-width letters and case do not make a
    second account ("ＡＤＭＩＮ" and "Admin" are "admin")."""
    if not isinstance(name, str):
        return ""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def check_name(name: str) -> str:
    key = normalize_name(name)
    if not _NAME.match(key):
        raise ValueError(f"用户名 {name!r} 无效：只能使用1—64个汉字、字母、数字或 . @ - _，不能有空格")
    return key


def check_counties(codes: Iterable[str]) -> tuple[str, ...]:
    out = []
    for c in codes:
        c = str(c).strip()
        if not _COUNTY_CODE.match(c):
            raise ValueError(f"县区代码 {c!r} 无效：应为6位数字，如 611024")
        if c not in out:
            out.append(c)
    return tuple(out)


@dataclass(frozen=True)
class User:
    """Who is logged in. `counties` matters only for the 县区 role."""
    name: str
    role: str
    counties: tuple[str, ...] = ()
    source: str = "local"

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_everything(self) -> bool:
        return self.role in (ADMIN, CITY)

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def visible(self, extract_counties: Iterable[str]) -> tuple[str, ...]:
        """The counties of the extract this user may see, in the extract's order; a county the
        account names but the extract lacks is simply absent."""
        extract_counties = tuple(extract_counties)
        if self.sees_everything:
            return extract_counties
        mine = set(self.counties)
        return tuple(c for c in extract_counties if c in mine)


# Passwords -------------------------------------------------------------------------------------
# argon2-cffi's defaults (argon2id, 64 MiB, 3 passes): about 50 ms a try on a server, which is the
# point; the failure counter does the rest.
_HASHER = PasswordHasher()
_DUMMY_HASH: str | None = None
# Each argon2 computation holds its memory cost (64 MiB) while it runs: without a bound, 40 logins
# sent at once took the server from 295 MB to 1.77 GB. Past this many at once an attempt waits.
ARGON2_AT_ONCE = 2
ARGON2_WAIT_SECONDS = 30.0
_argon2_slots = threading.BoundedSemaphore(ARGON2_AT_ONCE)


class LoginBusy(Exception):
    """Too many logins are being checked at once; this one waited too long for its turn."""


@contextlib.contextmanager
def _argon2_slot():
    if not _argon2_slots.acquire(timeout=ARGON2_WAIT_SECONDS):
        raise LoginBusy()
    try:
        yield
    finally:
        _argon2_slots.release()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    with _argon2_slot():
        return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches. With no hash (an unknown name) a dummy hash is still
    verified, so the answer takes as long and the timing does not tell which names exist.
    Raises LoginBusy when no argon2 slot came free in time."""
    global _DUMMY_HASH
    if not isinstance(password, str):
        return False
    with _argon2_slot():
        if password_hash is None:
            if _DUMMY_HASH is None:
                _DUMMY_HASH = _HASHER.hash(os.urandom(16).hex())
            with contextlib.suppress(VerificationError, InvalidHashError):
                _HASHER.verify(_DUMMY_HASH, password)
            return False
        try:
            return _HASHER.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def hash_stamp(password_hash: str) -> str:
    """A short fingerprint of the stored hash: a session remembers it at login, and a password reset
    (a new hash) ends every session opened with the old one."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# The users file --------------------------------------------------------------------------------
@dataclass(frozen=True)   # frozen: load_accounts hands the same objects to every session
class Account:
    name: str
    role: str
    counties: tuple[str, ...]
    password_hash: str
    created: str = ""
    updated: str = ""

    def user(self) -> User:
        return User(self.name, self.role, self.counties if self.role == COUNTY else ())


_HEADER = """\
# 中小学校党建数据看板 · 用户文件
# 由 `python -m dashboard users add|remove|reset|list` 维护，请勿手工写入密码。
# password_hash 是 argon2id 哈希，不是密码本身；role: admin（管理员）、city（市级）、county（县区）。
# 本文件不应提交到代码仓库，权限应仅限运行看板的系统账号读取。
"""


def _toml_string(s: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), so no hand-written escaping.
    return json.dumps(s, ensure_ascii=False)


def _now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple, dict[str, Account]]] = {}


def load_accounts(path: Path | str) -> dict[str, Account]:
    """Every account in the file, by normalized name. Re-read only when the file changes, so an
    account removed or reset on the command line takes effect on the next click."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise UsersFileError(f"用户文件 {path} 不存在") from None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _cache_lock:
        hit = _cache.get(str(path))
        if hit and hit[0] == stamp:
            return hit[1]
    accounts = _parse(path)
    with _cache_lock:
        _cache[str(path)] = (stamp, accounts)
    return accounts


def _parse(path: Path) -> dict[str, Account]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsersFileError(f"无法读取用户文件 {path}：{exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"用户文件 {path} 格式错误：{exc}") from None
    users = doc.get("users", {})
    if not isinstance(users, dict):
        raise UsersFileError(f"用户文件 {path}：[users] 应为表")
    accounts: dict[str, Account] = {}
    for raw_name, entry in users.items():
        where = f"用户文件 {path} 中的用户 {raw_name!r}"
        if not isinstance(entry, dict):
            raise UsersFileError(f"{where}：应为表")
        try:
            name = check_name(raw_name)
        except ValueError as exc:
            raise UsersFileError(f"{where}：{exc}") from None
        role = normalize_role(entry.get("role"))
        if role is None:
            raise UsersFileError(f"{where}：role 应为 admin、city 或 county（管理员、市级、县区），实际为 {entry.get('role')!r}")
        raw_counties = entry.get("counties", [])
        if not isinstance(raw_counties, list):
            raise UsersFileError(f"{where}：counties 应为县区代码列表，如 [\"611024\"]")
        try:
            counties = check_counties(raw_counties)
        except ValueError as exc:
            raise UsersFileError(f"{where}：{exc}") from None
        if role == COUNTY and not counties:
            raise UsersFileError(f"{where}：县区用户必须至少指定一个县区（counties）")
        pw = entry.get("password_hash")
        if not isinstance(pw, str) or not pw.startswith("$argon2"):
            raise UsersFileError(f"{where}：password_hash 应为 argon2 哈希（请用 `python -m dashboard users reset` 重设密码）")
        if name in accounts:
            raise UsersFileError(f"{where}：与另一个用户名重复（用户名不区分大小写和全角半角）")
        accounts[name] = Account(name, role, counties, pw, str(entry.get("created", "")), str(entry.get("updated", "")))
    return accounts


def save_accounts(path: Path | str, accounts: Mapping[str, Account]) -> None:
    """Write the whole file atomically (a reader never sees half a file), readable by its owner only."""
    path = Path(path)
    lines = [_HEADER.rstrip("\n")]
    for name in sorted(accounts):
        a = accounts[name]
        lines += ["", f"[users.{_toml_string(a.name)}]",
                  f"role = {_toml_string(a.role)}",
                  f"counties = [{', '.join(_toml_string(c) for c in a.counties)}]",
                  f"password_hash = {_toml_string(a.password_hash)}",
                  f"created = {_toml_string(a.created)}",
                  f"updated = {_toml_string(a.updated)}"]
    _atomic_write(path, "\n".join(lines) + "\n", ".users-")


def _atomic_write(path: Path, text: str, prefix: str) -> None:
    """Write under a temporary name (0600 from the start) and rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _flock(f) -> None:
    try:
        import fcntl
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    except ImportError:  # not POSIX: a single administrator is assumed
        pass


@contextlib.contextmanager
def editing(path: Path | str):
    """Read, change and write the users file under an exclusive lock, so two `users` commands run
    at once cannot lose each other's change. Yields the accounts dict to modify in place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a") as lock:
        _flock(lock)
        accounts = dict(load_accounts(path)) if path.exists() else {}
        yield accounts
        save_accounts(path, accounts)


def new_account(name: str, role: str, counties: Iterable[str], password: str) -> Account:
    key = check_name(name)
    r = normalize_role(role)
    if r is None:
        raise ValueError(f"角色 {role!r} 无效：应为 admin、city 或 county（管理员、市级、县区）")
    codes = check_counties(counties)
    if r == COUNTY and not codes:
        raise ValueError("县区用户必须用 --county 指定至少一个县区代码")
    if r != COUNTY and codes:
        raise ValueError(f"{ROLES[r]}用户可查看全部县区，不需要指定 --county")
    now = _now_iso()
    return Account(key, r, codes, hash_password(password), now, now)


# Private runtime files ------------------------------------------------------------------------
def _private_file(path: Path) -> None:
    """Make sure `path` exists and only its owner can read it (0600), before anything is written.

    Never by opening the file: closing any descriptor of an SQLite database drops the locks every
    connection of this process holds on it (POSIX locks belong to the process). A new file is made
    0600 under a temporary name, closed, and linked into place."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)   # a file from an older version, or made under another umask
        return
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".new-", dir=path.parent)   # mkstemp makes it 0600
    os.close(fd)
    try:
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _secret_beside(path: Path) -> bytes:
    """The random key kept in `<path>.key` (0600), made on first use. Made under a temporary
    name and linked into place, so two processes starting at once agree on one key and neither
    ever reads a half-written file."""
    key_path = path.with_name(path.name + ".key")
    try:
        return bytes.fromhex(key_path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    key_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".key-", dir=key_path.parent)   # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, key_path)
    finally:
        os.unlink(tmp)
    return bytes.fromhex(key_path.read_text(encoding="ascii").strip())


# Failed logins: slowed down, then locked --------------------------------------------------------
@dataclass(frozen=True)
class Attempts:
    failures: int = 0
    locked_until: float | None = None   # epoch seconds
    next_allowed: float = 0.0           # epoch seconds; a try before this is refused unchecked
    just_locked: bool = False

    def locked(self, now: float) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class Reservation:
    """The answer to "may this attempt check a password?": `go` (the attempt is already counted
    as a failure until it proves otherwise), `locked` or `throttled` (refused unchecked)."""
    status: str
    attempts: Attempts


class LoginThrottle:
    """Consecutive failed logins per name, in a small SQLite file (0600): shared by every session
    and every server process, and kept across a restart (a restart must not reset a lock-out).

    An attempt is counted before its password is checked, in the same transaction that decides
    whether it may be checked at all (reserve()), so attempts sent at the same moment, from one
    process or several, get no more tries between them than one person typing would.

    Names are stored as HMAC-SHA256 digests under a key kept beside the file: people type their
    password into the name field, and the file must not keep what they typed. Unknown names are
    counted like real ones, so a lock-out says nothing about which names exist.
    """

    def __init__(self, path: Path | str, max_failures: int = 5, lock_seconds: float = 900,
                 delay_seconds: float = 1.0):
        self.path = Path(path)
        self.max_failures, self.lock_seconds, self.delay_seconds = max_failures, lock_seconds, delay_seconds
        self._secret: bytes | None = None

    @classmethod
    def from_settings(cls, s) -> "LoginThrottle":
        return cls(s.login_state, s.max_failures, s.lock_minutes * 60, s.delay_seconds)

    def delay(self, failures: int) -> float:
        """A typo costs nothing; from the 2nd failure on, the wait doubles: 1 s, 2 s, 4 s, …"""
        return 0.0 if failures < 2 else self.delay_seconds * 2 ** (failures - 2)

    def key(self, name: str) -> str:
        """What the file stores for a name."""
        if self._secret is None:
            self._secret = _secret_beside(self.path)
        return hmac.new(self._secret, normalize_name(name).encode(), hashlib.sha256).hexdigest()

    @contextlib.contextmanager
    def _db(self):
        _private_file(self.path)   # SQLite gives its journal the database file's mode
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("create table if not exists attempts (name_key text primary key, "
                        "count integer not null, last_attempt real not null, locked_until real)")
            # The table of earlier versions kept the names as typed.
            con.execute("drop table if exists failures")
            yield con
        finally:
            con.close()

    def _current(self, row, now: float) -> Attempts:
        if row is None:
            return Attempts()
        count, last, locked_until = row
        if locked_until is not None and locked_until <= now:
            return Attempts()      # the lock has run out: start afresh
        if locked_until is None and now - last > max(self.lock_seconds, 60):
            return Attempts()      # old failures are forgotten after as long as a lock would last
        return Attempts(count, locked_until, last + self.delay(count))

    def status(self, name: str, now: float | None = None) -> Attempts:
        now = time.time() if now is None else now
        key = self.key(name)
        with self._db() as con:
            row = con.execute("select count, last_attempt, locked_until from attempts where name_key = ?",
                              (key,)).fetchone()
        return self._current(row, now)

    def reserve(self, name: str, now: float | None = None) -> Reservation:
        """Decide whether an attempt may check its password and, if so, count it, atomically:
        BEGIN IMMEDIATE takes SQLite's write lock before reading, so two attempts (threads or
        processes) cannot both read the same count."""
        return self._count(name, now, check=True)

    def failure(self, name: str, now: float | None = None) -> Attempts:
        """Count one failed attempt whatever the current state (reserve() is the login's way)."""
        return self._count(name, now, check=False).attempts

    def _count(self, name: str, now: float | None, check: bool) -> Reservation:
        key = self.key(name)
        with self._db() as con:
            con.execute("begin immediate")
            # The clock is read once the lock is held, so the attempts' times follow their order.
            now = time.time() if now is None else now
            try:
                row = con.execute("select count, last_attempt, locked_until from attempts where name_key = ?",
                                  (key,)).fetchone()
                current = self._current(row, now)
                if check and current.locked(now):
                    return Reservation("locked", current)
                if check and current.next_allowed > now:
                    return Reservation("throttled", current)
                count = current.failures + 1
                locked_until = now + self.lock_seconds if count >= self.max_failures else None
                con.execute("insert into attempts values (?, ?, ?, ?) on conflict(name_key) do update set "
                            "count = excluded.count, last_attempt = excluded.last_attempt, "
                            "locked_until = excluded.locked_until", (key, count, now, locked_until))
                # Names typed once long ago need not be kept.
                con.execute("delete from attempts where last_attempt < ? and (locked_until is null or locked_until < ?)",
                            (now - 86400, now))
                con.execute("commit")
            finally:
                if con.in_transaction:
                    con.execute("rollback")
        return Reservation("go", Attempts(count, locked_until, now + self.delay(count),
                                          just_locked=locked_until is not None))

    def success(self, name: str) -> None:
        self.unlock(name)

    def unlock(self, name: str) -> None:
        key = self.key(name)
        with self._db() as con:
            con.execute("delete from attempts where name_key = ?", (key,))


@dataclass(frozen=True)
class LoginResult:
    status: str                      # ok | bad | throttled | locked | busy | empty
    user: User | None = None
    stamp: str = ""
    attempts: Attempts = field(default_factory=Attempts)
    retry_after: float = 0.0         # seconds
    known_name: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def authenticate(users_file: Path | str, name: str, password: str, throttle: LoginThrottle,
                 now: float | None = None) -> LoginResult:
    """Check one login attempt against the users file and the failure counter. The attempt is
    counted (reserve) before the password is checked, so no number of attempts sent at once gets
    more tries than the counter allows; a correct password on a locked name is refused unchecked.
    `now` is for tests; by default the counter reads the clock inside its transaction."""
    if not isinstance(name, str) or not isinstance(password, str):   # a forged widget value
        return LoginResult("empty")
    key = normalize_name(name)[:64]
    if not key or not password:
        return LoginResult("empty")
    account = load_accounts(users_file).get(key)
    known = account is not None
    reservation = throttle.reserve(key, now)
    now = time.time() if now is None else now
    before = reservation.attempts
    if reservation.status == "locked":
        return LoginResult("locked", attempts=before, retry_after=before.locked_until - now, known_name=known)
    if reservation.status == "throttled":
        return LoginResult("throttled", attempts=before, retry_after=before.next_allowed - now, known_name=known)
    try:
        matched = verify_password(account.password_hash if account else None, password)
    except LoginBusy:
        # Stays counted: a flood must not become a way round the counter.
        return LoginResult("busy", attempts=before, known_name=known)
    if matched and account is not None:
        throttle.success(key)
        return LoginResult("ok", user=account.user(), stamp=hash_stamp(account.password_hash), known_name=True)
    after = reservation.attempts
    return LoginResult("locked" if after.just_locked else "bad", attempts=after,
                       retry_after=(after.locked_until - now) if after.just_locked else after.next_allowed - now,
                       known_name=known)


def name_digest(name: str) -> str:
    """What the audit log records for a name that is not an account: people type their password
    into the name field, so the text itself is never written; the digest still lets repeated
    attempts with the same text be counted."""
    return "sha256:" + hashlib.sha256(normalize_name(name).encode()).hexdigest()[:12]


# Screen links: an unattended meeting-room screen ------------------------------------------------
# The screen page's address and the query parameter that carries a link's token.
SCREEN_URL_PATH = "screen"
SCREEN_PARAM = "screen_token"
SCREEN_TOKEN_BYTES = 32          # secrets.token_urlsafe(32): 43 characters, 256 bits
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,128}$")
_LINK_ID = re.compile(r"^[0-9a-f]{8}$")
MAX_LABEL_LENGTH = 40


class ScreenLinksError(Exception):
    """The screen links file cannot be read; the message says why."""


@dataclass(frozen=True)
class ScreenLink:
    """A link an administrator issued for one display. The token itself is shown once, when the
    link is issued; the file keeps only its SHA-256 (a 256-bit random token needs no slow hash)."""
    id: str
    label: str
    counties: tuple[str, ...]        # () = every county
    token_hash: str
    created: str = ""
    created_by: str = ""
    expires: str = ""                # ISO time; "" = until revoked
    revoked: str = ""                # ISO time it was revoked; "" = not revoked

    def state(self, now: float | None = None) -> str:
        """valid | revoked | expired"""
        if self.revoked:
            return "revoked"
        now = time.time() if now is None else now
        if self.expires and dt.datetime.fromisoformat(self.expires).timestamp() <= now:
            return "expired"
        return "valid"

    def user(self) -> User:
        """Who a screen session is: read-only, the link's counties (or all of them)."""
        name = f"大屏：{self.label}"
        if self.counties:
            return User(name, COUNTY, self.counties, source="screen")
        return User(name, CITY, (), source="screen")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def screen_links_file(s) -> Path:
    """Beside the login state (var/, which the repository ignores)."""
    return Path(s.login_state).with_name("screen_links.json")


class ScreenLinks:
    """The screen links file (JSON, 0600), changed under a lock like the users file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def all(self) -> list[ScreenLink]:
        return list(_load_links(self.path).values())

    def get(self, link_id: str) -> ScreenLink | None:
        return _load_links(self.path).get(link_id)

    def find(self, token: object) -> ScreenLink | None:
        """The link a token belongs to, whatever its state; None for anything else."""
        if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
            return None
        digest = token_hash(token)
        found = None
        for link in _load_links(self.path).values():
            if hmac.compare_digest(link.token_hash, digest):
                found = link
        return found

    def issue(self, label: str, counties: Iterable[str], created_by: str, days: float | None = None,
              now: float | None = None) -> tuple[ScreenLink, str]:
        label = unicodedata.normalize("NFKC", str(label)).strip()
        if not label or len(label) > MAX_LABEL_LENGTH or any(unicodedata.category(ch)[0] == "C" for ch in label):
            raise ValueError(f"大屏名称应为1—{MAX_LABEL_LENGTH}个字符，不含控制字符，如“会议室”")
        codes = check_counties(counties)
        if days is not None and days <= 0:
            raise ValueError("--days 应为正数")
        now = time.time() if now is None else now
        stamp = dt.datetime.fromtimestamp(now).astimezone()
        expires = (stamp + dt.timedelta(days=days)).isoformat(timespec="seconds") if days else ""
        token = secrets.token_urlsafe(SCREEN_TOKEN_BYTES)
        with self._editing() as links:
            link_id = secrets.token_hex(4)
            while link_id in links:
                link_id = secrets.token_hex(4)
            link = ScreenLink(link_id, label, codes, token_hash(token), stamp.isoformat(timespec="seconds"),
                              created_by, expires)
            links[link_id] = link
        return link, token

    def revoke(self, link_id: str, now: float | None = None) -> ScreenLink:
        now = time.time() if now is None else now
        with self._editing() as links:
            link = links.get(link_id.strip().lower())
            if link is None:
                raise ValueError(f"没有编号为 {link_id} 的大屏链接（用 screen-link list 查看）")
            if not link.revoked:
                link = dataclasses.replace(
                    link, revoked=dt.datetime.fromtimestamp(now).astimezone().isoformat(timespec="seconds"))
                links[link.id] = link
        return link

    @contextlib.contextmanager
    def _editing(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            _flock(lock)
            links = dict(_load_links(self.path))
            yield links
            body = {"links": [dataclasses.asdict(link) for link in sorted(links.values(), key=lambda x: x.created)]}
            _atomic_write(self.path, json.dumps(body, ensure_ascii=False, indent=1) + "\n", ".screen-")


def _load_links(path: Path) -> dict[str, ScreenLink]:
    try:
        st_ = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (st_.st_mtime_ns, st_.st_size, st_.st_ino)
    with _cache_lock:
        hit = _links_cache.get(str(path))
        if hit and hit[0] == stamp:
            return hit[1]
    where = f"大屏链接文件 {path}"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries = doc["links"]
        links = {}
        for e in entries:
            link = ScreenLink(str(e["id"]), str(e["label"]), check_counties(e.get("counties", [])),
                              str(e["token_hash"]), str(e.get("created", "")), str(e.get("created_by", "")),
                              str(e.get("expires", "")), str(e.get("revoked", "")))
            if not _LINK_ID.match(link.id) or len(link.token_hash) != 64:
                raise ValueError(f"编号 {link.id!r} 的记录不完整")
            links[link.id] = link
    except (OSError, UnicodeDecodeError) as exc:
        raise ScreenLinksError(f"无法读取{where}：{exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ScreenLinksError(f"{where}格式错误：{exc}") from None
    with _cache_lock:
        _links_cache[str(path)] = (stamp, links)
    return links


_links_cache: dict[str, tuple[tuple, dict[str, ScreenLink]]] = {}


# OIDC: claims -> role and counties -------------------------------------------------------------
def _claim(claims: Mapping, dotted: str):
    """"realm_access.roles" reaches into nested claims (Keycloak puts roles there)."""
    value = claims
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[,,;;\s]+", value) if v]
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [str(value)]


def user_from_claims(claims: Mapping, role_claim: str = "dashboard_role",
                     counties_claim: str = "dashboard_counties",
                     name_claims: tuple[str, ...] = ("preferred_username", "email", "sub")) -> User | None:
    """The dashboard user for an identity provider's claims (st.user), or None when the claims do
    not grant access: not logged in, no recognised role, or a 县区 role without a county.

    The role claim may be one value or a list (groups, roles); each entry is a role ("county",
    "县区", "city", "admin", …) or a role with its counties ("county:611024,611021"). The highest
    role found wins. Counties come from the counties claim and from such entries.
    """
    if not claims or claims.get("is_logged_in") is False:
        return None
    name = next((str(claims[c]) for c in name_claims if claims.get(c)), None)
    if not name:
        return None
    role, counties = None, []
    for entry in _as_list(_claim(claims, role_claim)):
        head, _, tail = entry.partition(":")
        r = normalize_role(head)
        if r is None:
            continue
        if role is None or _PRIVILEGE[r] > _PRIVILEGE[role]:
            role = r
        if r == COUNTY:
            counties += _as_list(tail)
    if role is None:
        return None
    counties += _as_list(_claim(claims, counties_claim))
    codes = tuple(dict.fromkeys(c.strip() for c in counties if _COUNTY_CODE.match(c.strip())))
    if role == COUNTY and not codes:
        return None
    return User(name, role, codes if role == COUNTY else (), source="oidc")
