"""Imports bounded before they are read (issue 11 §3): every limit of dashboard/ingest/limits.py
refuses a forged or broken file with a Chinese message naming the file, the sheet and the limit,
without loading it; what passes still reads as before. The two reported bombs are refused in a
subprocess whose peak memory is measured; the import's child process is held to its memory
ceiling. Expected messages are written out by hand from the limits (256 columns, 1048576 rows,
20000000 cells, 32767 characters, 1 GB per part, 200 MB per file)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest

from dashboard import config
from dashboard.ingest import child, limits, pipeline, read, templates, xlsx_scan
from tests import forge, handmade

# A clean environment: what other tests of the same worker set (hooks, paths) must not change
# what the measured process loads.
ENV = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") or k.startswith("OPENBLAS")}
ENV["PYTHONPATH"] = str(config.PROJECT_DIR)
MB = 1 << 20


def refusal(name: str, data: bytes, **kw) -> str:
    with pytest.raises(read.FileError) as caught:
        read.read_upload(name, data, **kw)
    return str(caught.value)


def cells(sheet) -> list[list]:
    """The sheet's cells, an empty one as None (the readers write "" or None)."""
    return [[None if v == "" else v for v in row] for row in sheet.rows]


# ---------------------------------------------------------------- the reported bombs, measured

MEASURE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a regression fails here, not the machine
from dashboard.ingest import read
data = open(sys.argv[1], "rb").read()
try:
    read.read_upload(sys.argv[2], data)
    message = None
except read.FileError as exc:
    message = str(exc)
