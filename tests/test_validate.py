"""The validator: the hand-made extract is clean, and each rule catches its own breakage.

Every test breaks a fresh copy of the hand-made tables in one place and asserts that a finding
names that place (table, key, column) in Chinese. Keys are written out literally, as a bureau's
staff would read them.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard import config, contract, extract, validate
from tests import handmade
from tests.handmade import S1, S2, S3, S4, S5, S6

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def t() -> dict[str, pd.DataFrame]:
    return handmade.build_tables()


def sy_key(school: str, year: int) -> str:
    return f"学校标识码={school}，年度={year}"


def org_key(org: str, year: int) -> str:
    return f"党组织编号={org}，年度={year}"


def row_of(df: pd.DataFrame, **match) -> int:
    """The position of the one row matching all `match` values."""
    mask = pd.Series(True, index=df.index)
    for col, value in match.items():
        mask &= df[col] == value
    (pos,) = [i for i, m in enumerate(mask) if m]
    return pos


def set_value(df: pd.DataFrame, column: str, value, **match) -> None:
    fits = (isinstance(value, str) and pd.api.types.is_string_dtype(df[column])) or \
        (isinstance(value, (int, float)) and pd.api.types.is_numeric_dtype(df[column]))
    if not fits:
        df[column] = df[column].astype(object)  # room for text in a numeric column, or a number in a text one
    df.iloc[row_of(df, **match), df.columns.get_loc(column)] = value


def find(findings, severity, table, key, column) -> validate.Finding:
    """The finding at that place; fails listing what was found instead."""
    hits = [f for f in findings if (f.severity, f.table, f.key, f.column) == (severity, table, key, column)]
    assert hits, f"no {severity} at {table} [{key}] {column}; found:\n" + "\n".join(map(str, findings))
    f = hits[0]
    assert CHINESE.search(f.message), f.message
    return f


def errors(findings):
    return [f for f in findings if f.severity == validate.ERROR]


# ---------------------------------------------------------------------------------------------
# The hand-made extract

# Worked out by hand from tests/handmade.py:
#  - O1 is a 党总支 with 40+2 = 42 members in 2023 and 45+3 = 48 in 2024: both under 50.
#  - O1A (21, 23), O2 (5, 7), O3 (10, 11), O4 (2) are 党支部 within 3–50; every term is 3 years.
#  - O2 is the only 联合建立 organisation and covers 2 schools (S2, S3) each year.
#  - Full members (members_end − probationary): S2 2023 2, S3 2023 2, S5 2023 0; S2 2024 4 (in
#    the joint O2: warning), S3 2024 2, S6 2024 2; S1 and S4 have their own organisations.
#  - members_start 2024 equals members_end 2023 for S1–S4 (42, 3, 2, 10); S6 is new in 2024.
EXPECTED_WARNINGS = [
    ("orgs", org_key("O1", 2023), "org_type", 0),
    ("orgs", org_key("O1", 2024), "org_type", 4),
    ("school_years", sy_key(S2, 2024), "coverage", 6),
]


def test_handmade_extract_has_no_errors_and_exactly_its_warnings(t):
    findings = validate.check_tables(t)
    assert errors(findings) == []
    assert [(f.table, f.key, f.column, f.row) for f in findings] == EXPECTED_WARNINGS
    o1_2023, o1_2024, s2 = findings
    assert "42" in o1_2023.message and "50" in o1_2023.message
    assert "48" in o1_2024.message
    assert "4 名" in s2.message and "联合建立" in s2.message


def test_check_tables_does_not_change_its_input(t):
    before = {name: df.copy() for name, df in t.items()}
    validate.check_tables(t)
    for name, df in t.items():
        pd.testing.assert_frame_equal(df, before[name])


def test_finding_prints_as_one_chinese_line(t):
    t["schools"].loc[0, "stage"] = "小学校"
    (f,) = validate.check_tables(t)[:1]
    assert str(f) == (f"错误 学校（schools.parquet） [学校标识码={S1}] 学段（stage）："
                      "取值“小学校”不在允许范围（幼儿园、小学、初中、九年一贯制学校、高中、完全中学、"
                      "十二年一贯制学校、中等职业学校、特殊教育学校）内")
    assert str(validate.Finding("warning", "orgs", "", "", "提示")) == "警告 党组织（orgs.parquet）：提示"


# ---------------------------------------------------------------------------------------------
# Structure

def test_missing_table(t):
    del t["honors"]
    f = find(validate.check_tables(t), "error", "honors", "", "")
    assert "缺少表" in f.message


def test_missing_column(t):
    t["orgs"] = t["orgs"].drop(columns="leadership")
    f = find(validate.check_tables(t), "error", "orgs", "", "leadership")
    assert "缺少" in f.message and f.row is None


def test_null_in_required_column(t):
    set_value(t["schools"], "school_name", None, school_id=S3)
    f = find(validate.check_tables(t), "error", "schools", f"学校标识码={S3}", "school_name")
    assert "不能为空" in f.message and f.row == 2


def test_blank_text_counts_as_null(t):
    set_value(t["orgs"], "org_name", "  ", org_id="O3", year=2023)
    find(validate.check_tables(t), "error", "orgs", org_key("O3", 2023), "org_name")


def test_null_key(t):
    set_value(t["honors"], "honor_id", None, honor_id="H5")
    f = find(validate.check_tables(t), "error", "honors", "荣誉编号=（空）", "honor_id")
    assert f.row == 4


def test_integer_column_holds_text(t):
    set_value(t["school_years"], "staff", "十二", school_id=S2, year=2023)
    f = find(validate.check_tables(t), "error", "school_years", sy_key(S2, 2023), "staff")
    assert "整数" in f.message and "十二" in f.message and f.row == 1


def test_integer_column_holds_a_fraction(t):
    t["member_flows"]["female"] = t["member_flows"]["female"].astype(float)
    set_value(t["member_flows"], "female", 6.5, school_id=S4, year=2023)
    find(validate.check_tables(t), "error", "member_flows", sy_key(S4, 2023), "female")


def test_coercible_values_are_accepted(t):
    # As a spreadsheet importer may hand them over: years as text, counts as floats, dates as text.
    t["school_years"]["year"] = t["school_years"]["year"].astype(str)
    t["school_years"]["staff"] = t["school_years"]["staff"].astype(float)
    t["orgs"]["established_date"] = t["orgs"]["established_date"].map(lambda d: d.isoformat())
    assert errors(validate.check_tables(t)) == []


def test_bad_date(t):
    set_value(t["orgs"], "established_date", "2005-13-01", org_id="O3", year=2023)
    f = find(validate.check_tables(t), "error", "orgs", org_key("O3", 2023), "established_date")
    assert "日期" in f.message and "2005-13-01" in f.message


def test_text_column_holds_a_number(t):
    set_value(t["schools"], "township", 12, school_id=S4)
    f = find(validate.check_tables(t), "error", "schools", f"学校标识码={S4}", "township")
    assert "文本" in f.message


@pytest.mark.parametrize("value", ["61100", "６１１０００", "61100a"])
def test_identifier_digits(t, value):
    set_value(t["regions"], "city_code", value, county_code=handmade.SHANGZHOU)
    f = find(validate.check_tables(t), "error", "regions", "县区代码=611002", "city_code")
    assert "6 位数字" in f.message and value in f.message


def test_school_id_digits(t):
    set_value(t["orgs"], "host_school_id", "316100004", org_id="O3", year=2024)
    f = find(validate.check_tables(t), "error", "orgs", org_key("O3", 2024), "host_school_id")
    assert "10 位数字" in f.message


def test_enumeration(t):
    set_value(t["schools"], "stage", "小学校", school_id=S1)
    f = find(validate.check_tables(t), "error", "schools", f"学校标识码={S1}", "stage")
    assert f.message.startswith("取值“小学校”不在允许范围（幼儿园、小学、")


@pytest.mark.parametrize("table, column, value, match, key", [
    ("orgs", "star_rating", 6, {"org_id": "O2", "year": 2023}, org_key("O2", 2023)),
    ("orgs", "term_years", 11, {"org_id": "O3", "year": 2024}, org_key("O3", 2024)),
    ("orgs", "term_years", 0, {"org_id": "O3", "year": 2024}, org_key("O3", 2024)),
    ("school_years", "students", -1, {"school_id": S3, "year": 2024}, sy_key(S3, 2024)),
    ("honors", "year_awarded", 3000, {"honor_id": "H5"}, "荣誉编号=H5"),
    ("schools", "opened_year", 1900, {"school_id": S3}, f"学校标识码={S3}"),
])
def test_range(t, table, column, value, match, key):
    set_value(t[table], column, value, **match)
    f = find(validate.check_tables(t), "error", table, key, column)
    assert "超出范围" in f.message and str(value) in f.message


# ---------------------------------------------------------------------------------------------
# Keys

def test_duplicate_pair_key(t):
    t["school_years"] = pd.concat([t["school_years"], t["school_years"].iloc[[0]]], ignore_index=True)
    findings = validate.check_tables(t)
    f = find(findings, "error", "school_years", sy_key(S1, 2023), "")
    assert "重复" in f.message and "2 次" in f.message
    assert f.row == 10  # the later copy; the first is the one kept
    assert len([x for x in findings if "重复" in x.message]) == 1


def test_duplicate_single_key(t):
    t["honors"] = pd.concat([t["honors"], t["honors"].iloc[[2, 2]]], ignore_index=True)
    findings = [f for f in validate.check_tables(t) if "重复" in f.message]
    assert [(f.key, f.row) for f in findings] == [("荣誉编号=H3", 7), ("荣誉编号=H3", 8)]
    assert "3 次" in findings[0].message


def test_duplicates_in_several_tables_each_name_their_own_key(t):
    # Messages are formatted lazily, after all rules ran: each must still describe its own table.
    t["honors"] = pd.concat([t["honors"], t["honors"].iloc[[0]]], ignore_index=True)
    t["orgs"] = pd.concat([t["orgs"], t["orgs"].iloc[[0]]], ignore_index=True)
    findings = validate.check_tables(t)
    assert "党组织编号+年度" in find(findings, "error", "orgs", org_key("O1", 2023), "").message
    assert "荣誉编号" in find(findings, "error", "honors", "荣誉编号=H1", "").message


def test_duplicate_org_year(t):
    t["orgs"] = pd.concat([t["orgs"], t["orgs"].iloc[[5]]], ignore_index=True)
    find(validate.check_tables(t), "error", "orgs", org_key("O1A", 2024), "")


# ---------------------------------------------------------------------------------------------
# References

def test_school_county_not_in_regions(t):
    set_value(t["schools"], "county_code", "611099", school_id=S4)
    f = find(validate.check_tables(t), "error", "schools", f"学校标识码={S4}", "county_code")
    assert "611099" in f.message and "regions" in f.message


@pytest.mark.parametrize("table", ["school_years", "member_flows"])
def test_school_not_in_schools(t, table):
    set_value(t[table], "school_id", "2161000099", school_id=S3, year=2023)
    f = find(validate.check_tables(t), "error", table, sy_key("2161000099", 2023), "school_id")
    assert "2161000099" in f.message and "schools" in f.message


def test_covering_org_missing_that_year(t):
    # O4 exists only in 2024.
    set_value(t["school_years"], "org_id", "O4", school_id=S3, year=2023)
    f = find(validate.check_tables(t), "error", "school_years", sy_key(S3, 2023), "org_id")
    assert "O4" in f.message and "2023" in f.message


def test_host_school_not_in_schools(t):
    set_value(t["orgs"], "host_school_id", "3161000099", org_id="O3", year=2024)
    f = find(validate.check_tables(t), "error", "orgs", org_key("O3", 2024), "host_school_id")
    assert "3161000099" in f.message


def test_parent_org_missing_that_year(t):
    set_value(t["orgs"], "parent_org_id", "O4", org_id="O1A", year=2023)
    f = find(validate.check_tables(t), "error", "orgs", org_key("O1A", 2023), "parent_org_id")
    assert "O4" in f.message and "2023" in f.message


def test_parent_org_is_itself(t):
    set_value(t["orgs"], "parent_org_id", "O1A", org_id="O1A", year=2024)
    f = find(validate.check_tables(t), "error", "orgs", org_key("O1A", 2024), "parent_org_id")
    assert "本组织" in f.message


def test_honor_school_not_in_schools(t):
    set_value(t["honors"], "school_id", "1161000099", honor_id="H5")
    find(validate.check_tables(t), "error", "honors", "荣誉编号=H5", "school_id")


def test_honor_org_not_in_orgs(t):
    set_value(t["honors"], "org_id", "O9", honor_id="H6")
    f = find(validate.check_tables(t), "error", "honors", "荣誉编号=H6", "org_id")
    assert "O9" in f.message


def test_honor_names_neither_school_nor_org(t):
    set_value(t["honors"], "school_id", None, honor_id="H7")
    f = find(validate.check_tables(t), "error", "honors", "荣誉编号=H7", "school_id")
    assert "至少" in f.message


# ---------------------------------------------------------------------------------------------
# Years

def test_row_after_school_closed(t):
    row = t["school_years"].iloc[[4]].assign(year=2024)  # S5 closed in 2024
    t["school_years"] = pd.concat([t["school_years"], row], ignore_index=True)
    f = find(validate.check_tables(t), "error", "school_years", sy_key(S5, 2024), "year")
    assert "撤并" in f.message and f.row == 10


def test_row_before_school_opened(t):
    row = t["member_flows"].iloc[[9]].assign(year=2023, transferred_in=0, members_end=0, female=0, aged_35_or_under=0)
    t["member_flows"] = pd.concat([t["member_flows"], row], ignore_index=True)  # S6 opened in 2024
    f = find(validate.check_tables(t), "error", "member_flows", sy_key(S6, 2023), "year")
    assert "开办" in f.message


def test_rows_outside_open_years_in_both_tables(t):
    set_value(t["schools"], "opened_year", 2024, school_id=S4)
    findings = validate.check_tables(t)
    assert "学校年度情况" in find(findings, "error", "school_years", sy_key(S4, 2023), "year").message
    assert "党员发展与流动" in find(findings, "error", "member_flows", sy_key(S4, 2023), "year").message


def test_closed_not_after_opened(t):
    set_value(t["schools"], "closed_year", 1995, school_id=S5)  # opened 1995
    f = find(validate.check_tables(t), "error", "schools", f"学校标识码={S5}", "closed_year")
    assert "1995" in f.message


def test_open_school_without_its_year_row(t):
    sy = t["school_years"]
    t["school_years"] = sy.drop(index=row_of(sy, school_id=S4, year=2024)).reset_index(drop=True)
    f = find(validate.check_tables(t), "error", "school_years", sy_key(S4, 2024), "")
    assert "丁中学" in f.message and "2024" in f.message and f.row is None


def test_revoked_before_awarded(t):
    set_value(t["honors"], "revoked_year", 2022, honor_id="H3")  # awarded 2023
    f = find(validate.check_tables(t), "error", "honors", "荣誉编号=H3", "revoked_year")
    assert "2022" in f.message and "2023" in f.message


# ---------------------------------------------------------------------------------------------
# Coverage

def test_org_coverage_needs_an_org(t):
    set_value(t["school_years"], "org_id", None, school_id=S1, year=2023)
    f = find(validate.check_tables(t), "error", "school_years", sy_key(S1, 2023), "org_id")
    assert "单独建立" in f.message


def test_adviser_coverage_has_no_org(t):
    set_value(t["school_years"], "org_id", "O3", school_id=S5, year=2023)
    f = find(validate.check_tables(t), "error", "school_years", sy_key(S5, 2023), "org_id")
    assert "党建指导员" in f.message and "O3" in f.message


def test_uncovered_has_no_org(t):
    set_value(t["school_years"], "coverage", "未覆盖", school_id=S4, year=2023)
    find(validate.check_tables(t), "error", "school_years", sy_key(S4, 2023), "org_id")


# ---------------------------------------------------------------------------------------------
# Member flows

def test_flow_identity(t):
    set_value(t["member_flows"], "members_end", 43, school_id=S1, year=2023)
    f = find(validate.check_tables(t), "error", "member_flows", sy_key(S1, 2023), "members_end")
    # Both sides: 43 against 40 + 3 + 1 − 1 − 0 − 1 = 42.
    assert "43" in f.message and "40 + 新发展党员数 3 + 转入 1 − 转出 1 − 死亡 0 − 其他减少 1 = 42" in f.message


@pytest.mark.parametrize("column, value, whole", [
    ("probationary", 4, "年末党员数"),
    ("female", 4, "年末党员数"),
    ("aged_35_or_under", 4, "年末党员数"),
    ("admitted_backbone", 2, "新发展党员数"),
])
def test_parts_not_above_whole(t, column, value, whole):
    # S3 2024: members_end 3, admitted 1.
    set_value(t["member_flows"], column, value, school_id=S3, year=2024)
    f = find(validate.check_tables(t), "error", "member_flows", sy_key(S3, 2024), column)
    assert whole in f.message and str(value) in f.message


# ---------------------------------------------------------------------------------------------
# Warnings

def warnings_of(t):
    findings = validate.check_tables(t)
    assert errors(findings) == [], "\n".join(map(str, errors(findings)))
    return [f for f in findings if f.severity == validate.WARNING]


def test_committee_under_100_members(t):
    for year in (2023, 2024):
        set_value(t["orgs"], "org_type", "党委", org_id="O3", year=year)
        set_value(t["orgs"], "term_years", 5, org_id="O3", year=year)
    f = find(warnings_of(t), "warning", "orgs", org_key("O3", 2023), "org_type")
    assert "10 名" in f.message and "100" in f.message


def test_branch_over_50_members(t):
    set_value(t["orgs"], "full_members", 50, org_id="O1A", year=2024)
    f = find(warnings_of(t), "warning", "orgs", org_key("O1A", 2024), "org_type")
    assert "51 名" in f.message


@pytest.mark.parametrize("org_type, term, text", [
    ("党支部", 4, "一般为 3 年"),
    ("党支部", 6, "超过 5 年"),
    ("党委", 3, "一般为 5 年"),
])
def test_term_years(t, org_type, term, text):
    set_value(t["orgs"], "org_type", org_type, org_id="O3", year=2024)
    set_value(t["orgs"], "term_years", term, org_id="O3", year=2024)
    f = find(warnings_of(t), "warning", "orgs", org_key("O3", 2024), "term_years")
    assert text in f.message


def test_joint_org_covering_more_than_5_schools(t):
    # Four more small schools opening in 2024, all in the joint O2: O2 then covers S2, S3 and
    # these four, 6 schools in 2024 (still 2 in 2023).
    new = [f"216100001{i}" for i in range(4)]
    base = t["schools"].iloc[[2]]
    t["schools"] = pd.concat([t["schools"]] + [base.assign(school_id=s, opened_year=2024) for s in new],
                             ignore_index=True)
    base = t["school_years"].iloc[[7]]  # S3 2024, 联合建立 O2
    t["school_years"] = pd.concat([t["school_years"]] + [base.assign(school_id=s) for s in new],
                                  ignore_index=True)
    ws = warnings_of(t)
    f = find(ws, "warning", "orgs", org_key("O2", 2024), "formation")
    assert "6 所" in f.message
    assert not [w for w in ws if w.key == org_key("O2", 2023)]


def test_school_with_3_full_members_without_own_org(t):
    set_value(t["member_flows"], "probationary", 0, school_id=S3, year=2024)  # 3 − 0 = 3 full members
    f = find(warnings_of(t), "warning", "school_years", sy_key(S3, 2024), "coverage")
    assert "3 名" in f.message


def test_members_start_differs_from_last_year_end(t):
    set_value(t["member_flows"], "members_start", 12, school_id=S4, year=2024)
    set_value(t["member_flows"], "members_end", 13, school_id=S4, year=2024)  # keeps the identity
    f = find(warnings_of(t), "warning", "member_flows", sy_key(S4, 2024), "members_start")
    assert "12" in f.message and "10" in f.message and "2023" in f.message


# ---------------------------------------------------------------------------------------------
# Files and the command line

@pytest.fixture
def clean_dir(tmp_path):
    handmade.write(tmp_path)
    return tmp_path


def test_clean_dir_has_the_handmade_warnings(clean_dir):
    findings = validate.check_dir(clean_dir)
    assert [(f.table, f.key, f.column, f.row) for f in findings] == EXPECTED_WARNINGS


def test_missing_file_is_named(clean_dir):
    contract.parquet_path(clean_dir, "honors").unlink()
    findings = validate.check_dir(clean_dir)
    assert [(f.severity, f.table) for f in findings if f.table == "honors"] == [("error", "honors")]
    assert "honors.parquet" in findings[0].message and "honors.parquet" in str(findings[0])


def test_unreadable_file(clean_dir):
    contract.parquet_path(clean_dir, "regions").write_bytes(b"not parquet")
    f = find(validate.check_dir(clean_dir), "error", "regions", "", "")
    assert "无法读取" in f.message


def test_wrong_parquet_type(clean_dir):
    # A county code written as a number: the file's type is wrong even though the digits survive.
    schools = handmade.build_tables()["schools"]
    arrow = extract.to_arrow("schools", schools)
    i = arrow.schema.get_field_index("county_code")
    arrow = arrow.set_column(i, "county_code", pa.array(schools["county_code"].astype(int), pa.int64()))
    pq.write_table(arrow, contract.parquet_path(clean_dir, "schools"))
    findings = validate.check_dir(clean_dir)
    f = find(findings, "error", "schools", "", "county_code")
    assert "文本" in f.message and "int64" in f.message
    assert len(errors(findings)) == 1


def test_missing_parquet_column_and_extra_column(clean_dir):
    arrow = extract.to_arrow("regions", handmade.build_tables()["regions"])
    arrow = arrow.drop_columns(["sort_order"]).append_column("note", pa.array(["x", "y"]))
    pq.write_table(arrow, contract.parquet_path(clean_dir, "regions"))
    findings = validate.check_dir(clean_dir)
    find(findings, "error", "regions", "", "sort_order")
    w = find(findings, "warning", "regions", "", "")
    assert "note" in w.message


def run_cli(*args):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "dashboard", "validate", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", cwd=config.PROJECT_DIR, env=env,
                          timeout=120)


def test_cli_clean_dir(clean_dir):
    r = run_cli(clean_dir)
    assert r.returncode == 0, r.stderr
    assert "检查完成：0 个错误，3 个警告" in r.stdout
    assert "党组织编号=O1，年度=2023" in r.stdout


def test_cli_broken_dir(tmp_path):
    t = handmade.build_tables()
    set_value(t["member_flows"], "members_end", 43, school_id=S1, year=2023)
    extract.write_tables(t, tmp_path)
    contract.parquet_path(tmp_path, "honors").unlink()
    r = run_cli(tmp_path)
    assert r.returncode == 1, r.stderr
    out = r.stdout
    assert f"党员发展与流动（member_flows.parquet） [学校标识码={S1}，年度=2023] 年末党员数（members_end）" in out
    assert "honors.parquet" in out
    # Errors first, then warnings, then the summary.
    assert out.index("错误") < out.index("警告") < out.index("检查完成：2 个错误，4 个警告")


def test_printing_caps_each_rule(clean_dir, capsys):
    parser = argparse.ArgumentParser()
    validate.configure(parser)
    assert validate.run(parser.parse_args([str(clean_dir), "--limit", "1"])) == 0
    out = capsys.readouterr().out
    # The two 党总支 warnings are one rule: one shown, one counted.
    assert out.count("党总支党员数") == 1
    assert "另有 1 条未显示" in out
    assert "检查完成：0 个错误，3 个警告" in out


def test_warnings_alone_exit_0_and_errors_exit_1(clean_dir, capsys):
    parser = argparse.ArgumentParser()
    validate.configure(parser)
    assert validate.run(parser.parse_args([str(clean_dir)])) == 0
    contract.parquet_path(clean_dir, "orgs").unlink()
    assert validate.run(parser.parse_args([str(clean_dir)])) == 1
    assert "检查完成：1 个错误" in capsys.readouterr().out


def test_demo_extract_in_data_has_no_errors():
    data = config.PROJECT_DIR / "data"
    if not any(data.glob("*.parquet")):
        pytest.skip("data/ holds no extract")
    assert [str(f) for f in errors(validate.check_dir(data))] == []


# ---------------------------------------------------------------------------------------------
# The data contract document

def test_contract_doc_matches_contract():
    """docs/data-contract.md carries the column tables generated from contract.py."""
    sys.path.insert(0, str(config.PROJECT_DIR / "docs"))
    try:
        import contract_tables
    finally:
        sys.path.pop(0)
    doc = (config.PROJECT_DIR / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert contract_tables.markdown() in doc, "docs/data-contract.md is stale: run python docs/contract_tables.py"


# ---------------------------------------------------------------------------------------------
# Thresholds come from rules.py, read when the check runs

def own_org_keys(findings):
    return sorted(f.key for f in findings if f.severity == "warning" and f.column == "coverage")


def test_own_organisation_minimum_follows_rules(t, monkeypatch):
    from dashboard import rules

    assert own_org_keys(validate.check_tables(t)) == [sy_key(S2, 2024)]
    monkeypatch.setattr(rules, "OWN_ORG_MIN_FULL_MEMBERS", 2)
    # Full members (members_end − probationary) ≥ 2 without 单独建立: S2 2023 (3 − 1), S3 2023
    # (2 − 0), S2 2024 (4 − 0), S3 2024 (3 − 1) in the joint O2, S6 2024 (2 − 0) attached to O4.
    findings = validate.check_tables(t)
    assert own_org_keys(findings) == sorted([sy_key(S2, 2023), sy_key(S3, 2023), sy_key(S2, 2024),
                                             sy_key(S3, 2024), sy_key(S6, 2024)])
    assert "（≥2 名）" in find(findings, "warning", "school_years", sy_key(S6, 2024), "coverage").message


def test_size_band_follows_rules(t, monkeypatch):
    from dashboard import rules

    bands = tuple(rules.SizeBand("党支部", None, 20, "宜设立党总支") if b.org_type == "党支部" else b
                  for b in rules.SIZE_BANDS)
    monkeypatch.setattr(rules, "SIZE_BANDS", bands)
    # O1A, a 党支部, has 20 + 1 = 21 members in 2023 and 22 + 1 = 23 in 2024; the other branches ≤ 11.
    findings = validate.check_tables(t)
    branch = [f for f in findings if f.column == "org_type" and "党支部党员数" in f.message]
    assert [f.key for f in branch] == [org_key("O1A", 2023), org_key("O1A", 2024)]
    assert "党员 21 名（正式 20、预备 1）：党支部党员数不应超过 20 名；党员超过20名，宜设立党总支" == branch[0].message


def test_joint_maximum_follows_rules(t, monkeypatch):
    from dashboard import rules

    monkeypatch.setattr(rules, "JOINT_MAX_SCHOOLS", 1)
    ws = [f for f in validate.check_tables(t) if f.column == "formation"]
    assert [f.key for f in ws] == [org_key("O2", 2023), org_key("O2", 2024)]  # O2 covers S2 and S3
    assert ws[0].message == "联合建立的党组织覆盖 2 所学校，通常不超过 1 所"


# ---------------------------------------------------------------------------------------------
# The contract's newer parts: org_activities, secretary_appointed_date, 系统级

def act_key(org, year, month, kind):
    return f"党组织编号={org}，年度={year}，月份={month}，活动类型={kind}"


@pytest.fixture
def ta(t):
    """The hand-made extract with a few months of organisational life."""
    t["org_activities"] = pd.DataFrame([
        ("O1", 2024, 3, "主题党日", 1),
        ("O1", 2024, 3, "党课", 1),
        ("O3", 2023, 12, "组织生活会", 1),
        ("O4", 2024, 1, "支部委员会", 0),
    ], columns=contract.ORG_ACTIVITIES.names)
    t["orgs"]["secretary_appointed_date"] = t["orgs"]["established_date"]
    t["honors"].loc[4, "level"] = "系统级"
    return t


def test_activities_and_new_columns_are_clean(ta):
    assert [(f.table, f.key) for f in validate.check_tables(ta)] == [(w[0], w[1]) for w in EXPECTED_WARNINGS]


def test_activity_month_out_of_range(ta):
    set_value(ta["org_activities"], "month", 13, org_id="O1", kind="党课")
    f = find(validate.check_tables(ta), "error", "org_activities", act_key("O1", 2024, 13, "党课"), "month")
    assert f.message == "“13”超出范围，应在 1–12 之间" and f.row == 1


def test_activity_times_negative(ta):
    set_value(ta["org_activities"], "times", -1, org_id="O4")
    f = find(validate.check_tables(ta), "error", "org_activities", act_key("O4", 2024, 1, "支部委员会"), "times")
    assert f.message == "“-1”超出范围，不能为负数"


def test_activity_kind_not_allowed(ta):
    set_value(ta["org_activities"], "kind", "党员大会", org_id="O3")
    f = find(validate.check_tables(ta), "error", "org_activities", act_key("O3", 2023, 12, "党员大会"), "kind")
    assert f.message.startswith("取值“党员大会”不在允许范围（支部党员大会、支部委员会、")


def test_activity_of_an_organisation_missing_that_year(ta):
    set_value(ta["org_activities"], "year", 2023, org_id="O4")  # O4 exists only in 2024
    f = find(validate.check_tables(ta), "error", "org_activities", act_key("O4", 2023, 1, "支部委员会"), "org_id")
    assert f.message == "党组织编号“O4”在党组织表（orgs）的 2023 年数据中不存在"


def test_activity_key_unique(ta):
    acts = ta["org_activities"]
    ta["org_activities"] = pd.concat([acts, acts.iloc[[0]].assign(times=2)], ignore_index=True)
    findings = validate.check_tables(ta)
    f = find(findings, "error", "org_activities", act_key("O1", 2024, 3, "主题党日"), "")
    assert f.message == "主键重复：同一党组织编号+年度+月份+活动类型共出现 2 次" and f.row == 4
    # Same organisation, year and month but another kind is another key.
    assert len([x for x in findings if x.table == "org_activities"]) == 1


def test_extract_without_the_newer_parts_validates(clean_dir):
    contract.parquet_path(clean_dir, "org_activities").unlink()
    orgs = pq.read_table(contract.parquet_path(clean_dir, "orgs")).drop_columns(["secretary_appointed_date"])
    pq.write_table(orgs, contract.parquet_path(clean_dir, "orgs"))
    findings = validate.check_dir(clean_dir)
    assert [(f.table, f.key, f.column, f.row) for f in findings] == EXPECTED_WARNINGS


def test_system_level_honour_and_secretary_date_in_files(tmp_path, ta):
    extract.write_tables(ta, tmp_path)
    assert errors(validate.check_dir(tmp_path)) == []
    set_value(ta["orgs"], "secretary_appointed_date", "1900-01-01", org_id="O3", year=2024)
    f = find(validate.check_tables(ta), "error", "orgs", org_key("O3", 2024), "secretary_appointed_date")
    assert f.message == "“1900-01-01”超出范围，年份应在 1949–2100 之间"


# ---------------------------------------------------------------------------------------------
# Organisations no school of their own year places (DESIGN §3)

def placement_warnings(t):
    return [f for f in warnings_of(t) if f.column == "host_school_id"]


def add_org(t, org_id, year, **values):
    row = t["orgs"].iloc[[row_of(t["orgs"], org_id="O4", year=2024)]].assign(org_id=org_id, year=year, **values)
    t["orgs"] = pd.concat([t["orgs"], row], ignore_index=True)


def test_committee_placed_through_its_branches_is_not_warned(t):
    # A township 党委 without a host school whose only school is covered through its branch O4.
    add_org(t, "O5", 2024, org_name="中共高坝店镇委员会", org_type="党委", term_years=5, full_members=120)
    assert [f.key for f in placement_warnings(t)] == [org_key("O5", 2024)]  # alone: unplaced
    set_value(t["orgs"], "parent_org_id", "O5", org_id="O4", year=2024)
    assert placement_warnings(t) == []


def test_organisation_placed_from_an_earlier_year(t):
    # A village branch covering S5 in 2023, kept in 2024 after S5 closed.
    add_org(t, "O6", 2023, org_name="中共某村支部委员会")
    add_org(t, "O6", 2024, org_name="中共某村支部委员会")
    set_value(t["school_years"], "coverage", "挂靠建立", school_id=S5, year=2023)
    set_value(t["school_years"], "org_id", "O6", school_id=S5, year=2023)
    [f] = placement_warnings(t)
    assert (f.table, f.key) == ("orgs", org_key("O6", 2024))
    assert f.message == ("党组织“中共某村支部委员会”（编号O6）2024年没有依托学校，也没有覆盖任何学校"
                         "（下属党组织也没有），按其2023年的位置计入各县区、乡镇等范围")


def test_unplaced_organisation(t):
    add_org(t, "O7", 2024, org_name="中共某社区支部委员会")
    [f] = placement_warnings(t)
    assert (f.key, f.row) == (org_key("O7", 2024), 9)
    assert f.message.startswith("党组织“中共某社区支部委员会”（编号O7）2024年没有依托学校，也没有覆盖任何学校")
    assert "以前年度也没有" in f.message


# ---------------------------------------------------------------------------------------------
# Findings about uploaded rows name the file, sheet and Excel row

def test_findings_carry_the_source_of_each_row(t):
    sy = t["school_years"].copy()
    sy["_file"] = ["学校年度情况.xlsx"] * 5 + [None] * 5
    sy["_sheet"] = ["学校年度情况"] * 5 + [None] * 5
    sy["_row"] = pd.array([2, 3, 4, 5, 6] + [None] * 5, dtype="Int64")
    t["school_years"] = sy
    set_value(t["school_years"], "staff", -5, school_id=S3, year=2023)   # uploaded, Excel row 4
    set_value(t["school_years"], "staff", -6, school_id=S3, year=2024)   # kept from the published data
    findings = validate.check_tables(t)
    uploaded = find(findings, "error", "school_years", sy_key(S3, 2023), "staff")
    assert (uploaded.file, uploaded.sheet, uploaded.row) == ("学校年度情况.xlsx", "学校年度情况", 4)
    assert str(uploaded) == (f"错误 学校年度情况.xlsx 工作表“学校年度情况” 第 4 行 [{sy_key(S3, 2023)}] "
                             "教职工数（staff）：“-5”超出范围，不能为负数")
    kept = find(findings, "error", "school_years", sy_key(S3, 2024), "staff")
    assert (kept.file, kept.sheet, kept.row) == ("现有数据", "", None)
