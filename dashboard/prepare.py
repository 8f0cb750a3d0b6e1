"""python -m dashboard prepare [DIR]: make the extract ready to serve before the server starts.

A large extract's database file (db.DATABASE_FILE) is normally written when the extract is
published; one that is missing or stale (Parquet files copied in by hand, a new version of the
dashboard with other models) is built here, so that no request waits for it (scripts/run.sh and
scripts/serve.sh run this first)."""
from __future__ import annotations

import argparse
import sys
import time

from dashboard import config, db


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default=None, help="数据目录（默认为看板打开的数据目录）")


def run(args) -> int:
    data_dir = config.data_dir(args.data_dir) if args.data_dir else config.data_dir()
    started = time.perf_counter()
    try:
        built = db.prepare(data_dir)
    except db.ExtractMissing as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    if built is None:
        print(f"数据目录 {data_dir} 无需预先准备（规模较小，打开时直接载入）。")
    else:
        print(f"数据已就绪：{built}（用时{time.perf_counter() - started:.1f}秒）")
    return 0
