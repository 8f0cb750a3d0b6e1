"""A workbook checked against the limits before any of it is loaded (issue 11).

An .xlsx file is a zip. Its directory gives each part's uncompressed size, so a part that would
inflate past the limit (a zip bomb) is refused from the directory alone. Each part the reader will
parse is then inflated here in 1 MB chunks and scanned, never held whole: a worksheet's declared
dimension (in its first bytes: A1:XFD1048576 is refused before anything else is read), the
rectangle its cells really span as the reader places them (from A1 to the last row and column
holding a cell, which is what the reader allocates), the characters in each cell, its merged
ranges; the shared strings' declared count (the reader reserves room for that many) and lengths.
A part whose data inflates to anything but the size the directory declares is refused, so no
reader is fed more than was checked.

The scan is regular expressions over bytes. Files written the usual way (every cell as
`<c r="A1" …>`, rows in order) take a fast path: one search per chunk for a cell beyond the last
one; anything else (cells without a position, namespace prefixes, cells out of order) is read
cell by cell, following the reader's own rules. About a third of the reader's own time.
"""
from __future__ import annotations

import functools
import html
import io
import operator
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from dashboard.ingest import limits
from dashboard.ingest.limits import (MAX_BOOK_BYTES, MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_MERGED,
                                     MAX_META_BYTES, MAX_PART_BYTES, MAX_PARTS, MAX_ROWS)
from dashboard.ingest.read import FileError, Progress, _quiet

def _column_name(index: int) -> str:
    """1 → A, 16384 → XFD."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _sheet_where(name: str, sheet: str | None) -> str:
    return f"文件“{name}”" + (f"工作表“{sheet}”" if sheet else "")


def check_extent(name: str, sheet: str | None, rows: int, columns: int, declared: str | None = None) -> None:
    """Refuse a sheet whose rectangle from A1 (rows × columns, which the reader fills cell by cell)
    is over a limit; `declared` is the range the sheet's dimension declares, None for its cells."""
    ref = declared if declared is not None else f"A1:{_column_name(columns)}{rows}"
    where = _sheet_where(name, sheet) + ("声明的范围为 " if declared is not None else "的数据区域为 ") + ref
    if columns > MAX_COLUMNS:
        raise FileError(f"{where}（{columns}列），超过上限{MAX_COLUMNS}列，未读取")
    if rows > MAX_ROWS:
        raise FileError(f"{where}（{rows}行），超过上限{MAX_ROWS}行，未读取")
    if rows * columns > MAX_CELLS:
        raise FileError(f"{where}（{rows}行×{columns}列，共{rows * columns}个单元格），超过上限{MAX_CELLS}个单元格，未读取")


def _too_long(name: str, sheet: str | None, cell: str, chars: int) -> FileError:
    at = f"的单元格 {cell} " if cell else "中有一个单元格"
    return FileError(f"{_sheet_where(name, sheet)}{at}有{chars}个字符，超过每个单元格{MAX_CELL_CHARS}个字符的上限，未读取")


_EOCD = b"PK\x05\x06"
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_CHUNK = 1 << 20          # inflated bytes handled at a time
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TAG = re.compile(rb"<[^>]*>")
_ENTITY = re.compile(rb"&#?\w{1,10};")


def _attrs(tag_body: bytes) -> dict[str, str]:
    """Attributes of one XML tag, local names (r:id → id), values unescaped."""
    out = {}
    for key, dq, sq in _ATTR.findall(tag_body):
        out[key.decode("ascii", "replace").rpartition(":")[2]] = html.unescape((dq or sq).decode("utf-8", "replace"))
    return out


def _after_last(xml: bytes, start: re.Pattern) -> bytes:
    """The content of the last element `start` opens in xml (all of xml when none opens there):
    one cell's or one string's, without what stands between elements."""
    found = None
    for found in start.finditer(xml):
        pass
    return xml[found.end():] if found is not None else xml


