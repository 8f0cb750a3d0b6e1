"""The one interpreter of the contract's column declarations (dashboard/columns.py), and that
validate and the import say the same thing about the same bad value."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import columns, contract, validate
from dashboard.contract import Column
from dashboard.ingest import clean
from dashboard.ingest.regions import CountyLookup

CODE = Column("code", contract.STRING, "代码", digits=6)
KIND = Column("kind", contract.STRING, "类别", allowed=("甲", "乙"))
NOTE = Column("note", contract.STRING, "备注", nullable=True)
COUNT = Column("count", contract.INT, "人数", min_value=0)
MONTH = Column("month", contract.INT, "月份", min_value=1, max_value=12)
YEAR = Column("year", contract.INT, "年度", min_value=contract.MIN_YEAR, max_value=contract.MAX_YEAR)
DAY = Column("day", contract.DATE, "日期", nullable=True)


def found(checked) -> dict[int, tuple[str, str]]:
    """Row position -> (rule, message) for every violation."""
    out = {}
    for v in checked.violations:
        rows = np.flatnonzero(v.mask)
        for r, m in zip(rows, v.messages(rows)):
            assert r not in out, "one violation per value"
            out[int(r)] = (v.rule, m)
    return out


def test_text_digits_null_and_type():
    c = columns.check(CODE, pd.Series(["611002", "61100", "６１１０００", "  ", None, 611002], dtype=object))
    assert found(c) == {
        1: ("digits", "“61100”应为 6 位数字（半角 0–9），实为 5 位"),
        2: ("digits", "“６１１０００”应为 6 位数字（半角 0–9）"),
        3: ("null", "必填，不能为空"),
        4: ("null", "必填，不能为空"),
        5: ("type", "应为文本，实为“611002”"),
    }
    assert c.values.iloc[0] == "611002" and c.values.iloc[3:5].isna().all()


def test_a_column_of_numbers_for_text_is_reported_once():
    c = columns.check(NOTE, pd.Series([1, 2]))
    assert c.wrong_dtype == "int64" and c.violations == [] and list(c.values) == ["1", "2"]


def test_allowed_values_in_an_extract_and_in_a_cell():
    values = pd.Series(["甲", "丙"], dtype="str")
    assert found(columns.check(KIND, values)) == {1: ("allowed", "取值“丙”不在允许范围（甲、乙）内")}
    assert found(columns.check(KIND, values, cell=True)) == {1: ("allowed", "“丙”不是允许的值，应为：甲、乙")}


def test_integers_from_numbers_and_text():
    raw = pd.Series(["12", "12.0", "+3", " 4 ", "十二", 6.5, True, -1, None], dtype=object)
    c = columns.check(COUNT, raw)
    assert found(c) == {
        4: ("type", "“十二”不是整数"),
        5: ("type", "“6.5”不是整数"),
        6: ("type", "“True”不是整数"),
        7: ("range", "“-1”超出范围，不能为负数"),
        8: ("null", "必填，不能为空"),
    }
    assert c.values.iloc[:4].tolist() == [12, 12, 3, 4]
    assert c.values.iloc[4:].isna().all()  # out of range counts as unknown for the rules across tables


def test_year_and_bounded_ranges():
    assert found(columns.check(YEAR, pd.Series(["二〇二四", "1900", "2024"], dtype="str"))) == {
        0: ("type", "“二〇二四”不是年份（应为四位数字，如 2023）"),
        1: ("range", "“1900”超出范围，应在 1949–2100 之间"),
    }
    assert found(columns.check(MONTH, pd.Series([0, 12, 13]))) == {
        0: ("range", "“0”超出范围，应在 1–12 之间"), 2: ("range", "“13”超出范围，应在 1–12 之间")}


def test_dates_from_dates_and_iso_text():
    raw = pd.Series([dt.date(2021, 3, 1), "2021-03-01", "2021-03-01 00:00:00", "2005-02-30", "2023-03",
                     "1900-01-01", None], dtype=object)
    c = columns.check(DAY, raw)
    assert found(c) == {
        3: ("type", "“2005-02-30”不是有效日期"),
        4: ("type", "“2023-03”不是日期，请按 2021-03-01 的格式填写"),
        5: ("range", "“1900-01-01”超出范围，年份应在 1949–2100 之间"),
    }
    assert [str(d.date()) for d in c.values.iloc[:3]] == ["2021-03-01"] * 3
    assert c.values.iloc[3:].isna().all()


def test_messages_quote_the_value_as_written():
    c = columns.check(MONTH, pd.Series(["13"], dtype="str"), shown=pd.Series(["１３月"], dtype="str"))
    assert found(c) == {0: ("range", "“１３月”超出范围，应在 1–12 之间")}


# ---------------------------------------------------------------------------------------------
# The same rule, the same words, in validate and in the import

@pytest.mark.parametrize("table, column, value, message", [
    ("orgs", "star_rating", "6", "“6”超出范围，应在 1–5 之间"),
    ("org_activities", "month", "13", "“13”超出范围，应在 1–12 之间"),
    ("org_activities", "times", "-2", "“-2”超出范围，不能为负数"),
    ("school_years", "school_id", "216100000", "“216100000”应为 10 位数字（半角 0–9），实为 9 位"),
    ("orgs", "established_date", "2005-02-30", "“2005-02-30”不是有效日期"),
    ("schools", "opened_year", "1900", "“1900”超出范围，应在 1949–2100 之间"),
])
def test_validate_and_the_import_agree(table, column, value, message):
    col = contract.TABLES[table].column_map[column]
    imported = clean.clean_column(col, pd.Series([value], dtype="str"), CountyLookup(), table)
    assert imported.problems.tolist() == [message]
    row = {c.name: None for c in contract.TABLES[table].columns} | {column: value}
    findings = [f for f in validate.check_tables({table: pd.DataFrame([row], dtype=object)})
                if f.column == column and f.table == table]
    assert [f.message for f in findings] == [message]


def test_import_keeps_its_own_hints_before_the_declaration():
    # A percentage in a count gets the import's hint, not the interpreter's "不是整数".
    c = clean.clean_column(contract.SCHOOL_YEARS.column_map["staff"], pd.Series(["73.6%", "12.5"], dtype="str"))
    assert c.problems.tolist() == ["“73.6%”是百分比，此列应填整数（人数、个数或年份）", "“12.5”不是整数"]
