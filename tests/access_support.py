"""Shared by the access-control tests: accounts on the hand-made extract, everything an AppTest
run put on screen as text, and the files its download buttons would send."""
from __future__ import annotations

import io
import json
import zipfile

import pyarrow as pa
from google.protobuf.message import Message

from dashboard import auth
from tests import handmade as h

PASSWORDS = {"shanyang": "shanyang-pass-1", "city": "city-pass-123", "admin": "admin-pass-123",
             "shangzhou": "shangzhou-pass-1"}
# What a 山阳县 user must never see: the other county's name, code, schools, townships, organisations.
SHANGZHOU_MARKERS = ["商州区", h.SHANGZHOU, h.S1, h.S2, h.S3, "甲小学", "乙幼儿园", "丙小学", "沙河子镇",
                     "中共城关街道幼儿园联合支部委员会", "红色童心"]


def write_users(path) -> None:
    with auth.editing(path) as accounts:
        accounts["shanyang"] = auth.new_account("shanyang", "county", [h.SHANYANG], PASSWORDS["shanyang"])
        accounts["shangzhou"] = auth.new_account("shangzhou", "县区", [h.SHANGZHOU], PASSWORDS["shangzhou"])
        accounts["city"] = auth.new_account("city", "市级", [], PASSWORDS["city"])
        accounts["admin"] = auth.new_account("admin", "admin", [], PASSWORDS["admin"])


def _decode_bytes(b: bytes) -> list[str]:
    out = []
    try:
        out.append(pa.ipc.open_stream(b).read_all().to_pandas().to_csv(index=False))
        return out
    except Exception:
        pass
    out += payload_texts(b)
    return out


def _json_aware(s: str) -> list[str]:
    """A plotly spec or other JSON holds Chinese as \\u escapes: read it back as text too."""
    out = [s]
    t = s.strip()
    if t[:1] in "{[":
        try:
            out.append(json.dumps(json.loads(t), ensure_ascii=False))
        except ValueError:
            pass
    return out


def _proto_strings(msg: Message) -> list[str]:
    out: list[str] = []
    for fd, value in msg.ListFields():
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            values = [f"{k}={v}" for k, v in value.items()]
        else:
            values = list(value) if fd.is_repeated else [value]
        for v in values:
            if isinstance(v, Message):
                out += _proto_strings(v)
            elif isinstance(v, str):
                out += _json_aware(v)
            elif isinstance(v, bytes):
                out += _decode_bytes(v)
            else:
                out.append(str(v))
    return out


def screen_text(at) -> str:
    """Every string of every element and block of the last run: titles, metrics, captions, widget
    labels and options (the county picker), table cells, chart data, download file names."""
    parts: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            parts += _proto_strings(proto)
    return "\n".join(parts)


def payload_texts(data: bytes) -> list[str]:
    """The text inside a downloaded file: CSV, or any zip-based file (xlsx, docx, a zip of them)."""
    if data[:2] == b"PK":
        texts = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                texts.append(name)
                texts += payload_texts(z.read(name))
        return texts
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return [data.decode(enc)]
        except UnicodeDecodeError:
            continue
    return []


class Downloads:
    """Records every file the app offers for download, whether made at once or on click."""

    def __init__(self, monkeypatch):
        from streamlit.runtime.media_file_manager import MediaFileManager
        self.files: list[tuple[str | None, object]] = []
        original_add, original_deferred = MediaFileManager.add, MediaFileManager.add_deferred
        recorder = self

        def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
            if is_for_static_download:
                recorder.files.append((file_name, path_or_data))
            return original_add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

        def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
            recorder.files.append((file_name, data_callable))
            return original_deferred(self, data_callable, mimetype, coordinates, file_name, **kw)

        monkeypatch.setattr(MediaFileManager, "add", add)
        monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def clear(self) -> None:
        self.files.clear()

    def contents(self) -> dict[str, bytes]:
        """File name -> bytes, calling the on-click makers as a click would."""
        out = {}
        for name, data in self.files:
            if callable(data):
                data = data()
            if isinstance(data, str):
                data = data.encode("utf-8")
            if hasattr(data, "read"):
                data = data.read()
            out[name or f"file{len(out)}"] = bytes(data)
        return out