def _text_chars(xml: bytes) -> int:
    """Characters of text in a piece of XML that starts and ends between tags: what a reader could
    make of it at most (formulas and phonetic runs included, so never fewer than the cell's)."""
    return len(_ENTITY.sub(b"&", _TAG.sub(b"", xml)).decode("utf-8", "replace"))


def _inflate(name: str, data: bytes, info: zipfile.ZipInfo, label: str) -> Iterator[bytes]:
    """One part's bytes in chunks, inflated from the file as it is (its local header and the
    compressed size the directory records), never more than the size the directory declares:
    a part whose data inflates to anything else is refused, so no reader can be fed more than was
    checked."""
    broken = FileError(f"文件“{name}”中{label}的实际内容与文件目录记录的大小不符，文件可能已损坏或被改动，未读取")
    if info.flag_bits & 0x1:
        raise FileError(f"文件“{name}”已加密（设置了打开密码），请在 Excel 中取消密码后重新保存再上传")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FileError(f"文件“{name}”使用了不常见的压缩方式，请用 Excel 或 WPS 打开后重新保存为 .xlsx")
    try:
        sig, *_, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error:
        raise broken from None
    if sig != b"PK\x03\x04":
        raise broken
    start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
    raw = memoryview(data)[start:start + info.compress_size]
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise broken
        for i in range(0, len(raw), _CHUNK):
            yield bytes(raw[i:i + _CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pos, pending = 0, b""
    while not inflater.eof:
        if not pending:
            if pos >= len(raw):
                break
            pending, pos = raw[pos:pos + _CHUNK], pos + _CHUNK
        try:
            out = inflater.decompress(pending, _CHUNK)
        except zlib.error:
            raise broken from None
        pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > info.file_size:
            raise broken
        if out:
            yield out
    if produced != info.file_size:
        raise broken


def _entry_count(name: str, data: bytes) -> None:
    """The zip directory's size, from its end record, before any of it is parsed."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return  # not a zip: the reader says so
    entries, directory = struct.unpack_from("<H", data, at + 10)[0], struct.unpack_from("<I", data, at + 12)[0]
    # Each directory entry is ≈100 bytes in a real workbook; 1 KB each is a generous ceiling.
    if entries == 0xFFFF or entries > MAX_PARTS or directory > MAX_PARTS * 1024:
        count = f"{entries}个" if entries != 0xFFFF else "65535个以上"
        raise FileError(f"文件“{name}”的压缩目录中有{count}部件，超过上限{MAX_PARTS}个，未读取")


def _read_meta(name: str, data: bytes, book: zipfile.ZipFile, path: str) -> bytes | None:
    try:
        info = book.getinfo(path)
    except KeyError:
        return None
    if info.file_size > MAX_META_BYTES:
        raise FileError(f"文件“{name}”中的“{path}”解压后为{limits.size_text(info.file_size, MAX_META_BYTES)}，"
                        f"超过上限{limits.size_text(MAX_META_BYTES)}，未读取")
    return b"".join(_inflate(name, data, info, f"“{path}”"))


def _relationships(xml: bytes | None) -> dict[str, tuple[str, str]]:
    """Id → (type, target) of a .rels part."""
    out = {}
    for body in re.findall(rb"<(?:\w+:)?Relationship\b([^>]*)>", xml or b""):
        a = _attrs(body)
        if "Id" in a and "Target" in a:
            out[a["Id"]] = (a.get("Type", ""), a["Target"])
    return out


def _resolve(base_dir: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base_dir, target))


def _book_parts(name: str, data: bytes, book: zipfile.ZipFile) -> tuple[str, list[tuple[str, str]]]:
    """The workbook's folder and its worksheets in order, as (sheet name, part path), found the
    way the reader finds them: the package's officeDocument, its sheet list and relationships."""
    workbook = "xl/workbook.xml"
    for kind, target in _relationships(_read_meta(name, data, book, "_rels/.rels")).values():
        if kind.endswith("/officeDocument"):
            workbook = _resolve("", target)
    folder = posixpath.dirname(workbook)
    rels = _relationships(_read_meta(name, data, book, posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")))
    sheets = []
    for body in re.findall(rb"<(?:\w+:)?sheet\s([^>]*)>", _read_meta(name, data, book, workbook) or b""):
        a = _attrs(body)
        kind, target = rels.get(a.get("id", ""), ("", ""))
        if target and kind.endswith("/worksheet"):
            sheets.append((a.get("name", ""), _resolve(folder, target)))
    return folder, sheets


def check_workbook(name: str, data: bytes, progress: Progress = _quiet) -> dict[str, tuple[int, int]]:
    """Check a workbook against the limits without loading it; returns each worksheet's extent
    (last row, last column holding a cell). Raises FileError naming the file, sheet and limit."""
    _entry_count(name, data)
    with zipfile.ZipFile(io.BytesIO(data)) as book:  # a broken zip: read_xlsx says so
        infos = book.infolist()
        if len(infos) > MAX_PARTS:
            raise FileError(f"文件“{name}”的压缩目录中有{len(infos)}个部件，超过上限{MAX_PARTS}个，未读取")
        folder, sheets = _book_parts(name, data, book)
        sheet_of = {path: sheet for sheet, path in sheets}
        total = sum(i.file_size for i in infos)
        for info in infos:
            if info.file_size > MAX_PART_BYTES:
                part = f"工作表“{sheet_of[info.filename]}”" if info.filename in sheet_of else f"中的“{info.filename}”"
                raise FileError(f"文件“{name}”{part}解压后为{limits.size_text(info.file_size, MAX_PART_BYTES)}，"
                                f"超过上限{limits.size_text(MAX_PART_BYTES)}，未读取")
        if total > MAX_BOOK_BYTES:
            raise FileError(f"文件“{name}”解压后共{limits.size_text(total, MAX_BOOK_BYTES)}，"
                            f"超过上限{limits.size_text(MAX_BOOK_BYTES)}，未读取")
        known = {i.filename: i for i in infos}
        styles = known.get(posixpath.join(folder, "styles.xml"))
        if styles is not None:
            _read_meta(name, data, book, styles.filename)
        strings = known.get(posixpath.join(folder, "sharedStrings.xml"))
        parts = [known[p] for _, p in sheets if p in known]
        todo = sum(i.file_size for i in parts) + (strings.file_size if strings else 0)
        done = 0

        def step(sheet, rows, n):
            nonlocal done
            done += n
            progress("scan", file=name, sheet=sheet, rows=rows, fraction=done / todo if todo else 1.0)

        long_strings: dict[int, int] = {}
        if strings is not None:
            long_strings = _scan_strings(name, data, strings, lambda n: step("", 0, n))
        # A long shared string no sheet uses is never a cell: only the sheets that use one say so.
        return {sheet: _SheetScan(name, sheet, long_strings).run(data, known[path], step)
                for sheet, path in sheets if path in known}


def _scan_strings(name: str, data: bytes, info: zipfile.ZipInfo, step) -> dict[int, int]:
    """The shared strings: their declared count (the reader reserves room for that many before it
    reads one), their real count, and which are longer than a cell may be (index → characters;
    the sheets then say which cell uses one)."""
    long: dict[int, int] = {}
    index, head, carry = 0, True, b""
    for chunk in _segments(_inflate(name, data, info, "共享字符串表"), _STRING_END, (b"</si>",)):
        if head:
            m = re.search(rb"<(?:\w+:)?sst\b([^>]*)>", chunk)
            if m:
                head = False
                a = _attrs(m.group(1))
                for key in ("uniqueCount", "count"):
                    declared = int(a[key]) if a.get(key, "").isdigit() else 0
                    if declared > MAX_CELLS:
                        raise FileError(f"文件“{name}”的共享字符串表声明有{declared}个字符串，"
                                        f"超过上限{MAX_CELLS}个，未读取")
        pieces = re.split(rb"</(?:\w+:)?si>", carry + chunk)
        carry = pieces.pop()
        for i, piece in enumerate(pieces):
            if len(piece) > MAX_CELL_CHARS:
                chars = _text_chars(_after_last(piece, _STRING_START))
                if chars > MAX_CELL_CHARS:
                    long[index + i] = chars
        index += len(pieces)
        if index > MAX_CELLS:
            raise FileError(f"文件“{name}”的共享字符串表有{MAX_CELLS}个以上字符串，超过上限{MAX_CELLS}个，未读取")
        if len(carry) > 64 * MAX_CELL_CHARS * 8:
            # No string is this long as XML (32767 characters, escaped, in formatted runs).
            raise _too_long(name, None, "", _text_chars(_after_last(carry, _STRING_START)))
        step(len(chunk))
    return long


_STRING_END = re.compile(rb"</(?:\w+:)?si>")
_STRING_START = re.compile(rb"<(?:\w+:)?si(?=[\s>])[^>]*>")
_ROW_OR_CELL_END = re.compile(rb"</(?:\w+:)?(?:row|c)>")


def _last_end(buf: bytes, ends: re.Pattern, plain: tuple[bytes, ...]) -> int:
    """Where the last element that `ends` closes finishes in buf, or -1: the unprefixed closing
    tags `plain` are looked for first (found from the end at once), the pattern only without."""
    cut = max((i + len(tag) for tag in plain if (i := buf.rfind(tag)) >= 0), default=-1)
    if cut >= 0:
        return cut
    found = None
    for found in ends.finditer(buf):
        pass
    return found.end() if found is not None else -1


def _segments(chunks: Iterator[bytes], ends: re.Pattern, plain: tuple[bytes, ...]) -> Iterator[bytes]:
    """Inflated XML re-cut after the last element that `ends` closes (a whole cell or row, a whole
    string), else after the last '>': no tag and no text run is ever split between two pieces,
    and only an element longer than a chunk is."""
    rest = b""
    for chunk in chunks:
        buf = rest + chunk
        cut = _last_end(buf, ends, plain)
        if cut < 0:
            cut = buf.rfind(b">") + 1
        if cut == 0 and len(buf) <= 2 * _CHUNK + 64 * MAX_CELL_CHARS * 8:
            rest = buf
            continue
        cut = cut or len(buf)  # text with no tag at all: the caller measures it
        rest = buf[cut:]
        yield buf[:cut]
    if rest:
        yield rest


# A cell that holds something (self-closing cells are empty and the reader skips them), with its
# position; and one without a position, placed by the reader after the previous cell.
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Za-z]+)(\d+)"[^>]*(?<!/)>')
_CELL_NO_REF = re.compile(rb'<(?:\w+:)?c(?=[\s>])(?![^>]*\br=")[^>]*(?<!/)>')
_ROW_OR_CELL = re.compile(rb"<(/?)(?:\w+:)?(row|c)(?=[\s>/])([^>]*)>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELL_START = re.compile(rb"<(?:\w+:)?c(?=[\s>/])[^>]*>")
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s")
_LAST_REF = re.compile(rb'<c r="([A-Za-z]{1,3})(\d{1,7})"')


def _greater(value: str, alphabet: str) -> bytes:
    """A pattern for the strings over `alphabet` (in order) that sort after `value` as numbers
    and column names do: longer ones, then same length and larger at the first difference.
    Letters match in either case, as the reader takes them."""
    def cls(chars: str) -> bytes:
        return b"[" + re.escape((chars + chars.lower()) if chars.isalpha() else chars).encode() + b"]"

    every = cls(alphabet)
    alts = [every + b"{%d,}" % (len(value) + 1)]
    for i, ch in enumerate(value):
        above = alphabet[alphabet.index(ch) + 1:]
        if above:
            alts.append(b"".join(cls(c) for c in value[:i]) + cls(above) + every * (len(value) - i - 1))
    return b"(?:" + b"|".join(alts) + b")"


@functools.lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern:
    """What the fast path cannot place: a cell whose row is after `rows` or whose column is after
    `columns`, and any "<c" not followed by a position (a cell without one, or another element
    such as <cols> or a rich-text <color>; the slow path is exact for those)."""
    cols = _greater(_column_name(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if columns else rb"[A-Za-z]"
    return re.compile(rb'<c(?: r="(?:' + cols + rb'\d|[A-Za-z]+' + _greater(str(rows), "0123456789")
                      + rb'")|(?! r="))')


_RANGE = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,8})(?::\$?([A-Za-z]{1,4})\$?(\d{1,8}))?$")


class _SheetScan:
    """One worksheet's XML, streamed: the dimension it declares, the rectangle its cells really
    span (as the reader places them: from A1 to the last row and column holding a cell), the
    characters in each cell, the merged ranges. Nothing is kept but counts."""

    def __init__(self, name: str, sheet: str, long_strings: dict[int, int]):
        self.name, self.sheet = name, sheet
        self.rows = self.columns = 0
        self.in_head = True
        self.exact = False       # some cells have no position: place them as the reader does
        self.merges = 0
        self.open, self.open_chars, self.open_ref = False, 0, ""   # a cell still open at the end of a piece
        self.long_strings = long_strings
        self.string_refs = (re.compile(rb'<(?:\w+:)?c\s([^>]*\bt="s"[^>]*)>\s*<(?:\w+:)?v>(' +
                                       b"|".join(str(i).encode() for i in long_strings) + rb")</")
                            if long_strings else None)

    def run(self, data: bytes, info: zipfile.ZipInfo, step) -> tuple[int, int]:
        label = f"工作表“{self.sheet}”"
        for piece in _segments(_inflate(self.name, data, info, label), _ROW_OR_CELL_END, (b"</row>", b"</c>")):
            self.feed(piece)
            step(self.sheet, self.rows, len(piece))
        if self.exact:
            # Cells without a position are rare (Excel and WPS always write one): a second pass
            # follows the reader's rule exactly.
            self.rows = self.columns = 0
            row = col = 0
            for piece in _segments(_inflate(self.name, data, info, label), _ROW_OR_CELL_END, (b"</row>", b"</c>")):
                row, col = self._place(piece, row, col)
        return self.rows, self.columns

    def feed(self, piece: bytes) -> None:
        if self.in_head:
            m = _DIMENSION.search(piece)
            if m:
                self._declared(m.group(1).decode("ascii", "replace"))
            if _SHEET_DATA.search(piece):
                self.in_head = False
        plain = b":c" not in piece  # no prefixed element such as <x:c>
        if not (plain and self._fast_extent(piece)):
            refs = _CELL_REF.findall(piece)
            if refs:
                widest = max(set(map(_FIRST, refs)), key=lambda c: (len(c), c.upper()))
                self._grow(max(map(int, set(map(_SECOND, refs)))), _column_index(widest))
            if not self.exact and _CELL_NO_REF.search(piece):
                self.exact = True
        self._cell_chars(piece, plain)
        if self.string_refs is not None:
            m = self.string_refs.search(piece)
            if m:
                ref = _attrs(m.group(1)).get("r", "")
                raise _too_long(self.name, self.sheet, ref, self.long_strings[int(m.group(2))])
        if b"mergeCell" in piece:
            self.merges += len(_MERGE_CELL.findall(piece))
            if self.merges > MAX_MERGED:
                raise FileError(f"文件“{self.name}”工作表“{self.sheet}”有{MAX_MERGED}个以上合并单元格区域，"
                                f"超过上限{MAX_MERGED}个，未读取")

    def _fast_extent(self, piece: bytes) -> bool:
        """The extent as Excel, WPS and the usual libraries write cells (position first, rows in
        order): the piece's last cell is its corner unless some cell lies beyond it, which one
        search tells. False when it cannot tell (then every cell is read)."""
        last = piece.rfind(b'<c r="')
        if last < 0:
            return b"<c" not in piece  # no cell at all
        m = _LAST_REF.match(piece, last)
        if not m or piece[piece.find(b">", last) - 1:piece.find(b">", last)] == b"/":
            return False  # an empty (self-closing) cell is not placed by the reader: look closer
        rows = max(self.rows, int(m.group(2)))
        columns = max(self.columns, _column_index(m.group(1)))
        if _beyond(rows, columns).search(piece):
            return False
        self._grow(rows, columns)
        return True

    def _declared(self, ref: str) -> None:
        m = _RANGE.match(ref.strip())
        if not m:
            return  # the reader refuses a dimension it cannot parse
        col, row = m.group(3) or m.group(1), m.group(4) or m.group(2)
        check_extent(self.name, self.sheet, int(row), _column_index(col.encode()), ref)

    def _grow(self, row: int, column: int) -> None:
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(self.rows, row), max(self.columns, column)
            check_extent(self.name, self.sheet, self.rows, self.columns)

    def _cell_chars(self, piece: bytes, plain: bool) -> None:
        """Each cell's text, summed over its runs. A piece holds whole cells, except that a cell
        longer than a chunk continues into the next piece: its count is carried."""
        if plain:
            end, first_end = b"</c>", piece.find(b"</c>")
            last_end = piece.rfind(b"</c>") + 4 if first_end >= 0 else -1
        else:
            ends = list(_CELL_END.finditer(piece)) if _CELL_END.search(piece) else []
            end = None
            first_end, last_end = (ends[0].start(), ends[-1].end()) if ends else (-1, -1)
        if first_end >= 0:
            first = piece[:first_end]
            if self.open or len(first) > MAX_CELL_CHARS:
                chars = self.open_chars + _text_chars(first if self.open else _after_last(first, _CELL_START))
                if chars > MAX_CELL_CHARS:
                    raise _too_long(self.name, self.sheet, self.open_ref or self._ref(first), chars)
            # The whole cells between: only a row (or, outside rows, a run of cells) longer than
            # a cell may be is split into its cells and measured.
            middle = piece[piece.find(b">", first_end) + 1:last_end]
            for row in (middle.split(b"</row>") if plain else _ROW_END.split(middle)):
                if len(row) > MAX_CELL_CHARS:
                    for cell in (row.split(end) if plain else _CELL_END.split(row)):
                        if len(cell) > MAX_CELL_CHARS:
                            chars = _text_chars(_after_last(cell, _CELL_START))
                            if chars > MAX_CELL_CHARS:
                                raise _too_long(self.name, self.sheet, self._ref(cell), chars)
            self.open, self.open_chars, self.open_ref = False, 0, ""
            tail = piece[last_end:]
        else:
            tail = piece
        if self.open:  # no cell ended in this piece: all of it belongs to the open one
            self.open_chars += _text_chars(tail)
        else:
            start = None
            for start in _CELL_START.finditer(tail):
                pass
            if start is not None and not start.group().endswith(b"/>"):
                self.open, self.open_chars, self.open_ref = True, _text_chars(tail[start.end():]), self._ref(start.group())
        if self.open_chars > MAX_CELL_CHARS:
            raise _too_long(self.name, self.sheet, self.open_ref, self.open_chars)

    @staticmethod
    def _ref(xml: bytes) -> str:
        m = re.search(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Za-z]+\d+)"', xml)
        return m.group(1).decode("ascii") if m else ""

    def _place(self, piece: bytes, row: int, col: int) -> tuple[int, int]:
        """The reader's rule: a row with r= sets the row, the end of a row moves to the next and
        back to column A; a cell with r= is there, one without follows the previous cell."""
        rows = columns = 0
        for close, tag, body in _ROW_OR_CELL.findall(piece):
            if body.endswith(b"/"):
                continue  # empty: the reader skips it
            if tag == b"row":
                if close:
                    row, col = row + 1, 0
                else:
                    r = _attrs(body).get("r", "")
                    row = int(r) - 1 if r.isdigit() and int(r) > 0 else row
            elif not close:
                r = re.match(r"([A-Za-z]+)(\d+)$", _attrs(body).get("r", ""))
                if r:
                    row_at, col = int(r.group(2)) - 1, _column_index(r.group(1).encode()) - 1
                else:
                    row_at = row
                rows, columns = max(rows, row_at + 1), max(columns, col + 1)
                col += 1
        self._grow(rows, columns)
        return row, col
