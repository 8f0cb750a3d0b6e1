"""Accounts, passwords, throttling and lock-out, the audit log, OIDC claims and the `users` command,
without Streamlit (dashboard/auth.py, dashboard/audit.py, dashboard/users.py). Logins sent at once,
from threads and from processes, are in tests/test_login_concurrency.py."""
from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading

import pytest

from dashboard import audit, auth, config
from dashboard.__main__ import main
from tests import handmade as h


# Passwords and the users file ------------------------------------------------------------------
def test_passwords_are_argon2id_and_verify():
    hashed = auth.hash_password("correct horse")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed
    assert auth.verify_password(hashed, "correct horse")
    assert not auth.verify_password(hashed, "Correct horse")
    assert not auth.verify_password(None, "correct horse")      # unknown name: a dummy hash is checked
    assert not auth.verify_password("not-a-hash", "correct horse")
    with pytest.raises(ValueError, match="至少"):
        auth.hash_password("short")


def test_names_are_normalised():
    assert auth.normalize_name(" ＡＤＭＩＮ ") == "admin" == auth.normalize_name("Admin")
    assert auth.check_name("山阳县教育局") == "山阳县教育局"
    with pytest.raises(ValueError):
        auth.check_name("two words")
    assert auth.normalize_role("县区") == auth.COUNTY and auth.normalize_role("管理员") == auth.ADMIN
    assert auth.normalize_role("boss") is None


def test_users_file_round_trip_keeps_hashes_only(tmp_path):
    path = tmp_path / "users.toml"
    with auth.editing(path) as accounts:
        accounts["sy"] = auth.new_account("SY", "县区", [h.SHANYANG, h.SHANYANG], "password-sy")
        accounts["boss"] = auth.new_account("boss", "admin", [], "password-boss")
    text = path.read_text(encoding="utf-8")
    assert "password-sy" not in text and "password-boss" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = auth.load_accounts(path)
    assert loaded["sy"].user() == auth.User("sy", auth.COUNTY, (h.SHANYANG,))
    assert loaded["boss"].user().is_admin and loaded["boss"].user().counties == ()


@pytest.mark.parametrize("body, words", [
    ('[users."a"]\nrole = "boss"\npassword_hash = "$argon2id$x"\n', "role"),
    ('[users."a"]\nrole = "county"\ncounties = []\npassword_hash = "$argon2id$x"\n', "至少指定一个县区"),
    ('[users."a"]\nrole = "county"\ncounties = ["6110"]\npassword_hash = "$argon2id$x"\n', "6位数字"),
    ('[users."a"]\nrole = "city"\npassword_hash = "plain-text-password"\n', "argon2"),
    ('[users."a"]\nrole = "city"\npassword_hash = "$argon2id$x"\n[users."A"]\nrole = "city"\npassword_hash = "$argon2id$y"\n',
     "重复"),
    ('[users\n', "格式错误"),
])
def test_bad_users_files_are_refused_with_the_place(tmp_path, body, words):
    path = tmp_path / "users.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(auth.UsersFileError, match=words):
        auth.load_accounts(path)


def test_visible_counties_of_each_role():
    extract = (h.SHANGZHOU, h.SHANYANG)
    assert auth.User("c", auth.CITY).visible(extract) == extract
    assert auth.User("a", auth.ADMIN).visible(extract) == extract
    # The extract's order, and a county the extract lacks (洛南县) is simply absent.
    assert auth.User("x", auth.COUNTY, ("611021", h.SHANYANG)).visible(extract) == (h.SHANYANG,)
    assert auth.User("x", auth.COUNTY, ("611021",)).visible(extract) == ()


# Throttling and lock-out -----------------------------------------------------------------------
def test_failures_slow_down_then_lock(tmp_path):
    t = auth.LoginThrottle(tmp_path / "state.sqlite", max_failures=5, lock_seconds=900, delay_seconds=1)
    now = 1_000_000.0
    waits = []
    for _ in range(4):
        a = t.failure("sy", now)
        waits.append(a.next_allowed - now)
        assert not a.locked(now)
        now = a.next_allowed
    assert waits == [0, 1, 2, 4]
    a = t.failure("sy", now)
    assert a.just_locked and a.locked(now) and a.locked_until == now + 900
    assert t.status("sy", now + 899).locked(now + 899)
    # Another process (or the server after a restart) sees the same lock.
    again = auth.LoginThrottle(tmp_path / "state.sqlite", max_failures=5, lock_seconds=900)
    assert again.status("sy", now + 10).locked(now + 10)
    # When the lock runs out the count starts afresh.
    after = again.status("sy", now + 901)
    assert not after.locked(now + 901) and after.failures == 0
    assert again.failure("sy", now + 901).failures == 1


