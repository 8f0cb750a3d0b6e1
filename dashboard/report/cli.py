"""python -m dashboard report --year Y [--county CODE ...] --out DIR

Counties: none given means the whole extract (the caller of the command line may see every
county). One or more --county restricts what the packs may see to exactly those counties, and
by default makes one pack per county, as each county's material is written separately;
with --combined it makes a single pack over the listed counties together. The visible set is
never wider than the extract or the listed counties.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dashboard import config, contract, db
from dashboard.scope import Scope


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="统计年度，例如 2018")
    parser.add_argument("--county", action="append", default=[], metavar="CODE",
                        help="县区代码（6位）或名称，可重复；默认每个县区各生成一份材料")
    parser.add_argument("--combined", action="store_true",
                        help="与多个 --county 一起使用：把所列县区合并生成一份材料")
    parser.add_argument("--township", help="乡镇（街道）名称，需同时指定一个 --county")
    parser.add_argument("--stage", choices=contract.STAGES, help="学段")
    parser.add_argument("--ownership", choices=contract.OWNERSHIPS, help="办学性质")
    parser.add_argument("--locale", choices=contract.LOCALES, help="城乡分类")
    parser.add_argument("--data", type=Path, default=None, help="数据目录（默认为看板打开的数据目录）")
    parser.add_argument("--out", type=Path, required=True, help="输出目录")
    parser.add_argument("--no-charts", action="store_true", help="不生成图表图片（更快；Word 中也不含图表）")


def scopes(args, all_counties: tuple[str, ...], names: dict[str, str] | None = None) -> list[Scope]:
    """The scopes to make packs for; raises ValueError with a Chinese message on bad input.
    `names` (code -> county name) lets a county be given by name as well as by code."""
    by_name = {n: c for c, n in (names or {}).items()}
    wanted = [by_name.get(c, c) for c in args.county]
    unknown = [c for c, w in zip(args.county, wanted) if w not in all_counties]
    if unknown:
        known = "、".join(f"{c}({names[c]})" if names and c in names else c for c in all_counties)
        raise ValueError(f"数据中没有县区 {'、'.join(unknown)}；可用的县区：{known}")
    counties = tuple(dict.fromkeys(wanted))
    if args.township and len(counties) != 1:
        raise ValueError("--township 需要且只能同时指定一个 --county（不同县区可能有同名乡镇）")
    if args.combined and len(counties) < 2:
        raise ValueError("--combined 需要至少两个 --county")
    common = dict(year=args.year, stage=args.stage, ownership=args.ownership, locale=args.locale)
    if not counties:
        return [Scope(visible_counties=all_counties, all_visible=True, **common)]
    if args.combined:
        return [Scope(visible_counties=counties, all_visible=set(counties) >= set(all_counties), **common)]
    return [Scope(visible_counties=counties, county=c, township=args.township, **common) for c in counties]


def run(args) -> int:
    # Imported here: the dispatcher loads every command's module to build its help, and the
    # other commands should not pay for plotly, python-docx and XlsxWriter.
    from dashboard.report import render
    from dashboard.report.pack import make_pack, seconds, why

    # A data root with published versions is read at its current one, as the server reads it.
    data_dir = config.data_dir(args.data) if args.data else config.data_dir()
    try:
        con = db.open_extract(data_dir)
    except db.ExtractMissing as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    get = db.runner(con)
    all_counties = db.all_county_codes(con)
    years = [int(y) for y in get("available_years")["year"]]
    if args.year not in years:
        print(f"错误：数据中没有 {args.year} 年；可用的年度：{'、'.join(map(str, sorted(years)))}", file=sys.stderr)
        return 2
    counties = get("counties", None, visible=list(all_counties))
    names = dict(zip(counties["county_code"], counties["county_name"]))
    try:
        wanted = scopes(args, all_counties, names)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2

    args.out.mkdir(parents=True, exist_ok=True)
    problems = [] if args.no_charts else render.check_renderer()
    for p in problems:
        print(f"提示：{p}", file=sys.stderr)
    started = time.perf_counter()
    renderer = None
    if not args.no_charts and not problems:
        # One browser for every pack of this run: its start-up is the slow part.
        renderer = render.ChartRenderer()
        try:
            renderer.__enter__()
        except Exception as exc:
            print(f"提示：无法启动 Chromium，材料中将不含图表图片（{why(exc)}）。{render.INSTALL_HINT}", file=sys.stderr)
            renderer = None
    browser_start = time.perf_counter() - started
    if renderer is not None:
        print(f"已启动图表渲染程序（Chromium），用时{seconds(browser_start)}")
    try:
        for n, scope in enumerate(wanted, start=1):
            if len(wanted) > 1:
                print(f"第{n}/{len(wanted)}份材料：")
            pack = make_pack(get, scope, data_dir=data_dir,
                             charts=not args.no_charts and renderer is not None, renderer=renderer,
                             progress=_progress_printer())
            paths = pack.write_to(args.out)
            print(f"已生成：{paths[0]}")
            for p in paths[1:]:
                print(f"  {p.relative_to(args.out)}")
            for p in pack.problems:
                print(f"提示：{p}", file=sys.stderr)
            print("  用时：" + "，".join(f"{k}{seconds(v)}" for k, v in pack.timings.items()))
    finally:
        if renderer is not None:
            renderer.__exit__(None, None, None)
    print(f"全部完成，共{len(wanted)}份材料，全部用时{seconds(time.perf_counter() - started)}")
    return 0


def _progress_printer():
    """Each step of a pack on its own line ("图表 3/12：…"), as the report page shows it."""
    def show(fraction: float, text: str) -> None:
        print(f"  [{round(fraction * 100):3d}%] {text}", flush=True)
    return show
