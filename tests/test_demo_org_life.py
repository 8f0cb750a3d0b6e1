"""The demo's organisational life (org_activities), secretaries' appointments and 系统级 honours.

The schedule is the branch regulation's (《中国共产党支部工作条例（试行）》), written out here
rather than read from the code: 支部委员会、党小组会、主题党日 monthly; 支部党员大会、党课 quarterly;
组织生活会、民主评议党员 yearly.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import contract, demo

MONTHLY = ("支部委员会", "党小组会", "主题党日")
QUARTERLY = ("支部党员大会", "党课")
YEARLY = ("组织生活会", "民主评议党员")


@pytest.fixture(scope="module", params=["611000", "370800", "990100"])
def t(request):
    return demo.generate(city=request.param)


@pytest.fixture(scope="module")
def shangluo():
    return demo.generate()


def activities(t) -> pd.DataFrame:
    a = t["org_activities"].copy()
    a["org_id"] = a["org_id"].astype(str)
    a["kind"] = a["kind"].astype(str)
    return a.astype({"year": int, "month": int, "times": int})


def whole_year_branches(t) -> pd.DataFrame:
    """党支部-years of branches that existed all year (founded before it)."""
    o = t["orgs"]
    return o[(o["org_type"] == "党支部") & (pd.to_datetime(o["established_date"]).dt.year < o["year"])]


def missed_periods(t) -> pd.Series:
    """For each whole-year 党支部 and year: monthly and quarterly periods (of 3 × 12 + 2 × 4 = 44)
    in which a required meeting was not held."""
    a = activities(t)
    a = a[a["times"] > 0]
    keys = whole_year_branches(t).set_index(["org_id", "year"]).index
    missed = pd.Series(0, index=keys)
    for kind in MONTHLY + QUARTERLY:
        periods = a[a["kind"] == kind].assign(p=lambda d: d["month"] if kind in MONTHLY else (d["month"] - 1) // 3)
        held = periods.groupby(["org_id", "year"])["p"].nunique().reindex(keys, fill_value=0)
        missed += (12 if kind in MONTHLY else 4) - held
    return missed


def test_rows_keep_to_the_contract(t):
    a = activities(t)
    assert len(a) > 0
    assert not a.duplicated(["org_id", "year", "month", "kind"]).any()
    assert a["month"].between(1, 12).all()
    assert a["kind"].isin(contract.ACTIVITY_KINDS).all()
    assert (a["times"] >= 0).all()
    assert ((a["times"] == 0).mean() > 0) and ((a["times"] == 0).mean() < 0.05)  # a few explicit zeros
    assert a["times"].max() <= 3
    # Only organisations that exist that year, and not before the month they were founded.
    o = t["orgs"][["org_id", "year", "established_date"]]
    m = a.merge(o, on=["org_id", "year"], how="left", validate="many_to_one")
    assert m["established_date"].notna().all()
    est = pd.to_datetime(m["established_date"])
    founded_this_year = est.dt.year == m["year"]
    assert (m.loc[founded_this_year, "month"] >= est[founded_this_year].dt.month).all()


def test_most_branches_on_schedule_some_behind_a_few_far_behind(t):
    missed = missed_periods(t)
    on_schedule = (missed == 0).groupby(level="year").mean()
    assert on_schedule.between(0.60, 0.95).all(), on_schedule
    # Behind: one or two meetings missed; far behind: a quarter or more of the 44 periods missed.
    assert missed.between(1, 2).mean() > 0.05
    far = (missed >= 11).mean()
    assert 0.005 < far < 0.10, far


def test_quarterly_and_yearly_meetings(t):
    a = activities(t)
    held = a[a["times"] > 0]
    branches = whole_year_branches(t).set_index(["org_id", "year"]).index
    for kind in QUARTERLY:
        per_year = held[held["kind"] == kind].groupby(["org_id", "year"]).size().reindex(branches, fill_value=0)
        assert per_year.median() == 4, kind  # one a quarter, now and then two
    for kind in YEARLY:
        per_year = held[held["kind"] == kind].groupby(["org_id", "year"]).size().reindex(branches, fill_value=0)
        assert per_year.isin([0, 1]).all() and per_year.mean() > 0.9, kind


def test_general_branches_and_committees_hold_their_committee_meetings(t):
    a = activities(t)
    o = t["orgs"]
    larger = o[o["org_type"].isin(["党总支", "党委"])
               & (pd.to_datetime(o["established_date"]).dt.year < o["year"])][["org_id", "year"]]
    if larger.empty:
        pytest.skip("no 党总支 or 党委")
    m = a[a["times"] > 0].merge(larger, on=["org_id", "year"])
    assert set(m["kind"]) == {"支部委员会", "党课", "组织生活会", "民主评议党员"}
    months = m[m["kind"] == "支部委员会"].groupby(["org_id", "year"])["month"].nunique()
    assert (months == 12).mean() > 0.6


def test_organisations_tend_to_stay_as_diligent(shangluo):
    missed = missed_periods(shangluo)
    behind = (missed > 0).rename("behind").reset_index()
    nxt = behind.assign(year=behind["year"] - 1).rename(columns={"behind": "behind_next"})
    pair = behind.merge(nxt, on=["org_id", "year"])
    p_after_behind = pair.loc[pair["behind"], "behind_next"].mean()
    p_after_on = pair.loc[~pair["behind"], "behind_next"].mean()
    assert p_after_behind > 1.5 * p_after_on


# ---------------------------------------------------------------------------------------------
# Secretaries

def test_secretary_dates(t):
    o = t["orgs"]
    d = pd.to_datetime(o["secretary_appointed_date"])
    assert (d.isna() == (o["leadership"] == "书记空缺")).all()
    has = d.notna()
    assert (d[has].dt.year <= o.loc[has, "year"]).all()
    assert (d[has] >= pd.to_datetime(o.loc[has, "established_date"])).all()
    # A secretary's date only moves forward; an organisation founded in a year gets its first that year.
    s = o.assign(d=d).dropna(subset=["d"]).sort_values(["org_id", "year"])
    assert (s.groupby("org_id")["d"].diff().dropna() >= pd.Timedelta(0)).all()
    founded = o[(pd.to_datetime(o["established_date"]).dt.year == o["year"]) & d.notna()]
    assert (pd.to_datetime(founded["secretary_appointed_date"]).dt.year == founded["year"]).all()


def test_new_secretaries_each_year_more_with_the_reform(shangluo):
    o = shangluo["orgs"]
    new = o[pd.to_datetime(o["secretary_appointed_date"]).dt.year == o["year"]].groupby("year").size()
    top = o[o["parent_org_id"].isna()].groupby("year").size()
    share = new / top
    assert share.loc[2019:2025].between(0.03, 0.25).all(), share
    assert new[2022] > max(new[2020], new[2021]) and new[2022] > new[2024]


# ---------------------------------------------------------------------------------------------
# 系统级 honours

def test_system_level_honours(shangluo):
    h = shangluo["honors"]
    s = h[h["level"] == "系统级"]
    assert set(s["kind"]) == {"最强党支部", "先进基层党组织"}
    assert s["org_id"].notna().all()
    assert sorted(s["year_awarded"].unique()) == list(range(2019, 2026))
    assert s["title"].str.contains("教育工委").all()
    # Numbered after the others, so the rest keep their identifiers.
    number = h["honor_id"].str[1:].astype(int)
    assert number[h["level"] == "系统级"].min() > number[h["level"] != "系统级"].max()
    assert np.array_equal(number.to_numpy(), np.arange(1, len(h) + 1))
