"""Files as they really arrive (issue 4): each messy case is handled or reported, with the counts
read = accepted + rejected and the Chinese message asserted."""
from __future__ import annotations

import codecs
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.ingest import pipeline, read
from dashboard.ingest.pipeline import Upload

SCHOOL_HEADER = ["学校标识码", "学校名称", "县区代码", "乡镇(街道)", "学段", "办学性质", "城乡分类", "开办年份", "撤并年份"]
S1 = ["2161000001", "甲小学", "611002", "城关街道", "小学", "公办", "城区", 2000, None]
S2 = ["2161000002", "乙小学", "611002", "城关街道", "小学", "公办", "乡村", 1990, None]
S3 = ["1161000003", "丙幼儿园", "611024", "高坝店镇", "幼儿园", "民办", "乡村", 2010, None]


def xlsx(rows, sheet="学校", merged=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    for rng in merged:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, encoding="utf-8", bom=False, sep=",") -> bytes:
    text = "\r\n".join(sep.join("" if v is None else str(v) for v in r) for r in rows) + "\r\n"
    return (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)


def prepare(tmp_path, *uploads, **kw):
    return pipeline.prepare(list(uploads), tmp_path / "root", **kw)


def counts(plan, table="schools"):
    c = plan.counts[table]
    assert c.read == c.accepted + c.rejected
    return c.read, c.accepted, c.rejected


def messages(plan) -> list[str]:
    return [i.message for i in plan.issues] + list(plan.problems["message"])


def problem(plan, row=None, column=None):
    p = plan.problems
    if row is not None:
        p = p[p["_row"] == row]
    if column is not None:
        p = p[p["column"] == column]
    assert len(p) == 1, plan.problems
    return p.iloc[0]


def test_title_rows_above_the_header(tmp_path):
    rows = [["山阳县中小学校党组织情况统计表"], ["填报单位:山阳县教育体育局", None, None, "填报日期:2024年12月"], [],
            SCHOOL_HEADER, S1, S2]
    plan = prepare(tmp_path, Upload("山阳县.xlsx", xlsx(rows)))
    assert counts(plan) == (2, 2, 0)
    assert list(plan.tables["schools"]["school_id"]) == ["2161000001", "2161000002"]


def test_total_row_is_listed_not_imported(tmp_path):
    rows = [["序号", *SCHOOL_HEADER], [1, *S1], [2, *S2], ["合 计", None, "2 所"]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (2, 2, 0)
    assert plan.counts["schools"].skipped == 1
    skipped = [i for i in plan.issues if i.row == 4]
    assert [i.message for i in skipped] == ["合计行，不是数据，未导入"]


def test_blank_rows_are_not_data(tmp_path):
    rows = [SCHOOL_HEADER, [], S1, [None] * 9, ["", "  "], S2, [], []]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (2, 2, 0)
    assert plan.counts["schools"].skipped == 0


def test_blank_row_with_only_a_line_number_is_not_data(tmp_path):
    rows = [["序号", *SCHOOL_HEADER], [1, *S1], [2], [3]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (1, 1, 0)


def test_merged_two_row_header(tmp_path):
    header1 = ["学校标识码", "年度", "年初党员数", "党员增加", None, "党员减少", None, None, "年末党员数", "年末预备党员数",
               "女党员数", "35岁及以下党员数", "入党申请人", "入党积极分子", "发展对象", "发展业务骨干党员数(双培养)"]
    header2 = [None, None, None, "新发展党员数", "转入", "转出", "死亡", "其他减少"] + [None] * 8
    data = ["2161000001", 2024, 40, 3, 1, 1, 0, 1, 42, 2, 25, 10, 8, 5, 3, 2]
    merged = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:H1"] + [f"{c}1:{c}2" for c in "IJKLMNOP"]
    rows = [["某县党员发展情况统计表"], header1, header2, data]
    plan = prepare(tmp_path, Upload("党员.xlsx", xlsx(rows, "党员", [_down(m) for m in merged])))
    assert counts(plan, "member_flows") == (1, 1, 0)
    row = plan.tables["member_flows"].iloc[0]
    assert (row["admitted"], row["transferred_in"], row["other_exits"], row["members_end"]) == (3, 1, 1, 42)


def _down(rng: str) -> str:
    """Shift a range one row down (the title row sits above the header)."""
    a, b = rng.split(":")
    return f"{a[0]}{int(a[1:]) + 1}:{b[0]}{int(b[1:]) + 1}"


def test_merged_data_cells_are_filled_and_reported(tmp_path):
    rows = [SCHOOL_HEADER, S1, ["2161000002", "乙小学", None, "城关街道", "小学", "公办", "乡村", 1990, None], S3]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows, merged=["C2:C3"])))
    assert counts(plan) == (3, 3, 0)
    assert list(plan.tables["schools"]["county_code"]) == ["611002", "611002", "611024"]
    assert any("第 2–3 行为合并单元格" in m and "611002" in m for m in messages(plan))


