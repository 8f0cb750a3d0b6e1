"""Property tests: malformed cells and rows never raise, and read = accepted + rejected always."""
from __future__ import annotations

import codecs
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import contract, extract
from dashboard.ingest import clean, headers, merge, pipeline
from dashboard.ingest.read import RawSheet, cell_text
from dashboard.ingest.regions import CountyLookup

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
# A whole import per example: fewer, still each with every kind of bad cell.
FEWER = settings(SETTINGS, max_examples=30)

TRICKY = ["合计", "合 计", "小计", "否", "是", "无", "-", "—", "73.6%", "#N/A", "#DIV/0!", "2023年", "2023年度",
          " 12 ", "1,234", "２０２３", "2.16E+09", "", "  ", "\u3000", "填报人:张三", "甲", "1", "0", "-1",
          "2161000001", "２１６１０００００１", "611002", "商州区", "山阳县", "小学", "完中", "单独建立", "联合组建",
          "一肩挑", "党支部", "2021-03-01", "2021/3/1", "2021年3月1日", "2021-02-30", "44256", "20210301",
          "1e309", "nan", "NaN", "None", "=SUM(A1:A3)", "'0012", "12.0", "12.5", "99999999999999999999",
          "\u200b12", "TRUE", "学校标识码", "年度"]

cells = st.one_of(
    st.none(),
    st.sampled_from(TRICKY),
    st.text(max_size=12),
    st.text(alphabet="0123456789０１２３４５６７８９ .,%年-/", max_size=12),
    st.integers(min_value=-10**12, max_value=10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@st.composite
def sheets(draw):
    """A sheet whose header names (most of) one table's columns, maybe with titles above, an
    unknown column, and rows of arbitrary cells and lengths."""
    table = draw(st.sampled_from(list(contract.TABLES.values())))
    columns = list(table.columns)
    keep = draw(st.lists(st.booleans(), min_size=len(columns), max_size=len(columns)))
    chosen = [c for c, k in zip(columns, keep) if k or not c.nullable] or columns
    chosen = draw(st.permutations(chosen))
    titles = [draw(st.sampled_from([c.label, c.name, f" {c.label}\n", f"{c.label}(人)"])) for c in chosen]
    if draw(st.booleans()):
        titles.insert(draw(st.integers(0, len(titles))), draw(st.sampled_from(["序号", "备注", "覆盖率", "合计"])))
    width = len(titles)
    above = draw(st.lists(st.lists(cells, max_size=3), max_size=3))
    body = draw(st.lists(st.lists(cells, max_size=width + 2), max_size=25))
    rows = [list(r) for r in above] + [titles] + [list(r) for r in body]
    return table.name, rows


@SETTINGS
@given(sheets())
def test_any_sheet_cleans_and_counts_add_up(case):
    table, rows = case
    sheet = RawSheet("随机.xlsx", "工作表", rows)
    header = headers.detect([[cell_text(v) for v in r] for r in rows[:headers.HEADER_SCAN_ROWS]], sheet.sheet)
    if header is None:
        return
    result = clean.clean_sheet(sheet, header, CountyLookup())
    c = result.count
    assert c.read == c.accepted + c.rejected
    assert (len(result.accepted), len(result.rejected)) == (c.accepted, c.rejected)
    assert result.rejected["_reason"].notna().all() if c.rejected else True
    assert set(result.problems["_row"]) <= set(result.rejected["_row"])
    # Whatever was accepted is in the contract's types.
    if c.accepted and not header.missing:
        extract.to_arrow(result.table, merge.conform(result.table, result.accepted))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("empty") / "root"


def _quote(v) -> str:
    t = cell_text(v)
    return "" if t is None else '"' + t.replace('"', '""') + '"'


def _csv(rows, encoding: str) -> bytes:
    text = "\r\n".join(",".join(_quote(v) for v in r) for r in rows)
    bom = codecs.BOM_UTF8 if encoding == "utf-8-sig" else b""
    return bom + text.encode("utf-8" if encoding == "utf-8-sig" else encoding, errors="replace")


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append([v if not isinstance(v, str) else "".join(ch for ch in v if ch >= " " or ch in "\t\n")
                            for v in r])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@FEWER
@given(sheets(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "xlsx"]))
def test_any_upload_prepares_and_counts_add_up(root, case, kind):
    table, rows = case
    if kind == "xlsx":
        rows = [[v if not isinstance(v, float) or v == v and abs(v) != float("inf") else None for v in r] for r in rows]
        upload = pipeline.Upload(f"{contract.TABLES[table].label}.xlsx", _xlsx(rows))
    else:
        upload = pipeline.Upload(f"{contract.TABLES[table].label}.csv", _csv(rows, kind))
    plan = pipeline.prepare([upload], root)
    assert not [i for i in plan.issues if i.message.startswith(pipeline.INTERNAL)]
    for c in plan.counts.values():
        assert c.read == c.accepted + c.rejected
        assert c.accepted >= 0 and c.rejected >= 0
    assert sum(len(f) for f in plan.rejected.values()) == plan.rows_rejected
    plan.rejects_workbook()
    plan.diff.lines()


@FEWER
@given(st.binary(max_size=400), st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.xls"]))
def test_arbitrary_bytes_never_raise(root, data, name):
    for payload in (data, b"PK\x03\x04" + data):
        plan = pipeline.prepare([pipeline.Upload(name, payload)], root)
        assert not [i for i in plan.issues if i.message.startswith(pipeline.INTERNAL)]
        for c in plan.counts.values():
            assert c.read == c.accepted + c.rejected


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.sampled_from(TRICKY), st.text(max_size=8)), max_size=40),
       st.sampled_from([c for t in contract.TABLES.values() for c in t.columns]))
def test_every_column_cleaner_gives_a_value_or_a_reason(values, column):
    s = pd.Series(values, dtype="str").str.strip()
    s = s.mask(s == "")
    c = clean.clean_column(column, s, CountyLookup())
    assert len(c.values) == len(c.problems) == len(s)
    ok = c.problems.isna()
    if not column.nullable:
        assert c.values[ok].notna().all()
    if column.allowed:
        assert c.values[ok].dropna().isin(column.allowed).all()
