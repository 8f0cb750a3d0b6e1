"""One report pack: the Word document, the Excel workbook and every chart as PNG and SVG, zipped.

The report page and the command line both call `make_pack`, so for the same scope and data
they produce the same files.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dashboard import contract, db
from dashboard.charts import is_empty
from dashboard.metrics import DASH
from dashboard.figures import Getter
from dashboard.report import render
from dashboard.report.content import Report, build_report
from dashboard.report.word import write_docx
from dashboard.report.workbook import write_xlsx
from dashboard.scope import Scope

Progress = Callable[[float, str], None]
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")


@dataclass
class Pack:
    name: str  # "2018年_全市_党建工作报告材料": the zip's name and its folder inside
    report: Report
    files: dict[str, bytes]  # path inside the pack -> content
    problems: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def zip_name(self) -> str:
        return f"{self.name}.zip"

    def zip_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path, content in self.files.items():
                z.writestr(f"{self.name}/{path}", content)
        return buf.getvalue()

    def write_to(self, out_dir: Path) -> list[Path]:
        """The zip and the same files unpacked beside it, for people who work in the folder."""
        out_dir = Path(out_dir)
        folder = out_dir / self.name
        written = []
        for path, content in self.files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(target)
        zip_path = out_dir / self.zip_name
        zip_path.write_bytes(self.zip_bytes())
        return [zip_path, *written]

    @property
    def docx_name(self) -> str:
        return next(p for p in self.files if p.endswith(".docx"))

    @property
    def xlsx_name(self) -> str:
        return next(p for p in self.files if p.endswith(".xlsx"))


def safe_name(text: str) -> str:
    """A file name that Windows, macOS and Linux all accept, keeping the Chinese."""
    return _UNSAFE.sub("_", text).strip("_.")


def sources(data_dir: Path) -> list[tuple[str, object]]:
    """Where the figures come from, for the document's and the workbook's 说明: the kind of data
    and when the extract was last written (a datetime, or a dash when no table is there)."""
    times = [contract.parquet_path(data_dir, t).stat().st_mtime for t in contract.TABLES
             if contract.parquet_path(data_dir, t).exists()]
    updated = dt.datetime.fromtimestamp(max(times)).replace(second=0, microsecond=0) if times else DASH
    kind = "演示数据（虚构）" if db.is_demo(data_dir) else "各校填报并经审核发布的党建统计数据"
    return [("数据来源", kind), ("数据更新时间", updated)]


def seconds(t: float) -> str:
    """"6.4秒", as the progress display and the command line say a time taken."""
    return f"{t:.1f}秒"


def make_pack(get: Getter, scope: Scope, *, data_dir: Path | str,
              charts: bool = True, renderer: render.ChartRenderer | None = None, progress: Progress | None = None,
              today: dt.date | None = None) -> Pack:
    """Build the pack for a scope. `renderer` lets a caller share one browser across packs;
    without it one is started for this pack when there are charts to draw."""
    data_dir = Path(data_dir)
    step = progress or (lambda fraction, text: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    step(0.02, "正在汇总数据……")
    report = build_report(get, scope, demo=db.is_demo(data_dir), today=today)
    src = sources(data_dir)
    timings["数据汇总"] = time.perf_counter() - started

    images: dict[int, render.Image] = {}
    problems: list[str] = []
    t = time.perf_counter()
    if charts and report.charts:
        problems = render.check_renderer()
        if not problems:
            problems = _render_all(report, images, renderer, step)
    timings["图表渲染"] = time.perf_counter() - t

    stem = safe_name(f"{scope.year}年_{report.subject}")
    files: dict[str, bytes] = {}
    step(0.85, "Word 文档：正在生成……")
    t = time.perf_counter()
    files[f"{stem}_党建工作报告.docx"] = write_docx(report, images, src, problems)
    timings["Word 文档"] = time.perf_counter() - t
    step(0.92, "Excel 统计表：正在生成……")
    t = time.perf_counter()
    files[f"{stem}_党建工作统计表.xlsx"] = write_xlsx(report, src)
    timings["Excel 统计表"] = time.perf_counter() - t
    # Numbered as the document numbers its figures: the drawn ones, in order.
    drawn = [i for i in range(len(report.charts)) if i in images]
    for number, i in enumerate(drawn, start=1):
        base = f"图表/图{number:02d}_{safe_name(report.charts[i].title)}"
        files[f"{base}.png"] = images[i].png
        files[f"{base}.svg"] = images[i].svg
    timings["合计"] = time.perf_counter() - started
    step(1.0, f"已完成，用时{seconds(timings['合计'])}")
    return Pack(f"{stem}_党建工作报告材料", report, files, problems, timings)


def _render_all(report: Report, images: dict, renderer, step: Progress) -> list[str]:
    """Render every chart, keeping what succeeded; returns the problems in Chinese."""
    charts = report.charts
    n = len(charts)

    def run(r: render.ChartRenderer) -> list[str]:
        failed = []
        for i, chart in enumerate(charts):
            step(0.15 + 0.65 * i / n, f"图表 {i + 1}/{n}：{chart.title}")
            if is_empty(chart.figure):
                continue  # bare axes say nothing; the section's paragraph says it in words
            try:
                images[i] = r.render(chart.figure)
            except Exception as exc:  # one bad figure should not cost the whole pack
                failed.append(f"图表“{chart.title}”生成失败（{why(exc)}）")
        return failed

    if renderer is not None:
        return run(renderer)
    step(0.08, "正在启动图表渲染程序（Chromium）……")
    r = render.ChartRenderer()
    try:
        r.__enter__()
    except Exception as exc:  # a browser that will not start still leaves a usable document
        return [f"无法启动 Chromium 生成图表图片（{why(exc)}）。{render.INSTALL_HINT}"]
    try:
        return run(r)
    finally:
        try:
            r.__exit__(None, None, None)
        except Exception:  # the images are made; a browser slow to close must not lose them
            pass


def why(exc: BaseException) -> str:
    """An error in a line: choreographer's carry several sentences of advice (about downloading
    Chrome) that do not apply here."""
    first = str(exc.args[0]) if exc.args else ""
    return f"{type(exc).__name__}: {first}"[:200]
