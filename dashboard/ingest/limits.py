"""How much an import may read, in one place, each value with the reason for it.

Everything here is checked before the data it bounds is loaded: a file's size before it is read,
a workbook's parts from the zip directory and by streaming them (never by loading a sheet), a
CSV's lines and columns before it is parsed. The reference is the project's province benchmark
(30450 schools × 8 years, 630586 rows in six workbooks; its largest sheet is 240281 rows × 16
columns, 139 MB of sheet XML in a 12.6 MB file, read in ≈1.1 GB of memory) and a sheet of up to
~500000 rows, which a bureau may upload in one piece. The limits leave room for that several
times over and refuse what no real form needs.
"""
from __future__ import annotations

import math
import os

KB, MB, GB = 1 << 10, 1 << 20, 1 << 30

# A file's size. The benchmark's largest file is 16 MB (CSV) or 12.6 MB (xlsx); 500000 rows of
# 30 columns are ≈150 MB as CSV. 200 MB is also Streamlit's own upload ceiling
# (server.maxUploadSize), so the page and the command line refuse the same files.
MAX_FILE_BYTES = 200 * MB

# Entries in a workbook's zip directory. A real workbook has 10 to a few hundred (a part per sheet,
# styles, shared strings, images); each entry costs memory before anything is read.
MAX_PARTS = 10_000

# The uncompressed size of one part. The benchmark's largest sheet is 139 MB of XML; 500000 rows of
# 30 columns of long text are ≈700 MB. A deflated part can inflate 1000-fold, so a few megabytes
# can hide gigabytes (the zip bomb this stops).
MAX_PART_BYTES = 1 * GB

# All parts together: two such sheets.
MAX_BOOK_BYTES = 2 * GB

# A part that describes the workbook (its sheet list, relationships and styles), read whole: a few
# kilobytes in practice, ≈10 MB for an old workbook bloated with tens of thousands of styles.
MAX_META_BYTES = 64 * MB

# Rows of a sheet or lines of a CSV file: Excel's and WPS's own maximum, so any sheet a user can
# make fits; memory is bounded by MAX_CELLS below.
MAX_ROWS = 1_048_576

# Columns: the templates have at most 16 and bureau forms rarely 60; 256 is old Excel's maximum,
# generous for any form, and far below the 16384 (XFD) a forged dimension declares.
MAX_COLUMNS = 256

# Cells of a sheet's rectangle, from A1 to its last row and column: the reader holds every cell
# of it, empty or not (≈150 bytes each once read), so this is what bounds memory. 20 million is
# 500000 rows × 40 columns, ≈3 GB while read; the benchmark's largest sheet has 3.8 million.
MAX_CELLS = 20_000_000

# Merged ranges of a sheet: a form merges a few title cells, a bureau's list may merge a county
# cell over each block of rows; one per row of a 500000-row sheet, twice over, is plenty. Together
# they may not cover more than MAX_CELLS cells (each covered cell is filled in).
MAX_MERGED = 1_000_000

# Characters in one cell: Excel's own limit, so no cell typed in Excel is refused. Longer text is
# a forged or broken file, and every message quoting it would carry it.
MAX_CELL_CHARS = 32_767

# Memory of the child process that reads and checks an upload (address space, RLIMIT_AS: the
# reservations of Python, Arrow and the reader count, not only what is touched). The benchmark
# peaks at ≈2.3 GB of address space (1.1 GB resident); 6 GB leaves room for a 500000-row sheet.
# Never more than half the machine, so the server beside it keeps running; at least 2 GB, which
# Python and the libraries need to start (≈0.5 GB) and a county's upload to be checked.
MEMORY_ENV = "DASHBOARD_IMPORT_MEMORY_MB"
DEFAULT_MEMORY_BYTES = 6 * GB
MIN_MEMORY_BYTES = 2 * GB

# CPU seconds of the child: the benchmark needs ≈20 s; a file that keeps it busy for half an hour
# is not a form. Wall time is bounded at twice that (a child waiting on nothing).
CPU_SECONDS = 1800

# Findings printed by the command line, and the characters of each: the full list is in the
# rejects workbook, and one line must not carry a 30000-character cell.
SHOW_FINDINGS = 30
SHOW_CHARS = 300


def memory_bytes() -> int:
    """The child's memory ceiling: DASHBOARD_IMPORT_MEMORY_MB when set, else the default above."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if raw:
        try:
            return max(int(float(raw) * MB), 64 * MB)
        except ValueError:
            pass
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not a POSIX system
        return DEFAULT_MEMORY_BYTES
    return min(DEFAULT_MEMORY_BYTES, max(MIN_MEMORY_BYTES, physical // 2))


def size_text(n: int, unit: int | None = None) -> str:
    """A size as a user reads it: in GB, MB or KB (the unit of `unit` when given, so a size and its
    limit compare at a glance), rounded up at one decimal so a size over a limit never reads as
    equal to it."""
    unit = unit or n
    for step, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if unit >= step:
            value = math.ceil(n * 10 / step) / 10
            return f"{value:g} {name}"
    return f"{n} 字节"


def clip(text: str, limit: int = SHOW_CHARS) -> str:
    """One printed finding at most `limit` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}……（另有{len(text) - limit}个字符未显示）"