@pytest.mark.parametrize("encoding,bom,label", [("gbk", False, "GBK/GB18030"), ("gb18030", False, "GBK/GB18030"),
                                                ("utf-8", True, "UTF-8(带 BOM)"), ("utf-8", False, "UTF-8")])
def test_csv_encodings(tmp_path, encoding, bom, label):
    rows = [["XX县中小学校情况统计表"], SCHOOL_HEADER, S1, S2, S3]
    plan = prepare(tmp_path, Upload("学校.csv", csv_bytes(rows, encoding, bom)))
    assert counts(plan) == (3, 3, 0)
    assert list(plan.tables["schools"]["school_name"]) == ["甲小学", "乙小学", "丙幼儿园"]
    assert f"按 {label} 编码读取" in messages(plan)


def test_csv_utf16_tab_separated(tmp_path):
    text = "\r\n".join("\t".join("" if v is None else str(v) for v in r) for r in [SCHOOL_HEADER, S1])
    plan = prepare(tmp_path, Upload("学校.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le")))
    assert counts(plan) == (1, 1, 0)


def test_csv_in_no_known_encoding_is_refused(tmp_path):
    data = "学校标识码,学校名称\n".encode("utf-8") + b"\xff\xfe\xfa\x80\x81" * 50
    plan = prepare(tmp_path, Upload("学校.csv", data))
    assert plan.counts["schools"].read == 0
    [error] = plan.errors
    assert error.file == "学校.csv" and "编码" in error.message
    assert plan.blockers()


