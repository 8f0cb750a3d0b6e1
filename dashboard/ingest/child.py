"""Reading and checking an upload in a child process with a memory ceiling, so no file can take
down the process that asked: the Streamlit server keeps serving every other user, the command
line says what happened.

The parent (prepare below, used by the 数据管理 page and `python -m dashboard ingest`) starts
`python -m dashboard.ingest.child REQUEST` with the uploaded files on disk. The child sets its
own limits first (address space, RLIMIT_AS, and CPU time, dashboard/ingest/limits.py), runs
pipeline.prepare, writes the Plan as a pickle into the parent's private temporary directory and
reports progress as JSON lines on its standard output:

    {"step": "正在读取……", "fraction": 0.42}   progress, fraction of the whole check (or null)
    {"done": true, "peak": {…}}                the Plan is written; the child's peak memory
    {"error": "memory"}                        the ceiling was reached
    {"error": "internal", "detail": "…"}       a fault (the traceback is on its standard error)

A child that dies without a word (an allocation that aborts, the CPU limit, the kernel) is
reported from its exit status. The parent logs the child's standard error; users see Chinese.

Progress: pipeline.prepare has no progress hook, so the child (its own process: nothing else
sees it) wraps the functions prepare calls by name: read_upload, clean.clean_sheet, _findings
and compare. When prepare gains `progress=None` (called as progress(stage, **info), and passed
on to read_upload), the child passes its reporter and wraps only read_upload, for the file's
real size.
"""
from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import logging
import os
import pickle
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from dashboard.ingest import limits

log = logging.getLogger("dashboard.ingest")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent   # holds the dashboard package
_MEMORY_EXIT, _INTERNAL_EXIT = 3, 4


@dataclasses.dataclass(frozen=True)
class Step:
    text: str                  # Chinese, for the user
    fraction: float | None     # of the whole check, 0 to 1; None when not known


class ChildFailed(Exception):
    """The check did not finish; the message is Chinese and says why. Nothing was changed."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason   # "memory", "cpu", "internal" or "died"


def duration_text(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}秒"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}分{rest}秒"


# ---------------------------------------------------------------- parent

def prepare(files: list[tuple[str, Path | str]], root: Path | str, *, replace_all: bool = False,
            on_step: Callable[[Step], None] | None = None, memory: int | None = None):
    """pipeline.prepare for the files (their names as the user gave them, and where they are on
    disk) in a child process; returns its Plan or raises ChildFailed."""
    memory = memory or limits.memory_bytes()
    on_step = on_step or (lambda step: None)
    with tempfile.TemporaryDirectory(prefix="dashboard-import-") as tmp:
        request = Path(tmp) / "request.json"
        out = Path(tmp) / "plan.pickle"
        request.write_text(json.dumps({
            "files": [[name, str(Path(path).resolve())] for name, path in files],
            "root": str(Path(root).resolve()), "replace_all": replace_all, "out": str(out),
            "memory": memory, "cpu": limits.CPU_SECONDS,
        }, ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_DIR), os.environ.get("PYTHONPATH")])),
               # glibc reserves address space per thread arena; two are plenty for this work.
               "MALLOC_ARENA_MAX": "2"}
        with open(Path(tmp) / "stderr.log", "w+b") as errors:
            proc = subprocess.Popen([sys.executable, "-m", "dashboard.ingest.child", str(request)],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env)
            try:
                last = _follow(proc, on_step, deadline=time.monotonic() + 2 * limits.CPU_SECONDS)
                code = proc.wait()
            finally:
                if proc.poll() is None:  # the caller stopped (a rerun of the page) or the deadline passed
                    proc.kill()
                    proc.wait()
            errors.seek(0, os.SEEK_END)
            errors.seek(max(0, errors.tell() - 20000))
            tail = errors.read().decode("utf-8", "replace")
        if code == 0 and last.get("done") and out.is_file():
            peak = last.get("peak") or {}
            log.info("import check done: peak address space %s MB, resident %s MB (ceiling %s MB)",
                     peak.get("address_mb"), peak.get("resident_mb"), memory >> 20)
            with open(out, "rb") as f:
                return pickle.load(f)  # written by our own child into our private directory
    _fail(code, last, tail, memory)


def _follow(proc: subprocess.Popen, on_step, deadline: float) -> dict:
    """Pass the child's progress on until it closes its output; returns its last message."""
    last: dict = {}
    buf = b""
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            if time.monotonic() > deadline:
                proc.kill()
                last = {"error": "timeout"}
                break
            if not sel.select(timeout=1.0):
                continue
            data = os.read(fd, 65536)
            if not data:
                break
            buf += data
            *lines, buf = buf.split(b"\n")
            for line in lines:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(msg, dict):
                    continue
                if "step" in msg:
                    on_step(Step(str(msg["step"]), msg.get("fraction")))
                else:
                    last = msg
    proc.stdout.close()
    return last


