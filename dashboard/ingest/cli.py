"""python -m dashboard ingest: templates, import with a preview of what changes, versions."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from dashboard import audit, config, contract
from dashboard.ingest import limits, pipeline, templates, versions
from dashboard.ingest.issues import ERROR, INFO, WARNING

SHOW_ISSUES = limits.SHOW_FINDINGS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("导入填报的 Excel/CSV 并发布为新数据。\n"
                          "  python -m dashboard ingest --template 目录        生成空白填报模板\n"
                          "  python -m dashboard ingest 文件... [--data 目录]  检查并导入\n"
                          "  python -m dashboard ingest --list | --restore 版本 恢复以前的版本")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("files", nargs="*", metavar="FILE", help="要导入的 .xlsx 或 .csv 文件")
    parser.add_argument("--data", metavar="DIR", help="数据根目录（默认：DASHBOARD_DATA_DIR 或项目的 data/）")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--template", metavar="DIR", help="把各表的空白填报模板（.xlsx）写到 DIR")
    mode.add_argument("--list", action="store_true", help="列出已发布的版本")
    mode.add_argument("--restore", metavar="VERSION", help="把某个已发布的版本恢复为当前数据")
    parser.add_argument("--yes", "-y", action="store_true", help="检查通过后直接发布，不再询问")
    parser.add_argument("--dry-run", action="store_true", help="只检查并显示变化，不发布")
    parser.add_argument("--replace-all", action="store_true",
                        help="用上传的数据替换全部现有数据（默认只替换上传文件涉及的县区和年度）")
    parser.add_argument("--allow-rejects", action="store_true", help="有被拒绝的行时，仍发布其余通过的行")
    parser.add_argument("--rejects", metavar="PATH", help="问题清单工作簿的保存位置（默认在当前目录）")
    parser.add_argument("--note", default="", help="写入版本说明的备注")


def run(args) -> int:
    root = Path(args.data) if args.data else config.data_root()
    if args.files and (args.template or args.list or args.restore):
        print("--template、--list、--restore 不能与要导入的文件一起使用", file=sys.stderr)
        return 2
    try:
        if args.template:
            for p in templates.write_templates(args.template):
                print(f"已生成模板：{p}")
            return 0
        if args.list:
            return _list(root)
        if args.restore:
            try:
                pipeline.restore(root, args.restore, who=audit.cli_identity())
            except versions.PublishError as exc:
                print(f"未恢复：{exc}", file=sys.stderr)
                return 1
            print(f"已恢复版本 {args.restore}，看板在下次打开页面时使用该版本（数据目录 {root}）")
            return 0
        if not args.files:
            print("请指定要导入的文件，或使用 --template / --list / --restore（见 --help）", file=sys.stderr)
            return 2
        return _import(root, args)
    except versions.NothingChanged as exc:
        print(f"未发布：{exc}")
        return 0
    except versions.PublishError as exc:
        print(f"未发布：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"文件操作失败：{exc}", file=sys.stderr)
        return 1


def _list(root: Path) -> int:
    found = versions.list_versions(root)
    if not found:
        print(f"{root} 中还没有任何数据版本")
        return 0
    print(f"数据目录：{root}")
    for v in found:
        mark = "*" if v.current else " "
        rows = f"学校 {v.rows.get('schools', '?')} 所、学校年度 {v.rows.get('school_years', '?')} 行" if v.rows else ""
        src = ("来源：" + "、".join(v.sources[:4]) + (" 等" if len(v.sources) > 4 else "")) if v.sources else ""
        print(f"{mark} {v.id:<18} {v.created:<20} {rows} {src} {v.note}".rstrip())
    print("（* 为当前版本；用 --restore 版本号 恢复）")
    return 0


class _Progress:
    """The check's progress on standard error: one line rewritten in place on a terminal; in a
    log, a line when the step changes (file, sheet, stage) and at most every few seconds."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.shown, self.at, self.width = "", 0.0, 0

    def __call__(self, step) -> None:
        percent = f"{step.fraction * 100:3.0f}% " if step.fraction is not None else ""
        if self.tty:
            line = f"{percent}{step.text}"
            self.stream.write("\r" + line + " " * max(0, self.width - len(line)))
            self.width = len(line)
            self.stream.flush()
            return
        kind = step.text.split("：")[0]
        now = time.monotonic()
        if kind != self.shown or now - self.at >= 5:
            print(f"{percent}{step.text}", file=self.stream, flush=True)
            self.shown, self.at = kind, now

    def done(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _import(root: Path, args) -> int:
    from dashboard.ingest import child

    files = []
    for f in args.files:
        p = Path(f)
        if not p.is_file():
            print(f"找不到文件：{f}", file=sys.stderr)
            return 1
        files.append((p.name, p))
    cur = versions.current_version(root)
    print(f"数据目录：{root}（当前：{cur or ('目录自带数据' if versions.has_base(root) else '无数据')}）")
    if root.resolve() == (config.PROJECT_DIR / "data").resolve():
        print("提示：这是项目自带的演示数据目录；真实数据建议放在项目之外，用 DASHBOARD_DATA_DIR 或 --data 指定")
    started = time.monotonic()
    progress = _Progress()
    try:
        plan = child.prepare(files, root, replace_all=args.replace_all, on_step=progress)
    except child.ChildFailed as exc:
        progress.done()
        print(f"未检查：{exc}", file=sys.stderr)
        return 1
    progress.done()
    print(f"检查完成，用时{child.duration_text(time.monotonic() - started)}")

    print("\n各表行数（读取 = 接受 + 拒绝）：")
    for line in plan.count_lines():
        print("  " + line)
    errors, warnings = plan.errors, plan.warnings
    print(f"\n检查结果：{len(errors)} 个错误，{len(warnings)} 个警告，{plan.rows_rejected} 行被拒绝")
    shown = [i for i in plan.issues if i.severity == ERROR][:SHOW_ISSUES]
    shown += [i for i in plan.issues if i.severity == WARNING][:max(0, SHOW_ISSUES - len(shown))]
    for issue in shown:
        print("  " + limits.clip(str(issue)))
    for _, p in plan.problems.head(max(0, SHOW_ISSUES - len(shown))).iterrows():
        print("  " + limits.clip(f"[拒绝] {p['_file']} {('工作表“' + p['_sheet'] + '” ') if p['_sheet'] else ''}第 {p['_row']} 行"
                                 f"{('“' + p['column'] + '”列') if p['column'] else ''}：{p['message']}"))
    hidden = len(errors) + len(warnings) + len(plan.problems) - SHOW_ISSUES
    if hidden > 0:
        print(f"  ……其余 {hidden} 条见问题清单")
    infos = [i for i in plan.issues if i.severity == INFO]
    if infos:
        print(f"  另有 {len(infos)} 条说明（跳过的合计行、按空值导入的单元格等）见问题清单")

    if args.rejects or plan.rows_rejected or errors or hidden > 0:
        path = Path(args.rejects) if args.rejects else Path(f"导入问题_{dt.datetime.now():%Y%m%d-%H%M%S}.xlsx")
        path.write_bytes(plan.rejects_workbook())
        print(f"问题清单已保存：{path.resolve()}")

    print(f"\n与当前数据相比的变化{'(当前为演示数据,将被完全替换)' if plan.base_demo else ''}：")
    for line in plan.diff.lines():
        print("  " + limits.clip(line))

    blockers = plan.blockers(args.allow_rejects)
    if blockers:
        print("\n不能发布：" + ";".join(blockers), file=sys.stderr)
        return 1
    if args.dry_run:
        print("\n检查通过（--dry-run，未发布）")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("\n未发布：请确认以上变化后加 --yes 重新运行", file=sys.stderr)
            return 1
        if input("\n确认发布以上数据?输入 y 确认：").strip().lower() not in ("y", "yes", "是"):
            print("已取消，未发布")
            return 1
    started = time.monotonic()
    vid = pipeline.publish(plan, allow_rejects=args.allow_rejects, note=args.note, who=audit.cli_identity())
    print(f"\n已发布版本 {vid}：{', '.join(f'{contract.TABLES[t].label} {len(df)} 行' for t, df in plan.tables.items())}"
          f"（发布用时{child.duration_text(time.monotonic() - started)}）")
    print("看板在下次打开页面时使用新数据；用 --list 查看版本，--restore 恢复以前的版本")
    return 0
