"""Workbooks written byte by byte, as an attacker or a broken program would: the smallest valid
.xlsx around whatever sheet XML a test gives, and a deflate bomb whose sheet really inflates to
the size its zip directory declares."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}">'
             f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}">'
                 f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'


def sheet_xml(rows: str, dimension: str | None = None, after: str = "") -> str:
    """A worksheet: `rows` is the XML inside <sheetData>, `after` what follows it (mergeCells)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{SHEET_HEAD}{dim}<sheetData>{rows}</sheetData>{after}</worksheet>"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def strings_xml(items: list[str], declared: int | None = None) -> str:
    n = len(items) if declared is None else declared
    body = "".join(f"<si><t>{s}</t></si>" for s in items)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">{body}</sst>'


def workbook(sheet: str | bytes, strings: str | None = None) -> bytes:
    """A one-sheet workbook ("Sheet1") around the given sheet XML (and shared strings)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", strings)
    return buf.getvalue()


def dimension_bomb() -> bytes:
    """The reported attack: a few kilobytes whose sheet declares A1:XFD1048576 and holds a cell in
    that last corner; the reader allocates the whole rectangle (≈550 GB) and the process aborts."""
    return workbook(sheet_xml(f'<row r="1">{inline("A1", "学校标识码")}</row>'
                              f'<row r="1048576">{inline("XFD1048576", "x")}</row>', "A1:XFD1048576"))


def _entry(name: str, payload: bytes, crc: int, size: int, offset: int) -> tuple[bytes, bytes]:
    """The local header and data, and the directory record, of one deflated zip entry."""
    raw = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(payload), size, len(raw), 0) + raw + payload
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(payload), size,
                          len(raw), 0, 0, 0, 0, 0, offset) + raw
    return local, central


def zip_bomb(inflated: int = 1600 * 1024 * 1024) -> bytes:
    """A workbook whose one sheet is `inflated` bytes of honest XML (the directory's size and CRC
    are right, so a reader that trusts them inflates it all) in a few megabytes: the same row,
    deflated once after a full flush and repeated (each copy then decodes on its own)."""
    head = (SHEET_HEAD + "<sheetData>").encode()
    tail = b"</sheetData></worksheet>"
    row = ("<row>" + "".join(f'<c t="inlineStr"><is><t>{"填报数据" * 8}</t></is></c>' for _ in range(8)) + "</row>").encode()
    block = row * ((1 << 20) // len(row) + 1)                       # ≈1 MB of rows
    copies = (inflated - len(head) - len(tail)) // len(block)
    size = len(head) + copies * len(block) + len(tail)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    middle = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    payload = start + middle * copies + end

    small = io.BytesIO()
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.replace(
                               f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>', ""))):
            z.writestr(name, text)
    # The bomb entry goes after that zip's entries, its record after their directory records,
    # then one end record for all.
    data = small.getvalue()
    end_record = data.rfind(b"PK\x05\x06")
    count = struct.unpack_from("<H", data, end_record + 10)[0] + 1
    entries_end = struct.unpack_from("<I", data, end_record + 16)[0]   # where the directory begins
    local, central = _entry("xl/worksheets/sheet1.xml", payload, crc, size, entries_end)
    directory = data[entries_end:end_record] + central
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), entries_end + len(local), 0)
    return data[:entries_end] + local + directory + eocd


def with_declared_size(data: bytes, part: str, declared: int) -> bytes:
    """The same workbook with the uncompressed size of one part rewritten in both headers: the
    data now inflates to more (or less) than the directory says."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(part)
    struct.pack_into("<I", out, info.header_offset + 22, declared)
    at = 0
    raw = part.encode()
    while (at := out.find(b"PK\x01\x02", at)) >= 0:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46:at + 46 + name_len]) == raw:
            struct.pack_into("<I", out, at + 24, declared)
        at += 4
    return bytes(out)