def _fail(code: int | None, last: dict, stderr_tail: str, memory: int) -> None:
    log.warning("import child failed (exit %s, last message %s):\n%s", code, last, stderr_tail)
    ceiling = limits.size_text(memory)
    out_of_memory = (last.get("error") == "memory" or code == _MEMORY_EXIT
                     or "memory allocation of" in stderr_tail or "MemoryError" in stderr_tail
                     or "std::bad_alloc" in stderr_tail)
    if out_of_memory:
        raise ChildFailed(f"导入进程占用内存超过上限{ceiling}，已终止，未做任何改动", "memory")
    if code == -getattr(signal, "SIGXCPU", -1000) or last.get("error") == "timeout":
        raise ChildFailed(f"导入进程运行时间超过上限{limits.CPU_SECONDS // 60}分钟，已终止，未做任何改动", "cpu")
    if last.get("error") == "internal" or code == _INTERNAL_EXIT:
        raise ChildFailed("检查文件时程序出错，未做任何改动；详细信息已记入服务器日志", "internal")
    how = f"信号{-code}" if code is not None and code < 0 else f"退出码{code}"
    raise ChildFailed(f"导入进程意外退出（{how}），未做任何改动；若文件很大，可能是占用内存超过了上限{ceiling}", "died")


# ---------------------------------------------------------------- child

class _Tracker:
    """Turns the pipeline's events into Chinese steps with a fraction of the whole: reading takes
    the first 55% (by file size; within a workbook, scanning its parts the first 30% of the file's
    share, loading the cells the rest), checking the sheets the next 30% (by rows), the rules and
    the comparison the rest."""

    READ, CLEAN, SCAN = 0.55, 0.30, 0.3

    def __init__(self, send, names: list[str], sizes: list[int]):
        self.send, self.names, self.sizes = send, names, sizes
        self.total = max(sum(sizes), 1)
        self.file_index, self.before = -1, 0
        self.rows_total = self.rows_done = 0
        self.last_sent = 0.0

    def _emit(self, text: str, fraction: float, urgent: bool = True) -> None:
        now = time.monotonic()
        if urgent or now - self.last_sent >= 0.25:
            self.last_sent = now
            self.send(step=text, fraction=round(min(max(fraction, 0.0), 1.0), 4))

    def file(self, index: int) -> None:
        if self.file_index >= 0:
            self.before += self.sizes[self.file_index]
        self.file_index = index
        n = len(self.names)
        self._emit(f"正在读取“{self.names[index]}”（第{index + 1}个，共{n}个文件）", self.READ * self.before / self.total)

    def sheets_read(self, sheets) -> None:
        for s in sheets:
            self.rows_total += len(s.frame) if s.frame is not None else len(s.rows)

    def event(self, stage: str, **info) -> None:
        file, sheet = info.get("file", ""), info.get("sheet", "")
        where = f"“{file}”" + (f"工作表“{sheet}”" if sheet else "")
        size = self.sizes[self.file_index] if self.file_index >= 0 else 0
        if stage == "scan":
            rows = info.get("rows") or 0
            text = f"正在检查{where}的结构：已读{rows}行" if sheet else f"正在检查{where}的共享字符串"
            within = self.SCAN * float(info.get("fraction") or 0)
            self._emit(text, self.READ * (self.before + size * within) / self.total, urgent=False)
        elif stage == "load":
            self._emit(f"正在读取{where}的单元格", self.READ * (self.before + size * self.SCAN) / self.total)
        elif stage == "parse":
            self._emit(f"正在解析{where}", self.READ * (self.before + size / 2) / self.total)
        elif stage == "clean":
            rows = int(info.get("rows") or 0)
            done = self.rows_done / self.rows_total if self.rows_total else 0.0
            self.rows_done += rows
            self._emit(f"正在检查{where}的{rows}行数据", self.READ + self.CLEAN * done)
        elif stage == "check":
            self._emit("正在按数据规范校验合并后的数据", self.READ + self.CLEAN + 0.05)
        elif stage == "compare":
            self._emit("正在与当前数据比较", self.READ + self.CLEAN + 0.10)


