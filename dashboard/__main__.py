"""Command line: python -m dashboard COMMAND ...

Each command lives in its own module, which defines `configure(parser)` and `run(args) -> int`.
None of them imports Streamlit (tests/test_cli_no_streamlit.py): the web framework costs seconds
to load and a command has no use for it.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "demo": ("dashboard.demo", "生成演示数据（虚构）"),
    "validate": ("dashboard.validate", "按数据规范检查一个数据目录"),
    "ingest": ("dashboard.ingest", "导入填报的 Excel/CSV 并发布为新数据"),
    "report": ("dashboard.report", "导出报告材料（Word、Excel、图表）"),
    "users": ("dashboard.users", "管理用户账号"),
    "boundaries": ("dashboard.maps", "检查或安装县区边界（GeoJSON）"),
    "prepare": ("dashboard.prepare", "启动前准备数据（大规模数据的数据库文件）"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="中小学校党建数据看板")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        modules[name] = module
        module.configure(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return int(modules[args.command].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