def test_full_width_digits(tmp_path):
    rows = [SCHOOL_HEADER, ["２１６１０００００１", "甲小学", "６１１００２", "城关街道", "小学", "公办", "城区", "２０００", None]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (1, 1, 0)
    row = plan.tables["schools"].iloc[0]
    assert (row["school_id"], row["county_code"], row["opened_year"]) == ("2161000001", "611002", 2000)


def test_numbers_stored_as_text_and_ids_stored_as_numbers(tmp_path):
    rows = [SCHOOL_HEADER, [2161000001, "甲小学", 611002, "城关街道", "小学", "公办", "城区", "2000", ""]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (1, 1, 0)
    row = plan.tables["schools"].iloc[0]
    assert (row["school_id"], row["county_code"], row["opened_year"]) == ("2161000001", "611002", 2000)


def test_yes_no_answers(tmp_path):
    header = ["党组织编号", "年度", "党组织名称", "组织类型", "组建方式", "依托学校标识码", "是否一肩挑", "成立日期",
              "上次换届日期", "任期(年)", "正式党员数", "预备党员数"]
    base = ["中共甲小学支部委员会", "党支部", "单独建立", "2161000001"]
    rows = [header,
            ["O1", 2024, *base, "是", "2005-06-01", "2023-03-01", 3, 12, 1],
            ["O2", 2024, *base, "否", "2005-06-01", "2023-03-01", 3, 12, 1]]
    plan = prepare(tmp_path, Upload("党组织.xlsx", xlsx(rows, "党组织")))
    assert counts(plan, "orgs") == (2, 1, 1)
    assert plan.tables["orgs"].iloc[0]["leadership"] == "一肩挑"
    assert "“是”按“一肩挑”导入（1 行）" in messages(plan)
    p = problem(plan, row=3)
    assert p["column"] == "书记校长设置"
    assert p["message"] == "“否”无法区分“分设”和“书记空缺”，请填写其中之一"


def test_no_in_an_optional_year_means_empty(tmp_path):
    rows = [SCHOOL_HEADER, S1[:8] + ["否"], S2[:8] + ["是"]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (2, 1, 1)
    assert plan.tables["schools"]["closed_year"].isna().all()
    assert problem(plan, row=3, column="撤并年份")["message"] == "填写了“是”，此列应填具体数值，没有请留空"


def test_percentage_in_a_count_column_is_rejected(tmp_path):
    rows = [["学校标识码", "年度", "教职工数", "学生数", "覆盖方式", "覆盖党组织编号", "党组织覆盖率"],
            ["2161000001", 2024, "73.6%", 900, "单独建立", "O1", "73.6%"],
            ["2161000002", 2024, 12, 150, "单独建立", "O2", "100%"]]
    plan = prepare(tmp_path, Upload("学校年度情况.xlsx", xlsx(rows, "学校年度情况")))
    assert counts(plan, "school_years") == (2, 1, 1)
    p = problem(plan, row=2)
    assert (p["column"], p["value"]) == ("教职工数", "73.6%")
    assert p["message"] == "“73.6%”是百分比，此列应填整数（人数、个数或年份）"
    # The rate column is not in the contract: said so, not silently dropped.
    assert "“党组织覆盖率”不是“学校年度情况”表的列（第 7 列），其内容未导入" in messages(plan)


def test_stray_spaces(tmp_path):
    rows = [[" 学校标识码 ", "学校 名称", "县区代码", "乡镇(街道)", "学段", "办学性质", "城乡分类", "开办年份", "撤并年份"],
            [" 2161000001\u3000", "\u3000甲小学 ", " 611002", " 城关街道", "小 学", "公办 ", "\xa0城区", " 2000 ", "  "]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (1, 1, 0)
    row = plan.tables["schools"].iloc[0]
    assert (row["school_id"], row["school_name"], row["stage"], row["locale"]) == ("2161000001", "甲小学", "小学", "城区")


def test_county_names_instead_of_codes(tmp_path):
    rows = [["学校标识码", "学校名称", "县区", "乡镇(街道)", "学段", "办学性质", "城乡分类", "开办年份", "撤并年份"],
            [*S1[:2], "商州区", *S1[3:]], [*S2[:2], "商洛市商州区", *S2[3:]], [*S3[:2], "山阳", *S3[3:]]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (3, 2, 1)
    assert list(plan.tables["schools"]["county_code"]) == ["611002", "611002"]
    assert any(m.startswith("县区代码列填写的是县区名称，已按行政区划换算：") and "商州区→611002" in m for m in messages(plan))
    p = problem(plan, row=4)
    assert p["column"] == "县区代码"
    assert p["message"] == "县区“山阳”不在行政区划中,请填写 6 位县区代码或先导入行政区划表"


def test_county_name_from_an_uploaded_regions_sheet(tmp_path):
    regions = xlsx([["县区代码", "县区名称", "市代码", "市名称", "排序"], ["140105", "小店区", "140100", "太原市", 1]], "行政区划")
    schools = xlsx([SCHOOL_HEADER, ["2114000001", "甲小学", "小店区", "坞城街道", "小学", "公办", "城区", 2000, None]])
    plan = prepare(tmp_path, Upload("行政区划.xlsx", regions), Upload("学校.xlsx", schools))
    assert counts(plan) == (1, 1, 0)
    assert plan.tables["schools"].iloc[0]["county_code"] == "140105"


def test_years_written_with_nian(tmp_path):
    rows = [["学校标识码", "年度", "教职工数", "学生数", "覆盖方式", "覆盖党组织编号"],
            ["2161000001", "2023年", "60人", "1,200", "单独建立", "O1"],
            ["2161000001", "2024年度", 61, 1210, "单独建立", "O1"],
            ["2161000002", "二〇二四年", 12, 150, "联合组建", "O2"]]
    plan = prepare(tmp_path, Upload("学校年度情况.xlsx", xlsx(rows, "学校年度情况")))
    assert counts(plan, "school_years") == (3, 2, 1)
    sy = plan.tables["school_years"]
    assert list(sy["year"]) == [2023, 2024] and list(sy["staff"]) == [60, 61] and sy["students"].iloc[0] == 1200
    assert problem(plan, row=4, column="年度")["message"] == "“二〇二四年”不是年份（应为四位数字，如 2023）"


def test_synonyms_are_mapped_and_reported(tmp_path):
    rows = [SCHOOL_HEADER, [*S1[:4], "完中", *S1[5:]], [*S2[:4], "九年一贯制", *S2[5:]], [*S3[:4], "高级中学", *S3[5:]]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (3, 2, 1)
    assert list(plan.tables["schools"]["stage"]) == ["完全中学", "九年一贯制学校"]
    assert "“完中”按“完全中学”导入（1 行）" in messages(plan)
    assert problem(plan, row=4)["message"].startswith("“高级中学”不是允许的值，应为：幼儿园、小学")


def test_scientific_notation_id_is_rejected(tmp_path):
    rows = [SCHOOL_HEADER, ["2.161E+09", *S1[1:]], S2]
    plan = prepare(tmp_path, Upload("学校.csv", csv_bytes(rows)))
    assert counts(plan) == (2, 1, 1)
    assert "科学计数法" in problem(plan, row=2, column="学校标识码")["message"]


def test_excel_error_values_are_rejected(tmp_path):
    rows = [["学校标识码", "年度", "教职工数", "学生数", "覆盖方式", "覆盖党组织编号"],
            ["2161000001", 2024, "#DIV/0!", 900, "单独建立", "O1"]]
    plan = prepare(tmp_path, Upload("学校年度情况.csv", csv_bytes(rows)))
    assert counts(plan, "school_years") == (1, 0, 1)
    assert problem(plan, row=2)["message"] == "单元格“#DIV/0!”是 Excel 的错误值（公式出错），请填写实际数值"


def test_dates_in_the_ways_people_write_them(tmp_path):
    header = ["党组织编号", "年度", "党组织名称", "组织类型", "组建方式", "依托学校标识码", "书记校长设置", "成立日期",
              "上次换届日期", "任期(年)", "星级", "正式党员数", "预备党员数"]
    base = ["支部", "党支部", "单独建立", "2161000001", "分设"]
    rows = [header,
            ["O1", 2024, *base, "2005年6月1日", "2023/3/1", 3, "无", 12, 1],
            ["O2", 2024, *base, "20050601", "2023.03.01", 3, 5, 12, 1],
            ["O3", 2024, *base, "2005-02-30", "2023-03", 3, 6, 12, 1],
            ["O4", 2024, *base, "2005年2月30日", "2023-03-01", 3, 5, 12, 1]]
    plan = prepare(tmp_path, Upload("党组织.csv", csv_bytes(rows)))
    assert counts(plan, "orgs") == (4, 2, 2)
    orgs = plan.tables["orgs"]
    assert [str(d.date()) for d in orgs["established_date"]] == ["2005-06-01", "2005-06-01"]
    assert orgs["star_rating"].isna().iloc[0]
    reasons = plan.rejected["orgs"].iloc[0]["_reason"]
    assert "成立日期：“2005-02-30”不是有效日期" in reasons
    assert "上次换届日期：“2023-03”不是日期，请按 2021-03-01 的格式填写" in reasons
    assert "星级：“6”超出范围，应在 1–5 之间" in reasons
    assert plan.rejected["orgs"].iloc[1]["_reason"] == "成立日期：“2005年2月30日”不是有效日期"


def test_duplicate_rows(tmp_path):
    changed = [*S2[:1], "乙小学(新)", *S2[2:]]
    rows = [SCHOOL_HEADER, S1, S1, S2, changed, S3]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (5, 2, 3)
    reasons = dict(zip(plan.rejected["schools"]["_row"], plan.rejected["schools"]["_reason"]))
    assert reasons[3] == "与 学校.xlsx 第 2 行 完全相同（重复行）"
    assert reasons[4].startswith("学校标识码重复出现且内容不同（首次出现于 学校.xlsx 第 4 行）")
    assert set(reasons) == {3, 4, 5}


def test_missing_required_column_rejects_every_row(tmp_path):
    rows = [["学校标识码", "学校名称", "县区代码", "乡镇(街道)", "学段", "办学性质", "城乡分类"], S1[:7], S2[:7]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (2, 0, 2)
    assert any(i.severity == "error" and i.message == "缺少必填列：“开办年份”；本表 2 行全部未导入" for i in plan.issues)


def test_column_number_line_under_the_header(tmp_path):
    rows = [SCHOOL_HEADER, ["甲", "乙", 1, 2, 3, 4, 5, 6, 7], S1]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (1, 1, 0)
    assert any(i.row == 2 and i.message.startswith("栏次行") for i in plan.issues)


def test_signature_lines_below_the_data(tmp_path):
    rows = [SCHOOL_HEADER, S1, [], ["填报人:张三", None, None, "审核人:李四", None, "联系电话:0914-1234567"]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (1, 1, 0)
    assert any(i.row == 4 and i.message == "说明或签字行，不是数据，未导入" for i in plan.issues)


@pytest.mark.parametrize("name,data,words", [
    ("学校.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "另存为"),
    ("学校.xlsx", b"not a workbook at all", "不是有效的 .xlsx 文件"),
    ("学校.xlsx", b"PK\x03\x04broken zip", "无法读取该 Excel 文件"),
    ("学校.pdf", b"%PDF-1.4", "只能导入 .xlsx 或 .csv 文件"),
])
def test_unreadable_files_are_errors_that_block(tmp_path, name, data, words):
    plan = prepare(tmp_path, Upload(name, data))
    [error] = plan.errors
    assert error.file == name and words in error.message
    assert not plan.can_publish()


def test_unrecognised_sheet_is_a_warning(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "学校"
    for r in [SCHOOL_HEADER, S1]:
        book.active.append(r)
    other = book.create_sheet("汇总")
    other.append(["县区", "学校数"])
    other.append(["商州区", 3])
    buf = io.BytesIO()
    book.save(buf)
    plan = prepare(tmp_path, Upload("学校.xlsx", buf.getvalue()))
    assert counts(plan) == (1, 1, 0)
    [w] = [i for i in plan.issues if i.sheet == "汇总"]
    assert w.severity == "warning" and "本工作表未导入" in w.message


def test_rejects_workbook_names_file_sheet_row_and_column(tmp_path):
    rows = [["XX县学校统计表"], SCHOOL_HEADER, S1, [*S2[:4], "大学", *S2[5:]]]
    plan = prepare(tmp_path, Upload("山阳县学校.xlsx", xlsx(rows)))
    assert counts(plan) == (2, 1, 1)
    book = openpyxl.load_workbook(io.BytesIO(plan.rejects_workbook()))
    issues = list(book["问题清单"].iter_rows(values_only=True))
    assert issues[0] == ("严重程度", "文件", "工作表", "行号", "数据表", "列", "值", "说明")
    hit = [r for r in issues if r[3] == 4]
    assert hit and hit[0][:7] == ("错误", "山阳县学校.xlsx", "学校", 4, "学校", "学段", "大学")
    assert "本行被拒绝：“大学”不是允许的值" in hit[0][7]
    rejected = list(book["被拒绝_学校"].iter_rows(values_only=True))
    assert rejected[0][:5] == ("来源文件", "来源工作表", "来源行号", "拒绝原因", "学校标识码")
    assert rejected[1][:3] == ("山阳县学校.xlsx", "学校", 4) and rejected[1][4] == "2161000002"


def test_rejected_rows_block_the_publish_unless_accepted(tmp_path):
    rows = [SCHOOL_HEADER, S1, [*S2[:4], "大学", *S2[5:]]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert "有 1 行被拒绝" in "".join(plan.blockers())
    assert not any("被拒绝" in b for b in plan.blockers(allow_rejects=True))


def test_read_xlsx_keeps_excel_row_numbers_after_leading_blank_rows():
    sheets = read.read_upload("a.xlsx", xlsx([[], [], ["x", "y"]]))
    assert sheets[0].rows[2][:2] == ["x", "y"]


def test_columns_of_another_table_are_noted_not_warned(tmp_path):
    rows = [["学校标识码", "学校名称", "年度", "教职工数", "学生数", "覆盖方式", "覆盖党组织编号"],
            ["2161000001", "甲小学", 2024, 60, 900, "单独建立", "O1"]]
    plan = prepare(tmp_path, Upload("学校年度情况.xlsx", xlsx(rows, "学校年度情况")))
    assert counts(plan, "school_years") == (1, 1, 0)
    [note] = [i for i in plan.issues if "学校名称" in i.message]
    assert note.severity == "info" and note.message == "“学校名称”属于“学校”表，在本表中不导入（第 2 列）"


def test_corrected_rejects_workbook_imports(tmp_path):
    rows = [SCHOOL_HEADER, S1, [*S2[:4], "大学", *S2[5:]], [*S3[:7], "1990年代", None]]
    plan = prepare(tmp_path, Upload("学校.xlsx", xlsx(rows)))
    assert counts(plan) == (3, 1, 2)
    book = openpyxl.load_workbook(io.BytesIO(plan.rejects_workbook()))
    ws = book["被拒绝_学校"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("学段") + 1, "小学")
    ws.cell(3, header.index("开办年份") + 1, "1990")
    buf = io.BytesIO()
    book.save(buf)
    again = prepare(tmp_path, Upload("改正后.xlsx", buf.getvalue()))
    assert counts(again) == (2, 2, 0)
    assert [i for i in again.issues if i.severity != "info"] == []


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Both Excel readers: python-calamine when installed, openpyxl's read-only mode otherwise."""
    if request.param == "calamine" and read.python_calamine is None:
        pytest.skip("python-calamine is not installed")
    if request.param == "openpyxl":
        monkeypatch.setattr(read, "python_calamine", None)
    return request.param


def test_both_excel_readers_give_the_same_cells(reader, tmp_path):
    import datetime as dt

    rows = [["标题"], [], SCHOOL_HEADER, [2161000001, "甲小学", 611002.0, "城关街道", "小学", "公办", "城区", 2000, None],
            ["2161000002", "乙小学", None, " 城关街道", "小学", "公办", "乡村", "1990", "否"]]
    data = xlsx(rows, merged=["C4:C5"])
    [sheet] = read.read_upload("学校.xlsx", data)
    assert sheet.merged == [(3, 2, 4, 2)]
    plan = prepare(tmp_path, Upload("学校.xlsx", data))
    assert counts(plan) == (2, 2, 0)
    assert list(plan.tables["schools"]["county_code"]) == ["611002", "611002"]
    wb = openpyxl.Workbook()
    wb.active.append(["成立日期"])
    wb.active.append([dt.date(2021, 3, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    [dates] = read.read_upload("d.xlsx", buf.getvalue())
    assert read.cell_text(dates.rows[1][0]) == "2021-03-01"


# The contract's newer parts -------------------------------------------------------------------

def test_organisational_life_sheet_as_bureaus_write_it(tmp_path):
    rows = [["2024年组织生活开展情况"],
            ["党组织编号", "党组织名称", "年份", "月", "会议类型", "召开次数"],
            ["O1", "中共甲小学支部委员会", "2024年", "3月", "支委会", "1次"],
            ["O1", "中共甲小学支部委员会", 2024, "十二月", "主题党日活动", 2],
            ["O1", "中共甲小学支部委员会", 2024, "１月", "党员大会", 0],
            ["O1", "中共甲小学支部委员会", 2024, 13, "党课", 1],
            ["O1", "中共甲小学支部委员会", 2024, 4, "座谈会", 1],
            ["O1", "中共甲小学支部委员会", 2024, 5, "党课", -1]]
    plan = prepare(tmp_path, Upload("组织生活.xlsx", xlsx(rows, "Sheet1")))
    assert counts(plan, "org_activities") == (6, 3, 3)
    acts = plan.tables["org_activities"]
    assert acts[["month", "kind", "times"]].values.tolist() == [[3, "支部委员会", 1], [12, "主题党日", 2],
                                                                [1, "支部党员大会", 0]]
    assert "“支委会”按“支部委员会”导入（1 行）" in messages(plan)
    assert "“主题党日活动”按“主题党日”导入（1 行）" in messages(plan)
    assert problem(plan, row=6, column="月份")["message"] == "“13”超出范围，应在 1–12 之间"
    assert problem(plan, row=7, column="活动类型")["message"].startswith("“座谈会”不是允许的值，应为：支部党员大会、支部委员会")
    assert problem(plan, row=8, column="次数")["message"] == "“-1”超出范围，不能为负数"
    assert "“党组织名称”属于“党组织”表，在本表中不导入（第 2 列）" in messages(plan)
    # No organisation O1 in the (empty) published data: the check names the uploaded row.
    err = next(i for i in plan.errors if i.table == "org_activities")
    assert (err.file, err.sheet, err.row, err.column_label) == ("组织生活.xlsx", "Sheet1", 3, "党组织编号")
    assert err.message == "党组织编号“O1”在党组织表（orgs）的 2024 年数据中不存在"


def test_system_level_honour_and_secretary_date(tmp_path):
    honors = [["荣誉编号", "学校标识码", "党组织编号", "荣誉类别", "级别", "授予年份", "名称"],
              ["H1", "2161000001", None, "最强党支部", "系统级", 2023, "最强党支部"],
              ["H2", "2161000001", None, "最强党支部", "系统", 2024, "最强党支部"]]
    plan = prepare(tmp_path, Upload("荣誉.xlsx", xlsx(honors, "荣誉创建")))
    assert list(plan.tables["honors"]["level"]) == ["系统级", "系统级"]
    assert "“系统”按“系统级”导入（1 行）" in messages(plan)
    orgs = [["党组织编号", "年度", "党组织名称", "组织类型", "组建方式", "依托学校标识码", "书记校长设置", "成立日期",
             "上次换届日期", "任期(年)", "正式党员数", "预备党员数", "书记任职时间"],
            ["O1", 2024, "支部", "党支部", "单独建立", "2161000001", "分设", "2005-06-01", "2023-03-01", 3, 12, 1, "2021年9月1日"],
            ["O2", 2024, "支部", "党支部", "单独建立", "2161000001", "分设", "2005-06-01", "2023-03-01", 3, 12, 1, None]]
    plan = prepare(tmp_path, Upload("党组织.xlsx", xlsx(orgs, "党组织")))
    assert counts(plan, "orgs") == (2, 2, 0)
    dates = plan.tables["orgs"]["secretary_appointed_date"]
    assert str(dates.iloc[0].date()) == "2021-09-01" and pd.isna(dates.iloc[1])
