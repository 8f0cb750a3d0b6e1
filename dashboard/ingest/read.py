"""Reading uploaded files into plain grids of cells, positions kept as the user sees them.

Excel workbooks are read with python-calamine when it is installed (several times faster than
openpyxl on a province's files, and it reports merged ranges); openpyxl's read-only mode is the
fallback. CSV files arrive as UTF-8, UTF-8 with a BOM (Excel's "CSV UTF-8"), GBK/GB18030
(Excel's plain "CSV" on a Chinese Windows) or UTF-16 (Excel's "Unicode text"); the encoding is
decided by strict decoding, and a file that is neither is refused rather than read as mojibake.

Nothing is loaded before it is known to fit the limits of dashboard/ingest/limits.py: a file's
size first; a workbook is then checked part by part without being loaded (xlsx_scan.py), a CSV
file's lines and columns before it is parsed. A refusal is a FileError naming the file, the sheet
and the limit.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.ingest import limits
from dashboard.ingest.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS

try:  # optional accelerator; see module docstring
    import python_calamine
except ImportError:  # pragma: no cover - exercised only where calamine is absent
    python_calamine = None


class FileError(Exception):
    """A file that cannot be read at all; the message is Chinese and names the file."""


# progress(stage, **info) with stage "scan" (file, sheet, rows, fraction: of the file's parts
# scanned), "load" (file, sheet, rows) or "parse" (file); see dashboard/ingest/child.py.
Progress = Callable[..., None]


def _quiet(stage: str, **info) -> None:
    pass


@dataclass
class RawSheet:
    """One sheet's cells. Row i (0-based) is the row Excel shows as i + 1. A workbook sheet keeps
    its cells as read (`rows`); a CSV file is parsed straight into text columns (`frame`), and
    `rows` then holds only its first lines, where the header is looked for."""
    file: str
    sheet: str                         # "" for a CSV file
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive, 0-based
    notes: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None  # CSV: column j = frame[j], str dtype, NA for an empty cell

    @property
    def where(self) -> str:
        return f"{self.file} 工作表“{self.sheet}”" if self.sheet else self.file

    def is_empty(self) -> bool:
        if self.frame is not None:
            for j in self.frame.columns:
                s = self.frame[j]
                if s.notna().any() and s.str.strip().fillna("").ne("").any():
                    return False
            return True
        return not any(v not in (None, "") and str(v).strip() for r in self.rows for v in r)

    def text_columns(self, start: int, width: int) -> list[pd.Series]:
        """Columns 0..width-1 of the rows from `start` on, as text (str dtype, NA where empty)."""
        if self.frame is not None:
            data = self.frame.iloc[start:].reset_index(drop=True)
            n = len(data)
            return [data[j] if j in data.columns else pd.Series([None] * n, dtype="str") for j in range(width)]
        data = self.rows[start:]
        width = max([width] + [len(r) for r in data])
        data = [r if len(r) == width else list(r) + [None] * (width - len(r)) for r in data]
        columns = list(zip(*data)) if data else [()] * width
        return [_text_array(c) for c in columns]


_STR = pd.StringDtype("pyarrow", na_value=float("nan"))  # pandas' default "str" dtype, built from Arrow directly


_NONE = type(None)


def _text_array(values) -> pd.Series:
    """A column of cells as text, as cell_text would give, with the common cases in bulk: all
    text, or numbers (Excel's floats) mixed with text; only other cells go one by one."""
    values = list(values)
    kinds = set(map(type, values))
    if kinds <= {str, _NONE}:
        arr = pa.array(values, type=pa.string())
    elif kinds <= {str, float, int, _NONE}:
        obj = np.array(values, dtype=object)
        idx = np.flatnonzero(np.fromiter((v.__class__ is float or v.__class__ is int for v in values), bool, len(values)))
        nums = obj[idx].astype(np.float64)
        whole = np.isfinite(nums) & (nums == np.round(nums)) & (np.abs(nums) < 1e15)
        obj[idx[whole]] = pa.array(nums[whole].astype(np.int64)).cast(pa.string()).to_numpy(zero_copy_only=False)
        obj[idx[~whole]] = [cell_text(v) for v in obj[idx[~whole]]]
        arr = pa.array(obj, type=pa.string(), from_pandas=True)
    else:
        arr = pa.array(list(map(cell_text, values)), type=pa.string())
    return pd.Series(arr.to_pandas(types_mapper={pa.string(): _STR}.get))


def read_upload(name: str, data: bytes, *, size: int | None = None, progress: Progress | None = None) -> list[RawSheet]:
    """The sheets of one uploaded file. `size` is the file's real size when `data` holds only its
    first bytes (a caller that stopped reading at the limit)."""
    size = len(data) if size is None else size
    if size > MAX_FILE_BYTES:
        raise FileError(f"文件“{name}”大小为{limits.size_text(size, MAX_FILE_BYTES)}，"
                        f"超过上限{limits.size_text(MAX_FILE_BYTES)}，未读取")
    progress = progress or _quiet
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(name, data, progress)
    if suffix in (".csv", ".txt"):
        return [read_csv(name, data, progress)]
    if suffix in (".xls", ".et", ".wps"):
        raise FileError(f"{name}:旧版 Excel(.xls)或 WPS 格式无法读取,请在 Excel/WPS 中“另存为”.xlsx 后再上传")
    raise FileError(f"{name}:只能导入 .xlsx 或 .csv 文件")


# ---------------------------------------------------------------- Excel

def read_xlsx(name: str, data: bytes, progress: Progress | None = None) -> list[RawSheet]:
    if not data.startswith(b"PK"):
        raise FileError(f"{name}:不是有效的 .xlsx 文件(文件内容不是 Excel 工作簿,可能已损坏或只是改了扩展名)")
    from dashboard.ingest import xlsx_scan

    progress = progress or _quiet
    try:
        xlsx_scan.check_workbook(name, data, progress)
        sheets = (_read_calamine if python_calamine else _read_openpyxl)(name, data, progress)
    except FileError:
        raise
    except Exception as exc:  # a broken zip or XML: the library's own message is not for users
        raise FileError(f"{name}:无法读取该 Excel 文件({type(exc).__name__}),请用 Excel 打开后重新保存为 .xlsx") from exc
    for sheet in sheets:
        sheet.merged = _bounded_merges(name, sheet)
    return sheets


def _read_calamine(name: str, data: bytes, progress: Progress) -> list[RawSheet]:
    from dashboard.ingest import xlsx_scan

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in book.sheets_metadata:
        if "WorkSheet" not in str(meta.typ):
            continue  # chart sheets hold no cells
        progress("load", file=name, sheet=meta.name)
        sheet = book.get_sheet_by_name(meta.name)
        # The scan bounded the cells already; the reader's own count guards the Python objects.
        xlsx_scan.check_extent(name, meta.name, sheet.height, sheet.width)
        # skip_empty_area=False keeps row i at Excel row i + 1, which the rejects must quote.
        rows = sheet.to_python(skip_empty_area=False)
        merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
        notes = [] if "Visible" in str(meta.visible) else ["该工作表在 Excel 中是隐藏的"]
        sheets.append(RawSheet(name, meta.name, rows, merged, notes))
    return sheets


def _read_openpyxl(name: str, data: bytes, progress: Progress) -> list[RawSheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in book.worksheets:
            progress("load", file=name, sheet=ws.title)
            rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            notes = [] if ws.sheet_state == "visible" else ["该工作表在 Excel 中是隐藏的"]
            sheets.append(RawSheet(name, ws.title, rows, _merged_ranges(data, ws._worksheet_path), notes))
        return sheets
    finally:
        book.close()


def _bounded_merges(name: str, sheet: RawSheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the cells the sheet has (a merge beyond them covers nothing), refused
    when together they cover more cells than a sheet may hold: each covered cell is filled in."""
    height = len(sheet.rows)
    width = max((len(r) for r in sheet.rows), default=0)
    out, covered = [], 0
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= height or c1 >= width or r2 < r1 or c2 < c1:
            continue
        r2, c2 = min(r2, height - 1), min(c2, width - 1)
        covered += (r2 - r1 + 1) * (c2 - c1 + 1)
        out.append((r1, c1, r2, c2))
    if covered > MAX_CELLS:
        raise FileError(f"文件“{name}”工作表“{sheet.sheet}”的合并单元格共覆盖{covered}个单元格，"
                        f"超过上限{MAX_CELLS}个，未读取")
    return out


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(data: bytes, path: str) -> list[tuple[int, int, int, int]]:
    """Read-only openpyxl does not expose merged ranges; they follow the cells in the sheet's XML."""
    from openpyxl.utils.cell import column_index_from_string as col

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read(path.lstrip("/"))
    start = max(xml.rfind(b"sheetData>"), 0)
    return [(int(r1) - 1, col(c1.decode()) - 1, int(r2) - 1, col(c2.decode()) - 1)
            for c1, r1, c2, r2 in _MERGE.findall(xml, start)]


# ---------------------------------------------------------------- CSV

def decode(name: str, data: bytes) -> tuple[str, str]:
    """(text, encoding label). Strict UTF-8 first: GBK text almost never decodes as UTF-8, while
    UTF-8 text usually does decode as GB18030 — as mojibake — so the order matters."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(name, data[3:], "utf-8"), "UTF-8(带 BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(name, data, "utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    good = len(loose) - len(loose.encode("ascii", "ignore")) - bad  # non-ASCII characters that decoded
    if good > 10 * bad:
        # Mostly valid UTF-8 with a few broken bytes: a damaged file, not a GBK one.
        line = data[:utf8_error.start].count(b"\n") + 1
        raise FileError(f"{name}:文件是 UTF-8 编码,但第 {line} 行有无法识别的字符(文件可能已损坏),请重新导出")
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        raise FileError(f"{name}:无法识别文件编码(既不是 UTF-8,也不是 GBK/GB18030),"
                        "请在 Excel 中另存为“CSV UTF-8(逗号分隔)”后再上传") from None


def _strict(name: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileError(f"{name}:文件声明为 {encoding.upper()} 编码,但第 {line} 行有无法识别的字符") from None


def read_csv(name: str, data: bytes, progress: Progress | None = None) -> RawSheet:
    if data[:4].startswith(b"PK"):
        raise FileError(f"{name}:这是一个 Excel 工作簿,不是 CSV 文件,请把扩展名改回 .xlsx")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError(f"{name}:不是文本文件(含二进制内容),无法按 CSV 读取")
    text, encoding = decode(name, data)
    sample = text[:20000]
    # Excel writes commas; its "Unicode text" export writes tabs.
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    notes = [f"按 {encoding} 编码读取"]
    width = _check_csv_shape(name, text, delimiter)
    (progress or _quiet)("parse", file=name)
    try:
        frame = _parse_fast(text, delimiter, width)
    except (pd.errors.ParserError, ValueError):
        frame = _parse_exact(name, text, delimiter)
    _check_csv_cells(name, frame)
    head = frame.head(HEAD_ROWS).astype(object).where(frame.head(HEAD_ROWS).notna(), None).values.tolist()
    return RawSheet(name, "", head, [], notes, frame=frame)


HEAD_ROWS = 60


def _check_csv_shape(name: str, text: str, delimiter: str) -> int:
    """Lines and columns against the limits before the file is parsed; returns the width to parse
    with (delimiters on the widest line, + 1). Quoted delimiters and line breaks inside cells
    overcount, so a file over a limit by that count is measured exactly before it is refused."""
    if text.count("\n") + 1 > MAX_ROWS:
        records = sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if records > MAX_ROWS:
            raise FileError(f"文件“{name}”有{records}行，超过上限{MAX_ROWS}行，未读取")
    width = max((line.count(delimiter) for line in text.splitlines()), default=0) + 1
    if width > MAX_COLUMNS:
        for line, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
            if len(record) > MAX_COLUMNS:
                raise FileError(f"文件“{name}”第{line}行有{len(record)}列，超过上限{MAX_COLUMNS}列，未读取")
    return width


def _check_csv_cells(name: str, frame: pd.DataFrame) -> None:
    for j in frame.columns:
        lengths = frame[j].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            i = int(lengths.to_numpy(dtype="float64", na_value=0).argmax())
            raise FileError(f"文件“{name}”第{i + 1}行第{j + 1}列有{int(lengths.iloc[i])}个字符，"
                            f"超过每个单元格{MAX_CELL_CHARS}个字符的上限，未读取")


def _parse_fast(text: str, delimiter: str, width: int) -> pd.DataFrame:
    """pandas' C parser, given enough column names for the widest line (title rows above the
    header are narrower), keeping blank lines so record i stays row i + 1 as Excel shows it."""
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width), dtype="str",
                        keep_default_na=False, na_values=[""], skip_blank_lines=False, engine="c")
    if len(frame) and frame.iloc[-1].isna().all() and not text.endswith(("\n\n", "\r\n\r\n")):
        frame = frame.iloc[:-1]
    return frame


def _parse_exact(name: str, text: str, delimiter: str) -> pd.DataFrame:
    """The csv module: slower, and tolerant of the stray quotes that stop the C parser."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileError(f"{name}:CSV 格式错误({exc})") from None
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(rows, columns=range(width), dtype="str") if rows else pd.DataFrame(columns=range(0))
    return frame.mask(frame == "")


# ---------------------------------------------------------------- cell values as text

def cell_text(v) -> str | None:
    """One cell as the text a user would type; numbers without a spurious '.0'. Excel stores every
    number as a float, so 2161000001 arrives as 2161000001.0 and 2023 as 2023.0."""
    if v is None:
        return None
    cls = v.__class__
    if cls is str:
        return v
    if cls is float:
        if v != v:
            return None
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if cls is bool:
        return "TRUE" if v else "FALSE"
    if cls is int:
        return str(v)
    if cls is dt.datetime:
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if cls is dt.date:
        return v.isoformat()
    return str(v)
