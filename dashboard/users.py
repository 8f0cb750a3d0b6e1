"""python -m dashboard users add|set|remove|reset|unlock|list: the accounts of the users file;
python -m dashboard users screen-link issue|list|revoke: links for unattended meeting screens.

Passwords are read from a prompt (getpass, typed twice) or, for scripts, one line on standard
input with --password-stdin; never from the command line, where other users of the server could
see them in the process list. The file keeps only argon2 hashes.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import getpass
import os
import sys
import time
from pathlib import Path

from dashboard import audit, auth, config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, default=None,
                        help="用户文件（默认：环境变量 DASHBOARD_USERS_FILE，或项目目录下的 users.toml）")
    sub = parser.add_subparsers(dest="action", required=True)

    def with_password(p):
        p.add_argument("--password-stdin", action="store_true", help="从标准输入读取一行作为密码（供脚本使用）")

    p = sub.add_parser("add", help="新增用户")
    p.add_argument("name", help="用户名")
    p.add_argument("--role", required=True, help="角色：county（县区）、city（市级）或 admin（管理员）")
    p.add_argument("--county", action="append", default=[], metavar="代码或名称",
                   help="县区用户负责的县区，可重复，如 --county 611024 --county 洛南县")
    with_password(p)

    p = sub.add_parser("set", help="修改用户的角色或县区（密码不变）")
    p.add_argument("name")
    p.add_argument("--role", help="新角色")
    p.add_argument("--county", action="append", default=None, metavar="代码或名称",
                   help="新的县区列表（替换原有），可重复")

    p = sub.add_parser("remove", help="删除用户（其已登录的会话随即失效）")
    p.add_argument("name")

    p = sub.add_parser("reset", help="重设密码（同时解除锁定，已登录的会话随即失效）")
    p.add_argument("name")
    with_password(p)

    p = sub.add_parser("unlock", help="解除因连续登录失败造成的锁定")
    p.add_argument("name")

    sub.add_parser("list", help="列出用户（不显示密码哈希）")

    p = sub.add_parser("screen-link", help="大屏链接：会议室大屏免登录只读显示，可随时撤销",
                       description="大屏链接：打开后只显示大屏页面（只读、不能下载、不能管理数据），"
                                   "只含链接指定的县区，链接有效期间不会因无操作而退出。")
    links = p.add_subparsers(dest="link_action", required=True)
    q = links.add_parser("issue", help="发放一个新的大屏链接（链接只显示这一次）")
    q.add_argument("--label", required=True, help="大屏名称，如 会议室")
    q.add_argument("--county", action="append", default=[], metavar="代码或名称",
                   help="大屏显示的县区，可重复；不指定时须用 --all")
    q.add_argument("--all", action="store_true", help="显示全部县区（市级大屏）")
    q.add_argument("--days", type=float, default=None, help="有效天数（默认：一直有效，直到撤销）")
    q.add_argument("--base-url", default="http://localhost:8501",
                   help="看板的访问地址，用于拼出完整链接（默认 http://localhost:8501）")
    links.add_parser("list", help="列出大屏链接（不显示令牌）")
    q = links.add_parser("revoke", help="撤销大屏链接（使用它的大屏随即回到登录页）")
    q.add_argument("id", help="链接编号（见 screen-link list）")


def _audit(event: str, **details) -> None:
    try:
        audit.write(config.access_settings().audit_log, event, **audit.cli_identity(), **details)
    except OSError as exc:
        print(f"警告：无法写入审计日志：{exc}", file=sys.stderr)


NO_TERMINAL = "没有可以输入密码的终端。在脚本中请加 --password-stdin，从标准输入传入一行密码。"


def _has_terminal() -> bool:
    """getpass reads from /dev/tty, else from standard input when that is a terminal."""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
        return True
    except OSError:
        return sys.stdin is not None and sys.stdin.isatty()


def _password(args) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
    else:
        if not _has_terminal():
            raise ValueError(NO_TERMINAL)
        try:
            password = getpass.getpass("密码：")
            again = getpass.getpass("再次输入密码：")
        except EOFError:
            raise ValueError(NO_TERMINAL) from None
        if again != password:
            raise ValueError("两次输入的密码不一致")
    if len(password) < auth.MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少需要{auth.MIN_PASSWORD_LENGTH}个字符")
    return password


def _county_names() -> dict[str, str]:
    """Code -> name from the extract's regions, when one can be read (names are a convenience)."""
    try:
        from dashboard import db
        con = db.open_extract(config.data_dir())
        try:
            return dict(con.execute("select county_code, county_name from regions").fetchall())
        finally:
            con.close()
    except Exception:
        return {}