def test_success_and_unlock_clear_the_count(tmp_path):
    t = auth.LoginThrottle(tmp_path / "s.sqlite", max_failures=2, lock_seconds=60, delay_seconds=0)
    t.failure("a", 1.0)
    t.success("a")
    assert t.status("a", 2.0).failures == 0
    t.failure("a", 3.0)
    assert t.failure("a", 3.0).just_locked
    t.unlock("a")
    assert not t.status("a", 4.0).locked(4.0)


def test_concurrent_failures_all_count(tmp_path):
    t = auth.LoginThrottle(tmp_path / "s.sqlite", max_failures=1000, lock_seconds=60, delay_seconds=0)
    threads = [threading.Thread(target=lambda: [t.failure("x", 10.0) for _ in range(10)]) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t.status("x", 10.0).failures == 80


def test_login_state_is_private_and_keeps_no_typed_name(tmp_path):
    path = tmp_path / "var" / "login_state.sqlite"
    t = auth.LoginThrottle(path, max_failures=5, lock_seconds=60, delay_seconds=0)
    typed = "MyPassw0rd-typed-as-name"     # people type their password into the name field
    t.failure(typed, 10.0)
    t.failure("shanyang", 10.0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key_file = path.with_name("login_state.sqlite.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    raw = path.read_bytes()
    for text in (typed, typed.casefold(), "shanyang"):
        assert text.encode() not in raw
    # The stored key is HMAC-SHA256 under the secret beside the file, not a plain (guessable) hash.
    import hashlib
    import hmac
    secret = bytes.fromhex(key_file.read_text().strip())
    with sqlite3.connect(path) as con:
        keys = {row[0] for row in con.execute("select name_key from attempts")}
    assert keys == {hmac.new(secret, n.encode(), hashlib.sha256).hexdigest()
                    for n in (typed.casefold(), "shanyang")}
    assert hashlib.sha256(b"shanyang").hexdigest() not in keys
    # Another process (a new throttle on the same file) reads the same key and so the same counts.
    assert auth.LoginThrottle(path).status("ShanYang", 10.0).failures == 1


def test_an_older_world_readable_state_file_is_closed_and_its_names_dropped(tmp_path):
    path = tmp_path / "login_state.sqlite"
    with sqlite3.connect(path) as con:   # the table of earlier versions, names as typed
        con.execute("create table failures (name text primary key, count integer not null, "
                    "last_failure real not null, locked_until real)")
        con.execute("insert into failures values ('secret-typed-as-name', 1, 1.0, null)")
    os.chmod(path, 0o644)
    auth.LoginThrottle(path).status("x", 2.0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    assert "failures" not in tables
    with sqlite3.connect(path) as con:
        con.execute("vacuum")   # drop the freed pages too, then look at the bytes
    assert b"secret-typed-as-name" not in path.read_bytes()


def test_a_reserved_attempt_counts_before_its_password_is_checked(tmp_path):
    t = auth.LoginThrottle(tmp_path / "s.sqlite", max_failures=3, lock_seconds=60, delay_seconds=0)
    first = t.reserve("a", 5.0)
    assert first.status == "go" and first.attempts.failures == 1
    assert t.status("a", 5.0).failures == 1      # already counted while its password is being checked
    assert t.reserve("a", 5.0).status == "go"
    third = t.reserve("a", 5.0)
    assert third.status == "go" and third.attempts.just_locked
    assert t.reserve("a", 5.0).status == "locked"
    assert t.reserve("a", 66.0).status == "go"   # the lock ran out


def test_authenticate(tmp_path):
    path = tmp_path / "users.toml"
    with auth.editing(path) as accounts:
        accounts["sy"] = auth.new_account("sy", "county", [h.SHANYANG], "right-password")
    t = auth.LoginThrottle(tmp_path / "s.sqlite", max_failures=3, lock_seconds=600, delay_seconds=5)
    ok = auth.authenticate(path, "SY", "right-password", t, now=100.0)
    assert ok.ok and ok.user.counties == (h.SHANYANG,) and ok.stamp
    assert auth.authenticate(path, "", "x", t, now=100.0).status == "empty"
    bad = auth.authenticate(path, "sy", "wrong", t, now=100.0)
    assert bad.status == "bad" and bad.known_name and bad.attempts.failures == 1
    assert auth.authenticate(path, "sy", "wrong", t, now=100.0).status == "bad"
    # After a 2nd failure the next try must wait 5 s; even the right password is not checked.
    too_soon = auth.authenticate(path, "sy", "right-password", t, now=101.0)
    assert too_soon.status == "throttled" and too_soon.retry_after == pytest.approx(4.0)
    locked = auth.authenticate(path, "sy", "wrong", t, now=106.0)
    assert locked.status == "locked" and locked.attempts.just_locked
    assert auth.authenticate(path, "sy", "right-password", t, now=200.0).status == "locked"
    # An unknown name is counted and locked like a real one: a lock-out does not reveal which exist.
    for i in range(3):
        r = auth.authenticate(path, "ghost", "x", t, now=1000.0 + i * 100)
    assert r.status == "locked" and not r.known_name


@pytest.mark.parametrize("name, password", [(7, "right-password"), ("sy", 7), ("sy", ["right-password"]),
                                            (None, None)])
def test_authenticate_refuses_values_no_form_sends(tmp_path, name, password):
    """A forged widget state can put a number or a list where the form sends text."""
    path = tmp_path / "users.toml"
    with auth.editing(path) as accounts:
        accounts["sy"] = auth.new_account("sy", "county", [h.SHANYANG], "right-password")
    t = auth.LoginThrottle(tmp_path / "s.sqlite")
    assert auth.authenticate(path, name, password, t, now=1.0).status == "empty"


# The audit log ---------------------------------------------------------------------------------
def test_audit_log_is_json_lines_and_masks_secrets(tmp_path):
    log = tmp_path / "audit.log"
    audit.write(log, "login", user="sy", counties=[h.SHANYANG], password="oops", token="t0k")
    audit.write(log, "export", user="sy", scope={"year": 2023, "visible": [h.SHANYANG]})
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(x) for x in lines)
    assert first["event"] == "login" and first["password"] == "***" and first["token"] == "***"
    assert "oops" not in lines[0] and "t0k" not in lines[0]
    assert second["scope"]["visible"] == [h.SHANYANG] and "T" in second["time"]


def test_audit_log_has_one_home():
    """auth.py once wrote it too; the import, the pages and the command line now share audit.py."""
    assert not hasattr(auth, "write_audit") and not hasattr(auth, "read_audit")


def test_audit_lines_never_interleave(tmp_path):
    log = tmp_path / "audit.log"

    def writer(i):
        for j in range(50):
            audit.write(log, "download", user=f"u{i}", file="学校名单" * 50, n=j)
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    records = audit.read(log)
    assert len(records) == 400 and all(r["event"] == "download" for r in records)


# OIDC claims -----------------------------------------------------------------------------------
@pytest.mark.parametrize("claims, expected", [
    ({"is_logged_in": True, "preferred_username": "sy", "dashboard_role": "县区", "dashboard_counties": [h.SHANYANG]},
     auth.User("sy", auth.COUNTY, (h.SHANYANG,), "oidc")),
    ({"email": "c@x.org", "dashboard_role": "city"}, auth.User("c@x.org", auth.CITY, (), "oidc")),
    ({"sub": "42", "dashboard_role": ["county", "admin"]}, auth.User("42", auth.ADMIN, (), "oidc")),
    ({"sub": "42", "dashboard_role": "county", "dashboard_counties": "611024,611021"},
     auth.User("42", auth.COUNTY, ("611024", "611021"), "oidc")),
    ({"sub": "42", "dashboard_role": ["county:611024", "staff"]}, auth.User("42", auth.COUNTY, ("611024",), "oidc")),
    ({"sub": "42", "dashboard_role": "county"}, None),                       # a county role needs a county
    ({"sub": "42", "dashboard_role": "boss"}, None),
    ({"sub": "42"}, None),
    ({"is_logged_in": False, "sub": "42", "dashboard_role": "admin"}, None),
    ({"dashboard_role": "admin"}, None),                                     # nobody to name
])
def test_user_from_claims(claims, expected):
    assert auth.user_from_claims(claims) == expected


def test_user_from_nested_claims():
    claims = {"preferred_username": "k", "realm_access": {"roles": ["offline_access", "市级"]}}
    assert auth.user_from_claims(claims, role_claim="realm_access.roles") == auth.User("k", auth.CITY, (), "oidc")


# Settings --------------------------------------------------------------------------------------
def test_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "10")
    monkeypatch.setenv("DASHBOARD_LOGIN_MAX_FAILURES", "3")
    s = config.access_settings()
    assert s.idle_minutes == 10 and s.max_failures == 3 and s.lock_minutes == 15
    monkeypatch.setenv("DASHBOARD_AUTH", "sometimes")
    with pytest.raises(ValueError, match="DASHBOARD_AUTH"):
        config.access_settings()
    monkeypatch.setenv("DASHBOARD_AUTH", "auto")
    monkeypatch.setenv("DASHBOARD_IDLE_MINUTES", "soon")
    with pytest.raises(ValueError, match="DASHBOARD_IDLE_MINUTES"):
        config.access_settings()


def test_runtime_files_default_to_ignored_paths(monkeypatch):
    for var in ("DASHBOARD_USERS_FILE", "DASHBOARD_AUDIT_LOG", "DASHBOARD_LOGIN_STATE"):
        monkeypatch.delenv(var, raising=False)
    s = config.access_settings()
    ignored = (config.PROJECT_DIR / ".gitignore").read_text(encoding="utf-8").split()
    assert s.users_file == config.PROJECT_DIR / "users.toml" and "/users.toml" in ignored
    assert s.audit_log == config.PROJECT_DIR / "audit.log" and "/audit.log" in ignored
    assert s.login_state.parent == config.PROJECT_DIR / "var" and "/var/" in ignored
    assert "/users.toml.lock" in ignored


# The users command -----------------------------------------------------------------------------
def cli(monkeypatch, capsys, *argv, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["users", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_users_command(tmp_path, monkeypatch, capsys, handmade_dir):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(handmade_dir))
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(tmp_path / "users.toml"))
    monkeypatch.setenv("DASHBOARD_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setenv("DASHBOARD_LOGIN_STATE", str(tmp_path / "state.sqlite"))
    code, out = cli(monkeypatch, capsys, "add", "sy", "--role", "县区", "--county", "山阳县", "--password-stdin",
                    stdin="first-password\n")
    assert code == 0 and "山阳县" in out and "启用登录" in out
    assert auth.load_accounts(tmp_path / "users.toml")["sy"].counties == (h.SHANYANG,)
    code, out = cli(monkeypatch, capsys, "add", "boss", "--role", "admin", "--password-stdin", stdin="boss-password\n")
    assert code == 0
    # Refusals say what is wrong.
    assert cli(monkeypatch, capsys, "add", "sy", "--role", "city", "--password-stdin", stdin="another-pass\n")[0] == 2
    code, out = cli(monkeypatch, capsys, "add", "x", "--role", "county", "--county", "不存在县", "--password-stdin",
                    stdin="xxxxxxxxxx\n")
    assert code == 2 and "找不到县区" in out and "山阳县（611024）" in out
    assert cli(monkeypatch, capsys, "add", "y", "--role", "county", "--password-stdin", stdin="xxxxxxxxxx\n")[0] == 2
    assert cli(monkeypatch, capsys, "add", "z", "--role", "city", "--password-stdin", stdin="short\n")[0] == 2
    # list shows roles and counties, never a hash.
    code, out = cli(monkeypatch, capsys, "list")
    assert code == 0 and "sy" in out and "县区 · 山阳县" in out and "管理员" in out and "$argon2" not in out
    # set changes the counties, keeps the password.
    before = auth.load_accounts(tmp_path / "users.toml")["sy"].password_hash
    assert cli(monkeypatch, capsys, "set", "sy", "--county", h.SHANGZHOU)[0] == 0
    after = auth.load_accounts(tmp_path / "users.toml")["sy"]
    assert after.counties == (h.SHANGZHOU,) and after.password_hash == before
    # reset: a new hash, the lock lifted.
    t = auth.LoginThrottle.from_settings(config.access_settings())
    for _ in range(5):
        t.failure("sy")
    assert cli(monkeypatch, capsys, "reset", "sy", "--password-stdin", stdin="second-password\n")[0] == 0
    account = auth.load_accounts(tmp_path / "users.toml")["sy"]
    assert auth.verify_password(account.password_hash, "second-password")
    assert not auth.verify_password(account.password_hash, "first-password")
    assert t.status("sy").failures == 0
    assert cli(monkeypatch, capsys, "remove", "sy")[0] == 0
    assert "sy" not in auth.load_accounts(tmp_path / "users.toml")
    assert cli(monkeypatch, capsys, "remove", "sy")[0] == 2
    events = [e["event"] for e in audit.read(tmp_path / "audit.log")]
    assert events == ["user_added", "user_added", "user_changed", "password_reset", "user_removed"]
    log = (tmp_path / "audit.log").read_text(encoding="utf-8")
    assert "first-password" not in log and "second-password" not in log


def test_users_add_without_a_terminal_says_to_use_password_stdin(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_DIR), "DASHBOARD_USERS_FILE": str(tmp_path / "users.toml"),
           "DASHBOARD_AUDIT_LOG": str(tmp_path / "audit.log"), "DASHBOARD_DATA_DIR": str(tmp_path / "no-data")}
    # A new session has no controlling terminal, as under cron or CI.
    proc = subprocess.run([sys.executable, "-m", "dashboard", "users", "add", "sy", "--role", "city"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path, start_new_session=True)
    assert proc.returncode == 2
    assert "--password-stdin" in proc.stderr and "终端" in proc.stderr
    assert "Traceback" not in proc.stderr and "EOFError" not in proc.stderr
    assert not (tmp_path / "users.toml").exists()
