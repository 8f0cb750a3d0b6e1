"""Chart images on the server: plotly figure -> PNG at print resolution and SVG.

Plotly's image export (kaleido 1.x) drives a Chromium through choreographer. Bureaus run on
closed networks, so nothing here may fetch anything: the browser is the system's Chromium
(never kaleido's `get_chrome` download), MathJax is off (kaleido would load it from a CDN) and
plotly.js comes from the installed plotly package. Chinese text needs a CJK font that the
browser can find through fontconfig; without one every character is drawn as the same box.

Starting Chromium takes seconds and each figure a fraction of one, so a pack renders all its
figures in one session (`ChartRenderer`), and a command-line run shares one across its packs.

The PNG and SVG files of a pack carry the chart's title, as they travel on their own; the
picture in the Word document has none (`untitled`), as its numbered caption says it once.
"""
from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass

import plotly.graph_objects as go

INSTALL_HINT = "请安装 chromium 和 fonts-noto-cjk：apt-get install -y chromium fonts-noto-cjk"
# Where Debian and Ubuntu put the browser; BROWSER_PATH (choreographer's own override) wins.
BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome-stable",
                 "/usr/bin/google-chrome")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# 800 px wide at scale 3 is 2400 px: over 300 dpi across a 15.6 cm text column, and the 16 px
# type of the chart template prints at about 9 pt.
WIDTH = 800
PNG_SCALE = 3
# The band the title takes at the top of a figure (charts.TEMPLATE sets it): the document's
# picture, which has no title, gives it back.
TITLE_BAND = 50
# The document's picture: 1600 px across its 15.6 cm is 260 dpi, print quality at a third of
# the file size of the pack's own PNG.
DOC_SCALE = 2
# Two tabs render a figure's PNG and SVG side by side; more gains nothing on a small server.
TABS = 2
START_TIMEOUT = 60
FIGURE_TIMEOUT = 60


def browser_path() -> str | None:
    """The Chromium to drive, or None when there is none."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if _is_exe(override) else None
    for path in BROWSER_PATHS:
        if _is_exe(path):
            return path
    for name in BROWSER_NAMES:
        if (path := shutil.which(name)) and _is_exe(path):
            return path
    return None


def _is_exe(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def cjk_fonts() -> list[str]:
    """Font families that cover Chinese, as fontconfig (which Chromium uses) sees them."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30,
                                 check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    # No fontconfig tools: look for the usual font files instead.
    patterns = ("/usr/share/fonts/**/*CJK*", "/usr/share/fonts/**/wqy*", "/usr/share/fonts/**/*Han*Sans*")
    return sorted({os.path.basename(p) for pat in patterns for p in glob.glob(pat, recursive=True)})


def check_renderer() -> list[str]:
    """What stops chart images from being made, in Chinese for the page; empty when all is there."""
    problems = []
    try:
        import kaleido  # noqa: F401
    except ImportError:
        problems.append("未安装 Python 包 kaleido，图表无法导出为图片。请在项目环境中运行：pip install kaleido==1.5.0")
    if browser_path() is None:
        where = os.environ.get("BROWSER_PATH")
        problems.append((f"环境变量 BROWSER_PATH 指向的 {where} 不是可执行的浏览器，" if where else
                         "未找到 Chromium 浏览器，") + f"图表无法导出为图片。{INSTALL_HINT}")
    if not cjk_fonts():
        problems.append(f"未找到中文字体，图表中的中文会显示为方框，因此不导出图表图片。{INSTALL_HINT}")
    return problems


@dataclass(frozen=True)
class Image:
    png: bytes            # with the title, for the pack's 图表 folder
    svg: bytes
    doc_png: bytes = b""  # without the title, for the Word document
    width: int = WIDTH    # of doc_png in CSS pixels, for its aspect ratio
    height: int = 450


def untitled(fig: go.Figure) -> go.Figure:
    """The figure without its title, for a document that captions it: the top margin shrinks by
    the title's band (keeping room for a legend or a reference line's label) and so does the height."""
    fig = go.Figure(fig)
    template_margin = fig.layout.template.layout.margin
    top = fig.layout.margin.t if fig.layout.margin.t is not None else (template_margin.t or 70)
    height = fig.layout.height or 450
    trimmed = min(TITLE_BAND, max(top - 20, 0))
    return fig.update_layout(title_text="", margin_t=top - trimmed, height=height - trimmed)


class ChartRenderer:
    """One Chromium session for many figures; use as a context manager.

    Kaleido is asyncio code; it runs on a private event loop in its own thread, so it works the
    same from a Streamlit script thread, the command line and tests.
    """

    def __init__(self, width: int = WIDTH, scale: int = PNG_SCALE, tabs: int = TABS):
        self.width, self.scale, self.tabs = width, scale, tabs
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    def __enter__(self) -> "ChartRenderer":
        path = browser_path()
        if path is None:
            raise RuntimeError(f"未找到 Chromium 浏览器。{INSTALL_HINT}")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()
        try:
            self._call(self._open(path), START_TIMEOUT)
        except BaseException:
            # A browser that started but never got ready must not be left running; the error
            # worth reporting is the one that stopped it, not one from closing it.
            try:
                self.__exit__()
            except Exception:
                pass
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._kaleido is not None and self._loop is not None:
                self._call(self._kaleido.close(), START_TIMEOUT)
        finally:
            self._kaleido = None
            self._stop_loop()

    async def _open(self, path: str):
        import kaleido

        self._kaleido = kaleido.Kaleido(path=path, mathjax=False, n=self.tabs, timeout=FIGURE_TIMEOUT)
        await self._kaleido.open()

    def render(self, fig: go.Figure, document: bool = True) -> Image:
        """The figure as PNG (scaled for print) and SVG (text kept as text), both titled, and
        (with `document`) as a PNG without its title for the Word document."""
        if self._kaleido is None:
            raise RuntimeError("ChartRenderer is not open")
        height = fig.layout.height or 450
        # On screen the page gives the figure room; on paper the title would touch the edge.
        fig = go.Figure(fig).update_layout(title_pad_l=12)
        bare = untitled(fig)
        k = self._kaleido

        async def all_three():
            calls = [k.calc_fig(fig, opts={"format": "png", "width": self.width, "height": height, "scale": self.scale}),
                     k.calc_fig(fig, opts={"format": "svg", "width": self.width, "height": height})]
            if document:
                calls.append(k.calc_fig(bare, opts={"format": "png", "width": self.width,
                                                    "height": bare.layout.height, "scale": DOC_SCALE}))
            return await asyncio.gather(*calls)

        png, svg, *doc = self._call(all_three(), 3 * FIGURE_TIMEOUT)
        return Image(png=png, svg=svg, doc_png=doc[0] if doc else b"", width=self.width,
                     height=bare.layout.height if document else height)

    def _call(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _stop_loop(self) -> None:
        if self._loop is not None:
            # choreographer leaves watchdog tasks behind when a browser dies; end them quietly.
            try:
                self._call(_cancel_other_tasks(), 10)
            except Exception:
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            if not self._loop.is_running():
                self._loop.close()
        self._loop, self._thread = None, None


async def _cancel_other_tasks() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