def _limit(memory: int, cpu: int) -> None:
    for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu)):
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))


def _run(request: dict, send) -> object:
    from dashboard.ingest import clean, pipeline, read

    files = request["files"]
    names = [name for name, _ in files]
    sizes = [os.path.getsize(path) for _, path in files]
    uploads = []
    for name, path in files:
        with open(path, "rb") as f:
            # Never more than the limit and one byte: read_upload refuses the file by its real size.
            uploads.append(pipeline.Upload(name, f.read(limits.MAX_FILE_BYTES + 1)))
    tracker = _Tracker(send, names, sizes)
    calls = iter(range(len(uploads)))

    def read_upload(name, data, **kw):
        index = next(calls)
        tracker.file(index)
        kw.setdefault("progress", tracker.event)
        sheets = read.read_upload(name, data, size=sizes[index], **kw)
        tracker.sheets_read(sheets)
        return sheets

    pipeline.read_upload = read_upload
    hooked = "progress" in inspect.signature(pipeline.prepare).parameters
    if hooked:
        return pipeline.prepare(uploads, request["root"], replace_all=request["replace_all"], progress=tracker.event)

    clean_sheet, findings, compare = clean.clean_sheet, pipeline._findings, pipeline.compare

    def clean_with_progress(sheet, header, counties):
        rows = len(sheet.frame) if sheet.frame is not None else len(sheet.rows)
        tracker.event("clean", file=sheet.file, sheet=sheet.sheet, rows=max(rows - header.data_start, 0))
        return clean_sheet(sheet, header, counties)

    def findings_with_progress(tables):
        tracker.event("check")
        return findings(tables)

    def compare_with_progress(*args, **kw):
        tracker.event("compare")
        return compare(*args, **kw)

    clean.clean_sheet, pipeline._findings, pipeline.compare = clean_with_progress, findings_with_progress, compare_with_progress
    return pipeline.prepare(uploads, request["root"], replace_all=request["replace_all"])


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    _limit(int(request["memory"]), int(request["cpu"]))
    # Messages go to the parent on the original standard output; anything a library prints goes
    # to standard error, where it cannot be mistaken for one.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def send(**message) -> None:
        channel.write(json.dumps(message, ensure_ascii=False) + "\n")

    try:
        plan = _run(request, send)
        with open(request["out"], "wb") as f:
            pickle.dump(plan, f, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        plan = None
        send(error="memory")
        return _MEMORY_EXIT
    except Exception as exc:
        traceback.print_exc()
        send(error="internal", detail=f"{type(exc).__name__}: {exc}"[:500])
        return _INTERNAL_EXIT
    send(done=True, peak=_peak())
    return 0


def _peak() -> dict:
    """The child's peak address space (what the ceiling limits) and resident memory, in MB."""
    out = {"resident_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmPeak:"):
                out["address_mb"] = int(line.split()[1]) // 1024
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
