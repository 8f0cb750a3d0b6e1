"""Reading uploaded files into plain grids of cells, positions kept as the user sees them.

Excel workbooks are read with python-calamine when it is installed (several times faster than
openpyxl on a province's files, and it reports merged ranges); openpyxl's read-only mode is the
fallback. CSV files arrive as UTF-8, UTF-8 with a BOM (Excel's "CSV UTF-8"), GBK/GB18030
(Excel's plain "CSV" on a Chinese Windows) or UTF-16 (Excel's "Unicode text"); the encoding is
decided by strict decoding, and a file that is neither is refused rather than read as mojibake.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import PurePath

try:  # optional accelerator; see module docstring
    import python_calamine
except ImportError:  # pragma: no cover - exercised only where calamine is absent
    python_calamine = None


class FileError(Exception):
    """A file that cannot be read at all; the message is Chinese and names the file."""


@dataclass
class RawSheet:
    file: str
    sheet: str                         # "" for a CSV file
    rows: list[list]                   # cell values; row i is Excel row i + 1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive, 0-based
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file} 工作表“{self.sheet}”" if self.sheet else self.file


def read_upload(name: str, data: bytes) -> list[RawSheet]:
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(name, data)
    if suffix in (".csv", ".txt"):
        return [read_csv(name, data)]
    if suffix in (".xls", ".et", ".wps"):
        raise FileError(f"{name}:旧版 Excel(.xls)或 WPS 格式无法读取,请在 Excel/WPS 中“另存为”.xlsx 后再上传")
    raise FileError(f"{name}:只能导入 .xlsx 或 .csv 文件")


# ---------------------------------------------------------------- Excel

def read_xlsx(name: str, data: bytes) -> list[RawSheet]:
    if not data.startswith(b"PK"):
        raise FileError(f"{name}:不是有效的 .xlsx 文件(文件内容不是 Excel 工作簿,可能已损坏或只是改了扩展名)")
    try:
        return _read_calamine(name, data) if python_calamine else _read_openpyxl(name, data)
    except FileError:
        raise
    except Exception as exc:  # a broken zip or XML: the library's own message is not for users
        raise FileError(f"{name}:无法读取该 Excel 文件({type(exc).__name__}),请用 Excel 打开后重新保存为 .xlsx") from exc


def _read_calamine(name: str, data: bytes) -> list[RawSheet]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in book.sheets_metadata:
        if "WorkSheet" not in str(meta.typ):
            continue  # chart sheets hold no cells
        sheet = book.get_sheet_by_name(meta.name)
        # skip_empty_area=False keeps row i at Excel row i + 1, which the rejects must quote.
        rows = sheet.to_python(skip_empty_area=False)
        merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
        notes = [] if "Visible" in str(meta.visible) else ["该工作表在 Excel 中是隐藏的"]
        sheets.append(RawSheet(name, meta.name, rows, merged, notes))
    return sheets


def _read_openpyxl(name: str, data: bytes) -> list[RawSheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in book.worksheets:
            rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            notes = [] if ws.sheet_state == "visible" else ["该工作表在 Excel 中是隐藏的"]
            # Read-only mode does not expose merged ranges; merged data cells then read as blanks
            # and are reported as missing values, never filled in by guess.
            sheets.append(RawSheet(name, ws.title, rows, [], notes))
        return sheets
    finally:
        book.close()


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


def read_csv(name: str, data: bytes) -> RawSheet:
    if data[:4].startswith(b"PK"):
        raise FileError(f"{name}:这是一个 Excel 工作簿,不是 CSV 文件,请把扩展名改回 .xlsx")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError(f"{name}:不是文本文件(含二进制内容),无法按 CSV 读取")
    text, encoding = decode(name, data)
    sample = text[:20000]
    # Excel writes commas; its "Unicode text" export writes tabs.
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileError(f"{name}:CSV 格式错误({exc})") from None
    return RawSheet(name, "", rows, [], [f"按 {encoding} 编码读取"])


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