# The peak of this process's own memory: VmHWM starts afresh at exec, where ru_maxrss would carry
# the high-water mark of the forking test worker.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"message": message, "rss_mb": hwm / 1024}))
"""


def _measured(tmp_path, name: str, data: bytes) -> dict:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path), name], capture_output=True, text=True,
                          env=ENV, cwd=config.PROJECT_DIR, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_dimension_bomb_is_refused_with_bounded_memory(tmp_path):
    """8 KB declaring A1:XFD1048576 with a cell in that corner: the reader used to allocate
    ≈550 GB and abort (signal 6)."""
    data = forge.dimension_bomb()
    assert len(data) < 8 * 1024
    out = _measured(tmp_path, "学校.xlsx", data)
    assert out["message"] == "文件“学校.xlsx”工作表“Sheet1”声明的范围为 A1:XFD1048576（16384列），超过上限256列，未读取"
    assert out["rss_mb"] < 400   # Python, pandas and Arrow alone take ≈150 MB


def test_the_zip_bomb_is_refused_with_bounded_memory(tmp_path):
    """A few megabytes whose sheet really inflates to 1.6 GB: the import used to pass 8 GB."""
    data = forge.zip_bomb()
    assert len(data) < 10 * MB
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1_677_670_968   # honest: it is that big
    out = _measured(tmp_path, "学校年度情况.xlsx", data)
    assert out["message"] == "文件“学校年度情况.xlsx”工作表“Sheet1”解压后为1.6 GB，超过上限1 GB，未读取"
    assert out["rss_mb"] < 400


WRAPPER = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"code": proc.returncode, "out": proc.stdout, "err": proc.stderr,
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def test_the_command_line_refuses_the_bomb_through_its_child(tmp_path):
    """`python -m dashboard ingest` checks in a child process; neither it nor the child grows."""
    bomb = tmp_path / "学校.xlsx"
    bomb.write_bytes(forge.dimension_bomb())
    cmd = [sys.executable, "-m", "dashboard", "ingest", str(bomb), "--data", str(tmp_path / "root"), "--dry-run"]
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True, env=ENV,
                          cwd=tmp_path, timeout=300)
    out = json.loads(proc.stdout)
    assert out["code"] == 1
    assert "声明的范围为 A1:XFD1048576（16384列），超过上限256列，未读取" in out["out"]
    assert "不能发布" in out["err"]
    assert out["rss_mb"] < 600   # the larger of the command and its child


def test_the_command_line_report_of_a_huge_cell_stays_small(tmp_path):
    """Reported: the command printed 135 MB for a 5-million-character cell. Now the file is
    refused, progress goes to standard error and the check ends with its time."""
    xml = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "学校名称")}</row>'
                          '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    path = tmp_path / "学校.xlsx"
    path.write_bytes(forge.workbook(xml, forge.strings_xml(["名" * 5_000_000])))
    proc = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(path), "--data", str(tmp_path / "root"),
                           "--dry-run"], capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=300)
    assert proc.returncode == 1
    assert ("文件“学校.xlsx”工作表“Sheet1”的单元格 A2 有5000000个字符，超过每个单元格32767个字符的上限，未读取"
            in proc.stdout)
    assert "检查完成，用时" in proc.stdout
    assert "正在读取“学校.xlsx”（第1个，共1个文件）" in proc.stderr
    assert len(proc.stdout) + len(proc.stderr) < 10_000


# ---------------------------------------------------------------- workbook limits

def test_declared_rows_and_cells_over_the_limits():
    rows = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "x")}</row>', "A1:B2000000")
    assert refusal("a.xlsx", forge.workbook(rows)) == (
        "文件“a.xlsx”工作表“Sheet1”声明的范围为 A1:B2000000（2000000行），超过上限1048576行，未读取")
    area = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "x")}</row>', "A1:Z1000000")
    assert refusal("a.xlsx", forge.workbook(area)) == (
        "文件“a.xlsx”工作表“Sheet1”声明的范围为 A1:Z1000000（1000000行×26列，共26000000个单元格），"
        "超过上限20000000个单元格，未读取")


def test_real_extent_without_a_dimension():
    """No dimension to trust: the cells themselves are measured, as the reader would place them."""
    corner = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "x")}</row><row r="1048576">{forge.inline("XFD1048576", "y")}</row>')
    assert refusal("b.xlsx", forge.workbook(corner)) == (
        "文件“b.xlsx”工作表“Sheet1”的数据区域为 A1:XFD1048576（16384列），超过上限256列，未读取")
    below = forge.sheet_xml(f'<row r="1048577">{forge.inline("A1048577", "y")}</row>')
    assert "（1048577行），超过上限1048576行" in refusal("b.xlsx", forge.workbook(below))


def test_a_dimension_that_understates_does_not_hide_cells():
    """Rows 1–300 of three cells and, out of order among them, one cell far below; the dimension
    claims A1:C300. The fast path looks for any cell beyond the last one."""
    body = "".join(f'<row r="{r}">{forge.inline(f"A{r}", "a")}{forge.inline(f"B{r}", "b")}{forge.inline(f"C{r}", "c")}</row>'
                   + (f'<row r="2000000">{forge.inline("A2000000", "x")}</row>' if r == 5 else "")
                   for r in range(1, 301))
    assert refusal("c.xlsx", forge.workbook(forge.sheet_xml(body, "A1:C300"))) == (
        "文件“c.xlsx”工作表“Sheet1”的数据区域为 A1:C2000000（2000000行），超过上限1048576行，未读取")


def test_cells_without_positions_are_placed_as_the_reader_places_them():
    """A cell without r= follows the previous cell; a row without r= follows the previous row."""
    wide = forge.sheet_xml("<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 300 + "</row>")
    # Column 300 is KN: 11 × 26 + 14.
    assert refusal("d.xlsx", forge.workbook(wide)) == (
        "文件“d.xlsx”工作表“Sheet1”的数据区域为 A1:KN1（300列），超过上限256列，未读取")
    small = forge.sheet_xml("<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"
                            '<row r="5"><c r="C5"><v>4</v></c><c><v>5</v></c></row>')
    data = forge.workbook(small)
    assert xlsx_scan.check_workbook("d.xlsx", data) == {"Sheet1": (5, 4)}
    [sheet] = read.read_upload("d.xlsx", data)
    assert cells(sheet) == [[1.0, 2.0, None, None], [3.0, None, None, None], [None] * 4, [None] * 4,
                            [None, None, 4.0, 5.0]]


def test_namespace_prefixes_do_not_hide_cells():
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="{forge.MAIN}"><x:sheetData>'
           '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1"><x:v>2</x:v></x:c></x:row>'
           "</x:sheetData></x:worksheet>")
    assert "（16384列），超过上限256列" in refusal("e.xlsx", forge.workbook(xml))


def test_empty_formatted_cells_beyond_the_data_do_not_count():
    """A styled cell with no value is skipped by the reader, so it does not widen the sheet."""
    xml = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "学校标识码")}<c r="XFD1" s="1"/></row>'
                          '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    data = forge.workbook(xml)
    assert xlsx_scan.check_workbook("f.xlsx", data) == {"Sheet1": (1, 1)}
    [sheet] = read.read_upload("f.xlsx", data)
    assert cells(sheet) == [["学校标识码"]]


def test_a_cell_of_five_million_characters_is_refused():
    """Reported: accepted, and the command line printed 135 MB. As a shared string (how Excel
    stores text) and inline."""
    shared = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "学校名称")}</row>'
                             '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row>')
    data = forge.workbook(shared, forge.strings_xml(["甲" * 5_000_000]))
    assert refusal("g.xlsx", data) == (
        "文件“g.xlsx”工作表“Sheet1”的单元格 B2 有5000000个字符，超过每个单元格32767个字符的上限，未读取")
    inline = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "学校名称")}</row>'
                             f'<row r="2">{forge.inline("A2", "x")}{forge.inline("B2", "乙" * 2_000_000)}</row>')
    assert refusal("g.xlsx", forge.workbook(inline)) == (
        "文件“g.xlsx”工作表“Sheet1”的单元格 B2 有2000000个字符，超过每个单元格32767个字符的上限，未读取")


def test_a_long_cell_made_of_many_short_runs_is_refused():
    """Rich text: 4000 formatted runs of 10 characters, each short, 40000 together."""
    runs = "".join("<r><rPr><b/></rPr><t>一二三四五六七八九十</t></r>" for _ in range(4000))
    xml = forge.sheet_xml(f'<row r="1"><c r="C1" t="inlineStr"><is>{runs}</is></c></row>')
    assert "的单元格 C1 有40000个字符" in refusal("h.xlsx", forge.workbook(xml))


def test_cells_up_to_excels_own_limit_are_read():
    """32767 characters (Excel's limit) pass, and characters count as read, not as bytes: 20000
    escaped ampersands are 100000 bytes of XML."""
    xml = forge.sheet_xml(f'<row r="1">{forge.inline("A1", "中" * 32767)}{forge.inline("B1", "&amp;" * 20000)}</row>',
                          "A1:B1")
    [sheet] = read.read_upload("i.xlsx", forge.workbook(xml))
    assert [len(v) for v in sheet.rows[0]] == [32767, 20000]
    assert sheet.rows[0][1] == "&" * 20000


def test_a_shared_string_count_that_would_reserve_gigabytes_is_refused():
    """The reader reserves room for the declared count before reading one string."""
    xml = forge.sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    data = forge.workbook(xml, forge.strings_xml(["x"], declared=4_000_000_000))
    assert refusal("j.xlsx", data) == "文件“j.xlsx”的共享字符串表声明有4000000000个字符串，超过上限20000000个，未读取"


def test_a_part_that_inflates_to_more_than_declared_is_refused():
    xml = forge.sheet_xml("".join(f'<row r="{r}">{forge.inline(f"A{r}", "x")}</row>' for r in range(1, 200)))
    data = forge.with_declared_size(forge.workbook(xml), "xl/worksheets/sheet1.xml", 1000)
    assert refusal("k.xlsx", data) == "文件“k.xlsx”中工作表“Sheet1”的实际内容与文件目录记录的大小不符，文件可能已损坏或被改动，未读取"


def test_too_many_parts_are_refused_from_the_directory():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(limits.MAX_PARTS + 1):
            z.writestr(f"xl/media/p{i}.bin", b"")
    data = buf.getvalue()
    assert refusal("l.xlsx", data) == "文件“l.xlsx”的压缩目录中有10001个部件，超过上限10000个，未读取"


def test_merged_ranges_are_cut_to_the_sheet_and_bounded():
    """A merge reaching far beyond the cells covers only what the sheet has; overlapping merges
    that would fill more cells than a sheet may hold are refused."""
    body = "".join(f'<row r="{r}">{forge.inline(f"A{r}", "a")}{forge.inline(f"B{r}", "b")}</row>' for r in range(1, 4))
    far = forge.sheet_xml(body, after='<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>')
    [sheet] = read.read_upload("m.xlsx", forge.workbook(far))
    assert sheet.merged == [(1, 0, 2, 1)]
    rows = "".join(f'<row r="{r}">{forge.inline(f"A{r}", "a")}{forge.inline(f"J{r}", "b")}</row>' for r in range(1, 10001))
    merges = '<mergeCell ref="A1:J10000"/>' * 201   # 201 × 100000 cells > 20000000
    crowded = forge.sheet_xml(rows, after=f'<mergeCells count="201">{merges}</mergeCells>')
    assert refusal("m.xlsx", forge.workbook(crowded)) == (
        "文件“m.xlsx”工作表“Sheet1”的合并单元格共覆盖20100000个单元格，超过上限20000000个，未读取")


def test_a_file_over_the_size_limit_is_refused_unread():
    assert refusal("n.xlsx", b"PK\x03\x04", size=limits.MAX_FILE_BYTES + 1) == (
        "文件“n.xlsx”大小为200.1 MB，超过上限200 MB，未读取")


def test_the_province_template_workbooks_still_read(tmp_path):
    """The same cells as before the bounds: the templates as the importer writes them."""
    files = templates.export_tables(handmade.build_tables(), tmp_path / "up")
    for path in files:
        data = path.read_bytes()
        extents = xlsx_scan.check_workbook(path.name, data)
        for sheet in read.read_upload(path.name, data):
            rows, columns = extents[sheet.sheet]
            assert len(sheet.rows) == rows and max(len(r) for r in sheet.rows) == columns


# ---------------------------------------------------------------- CSV limits

def test_csv_lines_columns_and_cells():
    assert refusal("a.csv", b"x\n" * (limits.MAX_ROWS + 1)) == "文件“a.csv”有1048577行，超过上限1048576行，未读取"
    wide = ("学校标识码,学校名称\n" + ",".join(["1"] * 300) + "\n").encode()
    assert refusal("b.csv", wide) == "文件“b.csv”第2行有300列，超过上限256列，未读取"
    long = ("学校标识码,学校名称\n2161000001," + "丙" * 5_000_000 + "\n").encode()
    assert refusal("c.csv", long) == "文件“c.csv”第2行第2列有5000000个字符，超过每个单元格32767个字符的上限，未读取"


def test_csv_commas_inside_quotes_are_not_columns():
    quoted = ('学校标识码,学校名称\n2161000001,"' + "，," * 400 + '"\n').encode()
    sheet = read.read_upload("d.csv", quoted)[0]
    assert sheet.frame.iloc[1, 1] == "，," * 400 and sheet.frame.iloc[1, 2:].isna().all()


# ---------------------------------------------------------------- the child process

def test_the_check_runs_in_a_child_and_reports_progress(tmp_path):
    files = templates.export_tables(handmade.build_tables(), tmp_path / "up")
    steps = []
    plan = child.prepare([(p.name, p) for p in files], tmp_path / "root", on_step=steps.append)
    direct = pipeline.prepare([pipeline.Upload.from_path(p) for p in files], tmp_path / "root")
    assert plan.count_lines() == direct.count_lines()
    assert {t: len(df) for t, df in plan.tables.items()} == {t: len(df) for t, df in direct.tables.items()}
    texts = [s.text for s in steps]
    assert texts[0] == f"正在读取“{files[0].name}”（第1个，共{len(files)}个文件）"
    assert "正在检查“学校.xlsx”工作表“学校”的6行数据" in texts        # the six hand-made schools
    assert texts[-1] == "正在与当前数据比较"
    fractions = [s.fraction for s in steps]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] <= 1


def test_a_child_over_its_memory_ceiling_is_stopped_and_says_so(tmp_path, caplog):
    """The ceiling is the child's own: under 300 MB (less than Python and the libraries take) it
    stops at its first large allocation and says so; the same upload passes under the default,
    and the child logs its peak."""
    small = templates.export_tables({"schools": handmade.build_tables()["schools"]}, tmp_path / "small", "csv")
    files = [(p.name, p) for p in small]
    with pytest.raises(child.ChildFailed) as caught:
        child.prepare(files, tmp_path / "root", memory=300 << 20)
    assert caught.value.reason == "memory"
    assert str(caught.value) == "导入进程占用内存超过上限300 MB，已终止，未做任何改动"
    with caplog.at_level("INFO", logger="dashboard.ingest"):
        assert child.prepare(files, tmp_path / "root").rows_accepted == 6
    [peak] = [r for r in caplog.records if r.msg.startswith("import check done")]
    assert 300 < peak.args[0] <= limits.memory_bytes() >> 20   # address space, in MB


def test_messages_for_a_child_that_dies():
    with pytest.raises(child.ChildFailed, match=r"^导入进程意外退出（信号9），未做任何改动"):
        child._fail(-9, {}, "", 1 << 30)
    with pytest.raises(child.ChildFailed, match=r"^导入进程占用内存超过上限6 GB，已终止"):
        child._fail(-6, {}, "memory allocation of 549755813888 bytes failed", 6 << 30)


def test_printed_findings_are_clipped():
    assert limits.clip("短消息") == "短消息"
    clipped = limits.clip("长" * 1000)
    assert clipped == "长" * 300 + "……（另有700个字符未显示）"