def _resolve_counties(values: list[str], names: dict[str, str]) -> tuple[str, ...]:
    by_name = {n: c for c, n in names.items()}
    codes = []
    for v in values:
        for part in v.replace(",", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if part in by_name:
                codes.append(by_name[part])
            elif part.isdigit():
                codes.append(part)
            else:
                known = "、".join(f"{n}（{c}）" for c, n in names.items()) or "（无法读取当前数据的县区列表，请使用6位代码）"
                raise ValueError(f"找不到县区 {part!r}。可用的县区：{known}")
    codes = list(auth.check_counties(codes))
    unknown = [c for c in codes if names and c not in names]
    if unknown:
        print(f"提示：县区 {'、'.join(unknown)} 不在当前数据中；数据导入后才能看到这些县区。", file=sys.stderr)
    return tuple(codes)


def run(args) -> int:
    s = config.access_settings()
    path = args.file or s.users_file
    try:
        return _ACTIONS[args.action](args, path, s)
    except (ValueError, auth.UsersFileError, auth.ScreenLinksError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130


def _add(args, path: Path, s) -> int:
    names = _county_names()
    counties = _resolve_counties(args.county, names)
    key = auth.check_name(args.name)
    first = not path.exists()
    if not first and key in auth.load_accounts(path):
        raise ValueError(f"用户 {key} 已存在；修改角色或县区请用 set，重设密码请用 reset")
    account = auth.new_account(args.name, args.role, counties, _password(args))
    with auth.editing(path) as accounts:
        if key in accounts:
            raise ValueError(f"用户 {key} 已存在")
        accounts[key] = account
    _audit("user_added", name=key, role=account.role, counties=list(account.counties) or "全部")
    print(f"已新增用户 {key}（{auth.ROLES[account.role]}{_where(account, names)}），用户文件：{path}")
    if first:
        print("这是第一个用户：看板自此启用登录，重新打开页面即可看到登录界面。")
    return 0


def _where(account: auth.Account, names: dict[str, str]) -> str:
    if account.role != auth.COUNTY:
        return " · 全部县区"
    return " · " + "、".join(names.get(c, c) for c in account.counties)


def _existing(accounts: dict, name: str) -> auth.Account:
    key = auth.normalize_name(name)
    if key not in accounts:
        raise ValueError(f"用户 {key} 不存在")
    return accounts[key]


def _set(args, path: Path, s) -> int:
    names = _county_names()
    with auth.editing(path) as accounts:
        old = _existing(accounts, args.name)
        role = auth.normalize_role(args.role) if args.role else old.role
        if role is None:
            raise ValueError(f"角色 {args.role!r} 无效：应为 admin、city 或 county（管理员、市级、县区）")
        if args.county is not None:
            counties = _resolve_counties(args.county, names)
        else:
            counties = old.counties if role == auth.COUNTY else ()
        if role == auth.COUNTY and not counties:
            raise ValueError("县区用户必须用 --county 指定至少一个县区")
        if role != auth.COUNTY:
            counties = ()
        new = dataclasses.replace(old, role=role, counties=counties, updated=_now())
        accounts[old.name] = new
    _audit("user_changed", name=new.name, role=new.role, counties=list(new.counties) or "全部")
    print(f"已修改用户 {new.name}：{auth.ROLES[new.role]}{_where(new, names)}")
    return 0


def _remove(args, path: Path, s) -> int:
    with auth.editing(path) as accounts:
        old = _existing(accounts, args.name)
        del accounts[old.name]
    _audit("user_removed", name=old.name)
    print(f"已删除用户 {old.name}")
    return 0


def _reset(args, path: Path, s) -> int:
    accounts_now = auth.load_accounts(path)
    _existing(accounts_now, args.name)
    password_hash = auth.hash_password(_password(args))
    with auth.editing(path) as accounts:
        old = _existing(accounts, args.name)
        accounts[old.name] = dataclasses.replace(old, password_hash=password_hash, updated=_now())
    auth.LoginThrottle.from_settings(s).unlock(old.name)
    _audit("password_reset", name=old.name)
    print(f"已重设用户 {old.name} 的密码，并解除锁定")
    return 0


def _unlock(args, path: Path, s) -> int:
    key = auth.normalize_name(args.name)
    auth.LoginThrottle.from_settings(s).unlock(key)
    _audit("user_unlocked", name=key)
    print(f"已解除 {key} 的登录锁定")
    return 0


def _list(args, path: Path, s) -> int:
    if not path.exists():
        print(f"用户文件 {path} 不存在：看板未启用登录，所有访问者可查看全部数据。")
        return 0
    accounts = auth.load_accounts(path)
    names = _county_names()
    throttle = auth.LoginThrottle.from_settings(s)
    now = time.time()
    print(f"用户文件：{path}（共{len(accounts)}个用户）")
    for key in sorted(accounts):
        a = accounts[key]
        state = throttle.status(key, now)
        lock = (f" · 已锁定至{dt.datetime.fromtimestamp(state.locked_until):%H:%M}" if state.locked(now)
                else (f" · 连续失败{state.failures}次" if state.failures else ""))
        print(f"  {a.name}\t{auth.ROLES[a.role]}{_where(a, names)}\t更新于 {a.updated or a.created or '—'}{lock}")
    return 0


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# Screen links ----------------------------------------------------------------------------------
SCREEN_STATES = {"valid": "有效", "revoked": "已撤销", "expired": "已过期"}


def _screen_link(args, path: Path, s) -> int:
    store = auth.ScreenLinks(auth.screen_links_file(s))
    return {"issue": _link_issue, "list": _link_list, "revoke": _link_revoke}[args.link_action](args, store)


def _link_issue(args, store: auth.ScreenLinks) -> int:
    names = _county_names()
    if args.all == bool(args.county):
        raise ValueError("请用 --county 指定大屏显示的县区，或用 --all 显示全部县区（二者选一）")
    counties = () if args.all else _resolve_counties(args.county, names)
    link, token = store.issue(args.label, counties, audit.cli_identity()["user"], days=args.days)
    _audit("screen_link_issued", link=link.id, label=link.label, counties=list(link.counties) or "全部",
           expires=link.expires or "撤销前一直有效")
    url = f"{args.base_url.rstrip('/')}/{auth.SCREEN_URL_PATH}?{auth.SCREEN_PARAM}={token}"
    print(f"已发放大屏链接 {link.id}（{link.label} · {_link_where(link, names)}"
          f"{'，有效至' + link.expires if link.expires else '，撤销前一直有效'}）：")
    print(url)
    print("此链接只显示这一次，请妥善保管：持有链接即可查看大屏（只读）。"
          f"如看板的访问地址不是 {args.base_url}，请替换地址部分或用 --base-url 指定。"
          f"撤销：python -m dashboard users screen-link revoke {link.id}")
    return 0


def _link_where(link: auth.ScreenLink, names: dict[str, str]) -> str:
    return "、".join(names.get(c, c) for c in link.counties) if link.counties else "全部县区"


def _link_list(args, store: auth.ScreenLinks) -> int:
    links = store.all()
    if not links:
        print("还没有发放大屏链接。")
        return 0
    names = _county_names()
    now = time.time()
    print(f"大屏链接（共{len(links)}个）：")
    for link in links:
        state = SCREEN_STATES[link.state(now)]
        until = f"{link.revoked} 撤销" if link.revoked else (f"有效至 {link.expires}" if link.expires else "撤销前一直有效")
        print(f"  {link.id}\t{link.label}\t{_link_where(link, names)}\t{state}\t发放于 {link.created}（{link.created_by}）\t{until}")
    return 0


def _link_revoke(args, store: auth.ScreenLinks) -> int:
    link = store.revoke(args.id)
    _audit("screen_link_revoked", link=link.id, label=link.label)
    print(f"已撤销大屏链接 {link.id}（{link.label}）；使用它的大屏在下一次刷新时回到登录页。")
    return 0


_ACTIONS = {"add": _add, "set": _set, "remove": _remove, "reset": _reset, "unlock": _unlock, "list": _list,
            "screen-link": _screen_link}
