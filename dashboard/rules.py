"""The organisation rules and policy thresholds, written once (domain.md; DESIGN §3).

Every place that applies or states a rule reads it here: validate's warnings, the SQL (db.py
loads these values into small tables when a connection opens, see `sql_tables`), the captions
on the pages and the report's notes. Changing a threshold here changes all of them.
"""
from __future__ import annotations

from dataclasses import dataclass

from dashboard import contract

# 《中国共产党基层组织选举工作条例》 and the branch regulations: how big each type should be.
# A 党支部 has 3–50 members; a 党总支 normally 50–100; a 基层党委 normally 100 or more (a smaller
# one needs the higher committee's approval).
@dataclass(frozen=True)
class SizeBand:
    org_type: str
    min_members: int | None     # below this the type does not fit (None: no lower bound checked)
    max_members: int | None     # above this the type does not fit (None: no upper bound checked)
    advice: str                 # what to do about an organisation outside the band

    @property
    def finding(self) -> str:
        """What the action list says: "党员超过50名，宜设立党总支"."""
        if self.max_members is not None:
            return f"党员超过{self.max_members}名，{self.advice}"
        return f"党员不足{self.min_members}名，{self.advice}"


BRANCH_MAX_MEMBERS = 50         # a 党支部 above this should become a 党总支 ...
COMMITTEE_MIN_MEMBERS = 100     # ... and a 党委 below this needs the higher committee's approval
SIZE_BANDS = (
    SizeBand("党支部", None, BRANCH_MAX_MEMBERS, "宜设立党总支"),
    SizeBand("党总支", BRANCH_MAX_MEMBERS, None, "宜调整为党支部"),
    SizeBand("党委", COMMITTEE_MIN_MEMBERS, None, "设立党委需经批准"),
)
BRANCH_MIN_MEMBERS = 3          # the smallest branch; also the own-organisation rule below

# A unit with this many full members or more must set up its own organisation.
OWN_ORG_MIN_FULL_MEMBERS = 3

# Terms of office: 党支部 and 党总支 3 years, 基层党委 5 years; no term is longer than 5 years.
TERM_YEARS = {"党支部": 3, "党总支": 3, "党委": 5}
MAX_TERM_YEARS = 5
# Reminders start this many months before a term ends ("due soon").
DUE_SOON_MONTHS = 6



def due_soon_words() -> str:
    """How reports say the window: "半年内", "3个月内"."""
    return "半年内" if DUE_SOON_MONTHS == 6 else f"{DUE_SOON_MONTHS}个月内"


# A joint branch normally serves at most this many schools.
JOINT_MAX_SCHOOLS = 5

# Award levels, highest first: a school counts once, at its highest level.
LEVELS = contract.LEVELS
LEVEL_RANK = {level: i + 1 for i, level in enumerate(LEVELS)}

# Targets the action list compares counties (townships, schools) with, and the rankings mark.
# Percentages; a bureau changes them here or, for one view, on 问题清单.
TARGETS = {"org_coverage": 100.0, "combined": 70.0}


# 三会一课 (《中国共产党支部工作条例(试行)》): how often a 党支部 must hold each meeting.
MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_LABELS = {MONTH: "月", QUARTER: "季度", YEAR: "年"}


@dataclass(frozen=True)
class Requirement:
    kind: str
    period: str
    min_times: int = 1


ACTIVITY_REQUIREMENTS = (
    Requirement("支部党员大会", QUARTER),
    Requirement("支部委员会", MONTH),
    Requirement("党小组会", MONTH),
    Requirement("党课", QUARTER),
    Requirement("主题党日", MONTH),
    Requirement("组织生活会", YEAR),
    Requirement("民主评议党员", YEAR),
)
assert {r.kind for r in ACTIVITY_REQUIREMENTS} == set(contract.ACTIVITY_KINDS)

# How a 党总支 or 党委 is held to account: by its own committee's meetings, monthly (the kind
# 支部委员会 stands for its committee meeting, as the contract has one kind for every committee),
# and by its yearly 组织生活会 and 民主评议党员. Its branches are organisations of their own, each
# on its own rows of orgs, and are held to the branch rules there: a general branch is never
# credited with, nor blamed for, what its branches hold.
COMMITTEE_KIND = "支部委员会"
_UPPER_REQUIREMENTS = tuple(r for r in ACTIVITY_REQUIREMENTS if r.kind == COMMITTEE_KIND or r.period == YEAR)
REQUIREMENTS_BY_TYPE: dict[str, tuple[Requirement, ...]] = {
    "党支部": ACTIVITY_REQUIREMENTS, "党总支": _UPPER_REQUIREMENTS, "党委": _UPPER_REQUIREMENTS}
assert set(REQUIREMENTS_BY_TYPE) == set(contract.ORG_TYPES)
# What the committee meeting is called for each type, in lists of what an organisation missed.
COMMITTEE_NAMES = {"党支部": "支部委员会", "党总支": "总支委员会", "党委": "党委会"}

# Reports on the year's work count demonstration schools created over this many years, ending
# with the chosen one ("近三年累计").
RECENT_YEARS = 3


def requirement_label(org_type: str, kind: str) -> str:
    """The requirement as a list of an organisation's misses names it: "党委会", "党课"."""
    return COMMITTEE_NAMES[org_type] if kind == COMMITTEE_KIND else kind


def recent_years_words() -> str:
    """"近三年": how reports name the span of RECENT_YEARS."""
    return f"近{'一二三四五六七八九十'[RECENT_YEARS - 1]}年" if 1 <= RECENT_YEARS <= 10 else f"近{RECENT_YEARS}年"


def activity_rule_text() -> str:
    """The caption under the organisational-life figures, from the requirements above:
    "党支部：支部党员大会、党课每季度至少1次，……；党总支、党委：……"."""
    def words(org_type: str, committee: str) -> str:
        by_period: dict[tuple[str, int], list[str]] = {}
        for r in REQUIREMENTS_BY_TYPE[org_type]:
            name = committee if r.kind == COMMITTEE_KIND else r.kind
            by_period.setdefault((r.period, r.min_times), []).append(name)
        return "，".join(f"{'、'.join(kinds)}每{PERIOD_LABELS[p]}至少{n}次" for (p, n), kinds in by_period.items())

    # One sentence says both upper types, so they must be held to the same requirements.
    assert REQUIREMENTS_BY_TYPE["党总支"] == REQUIREMENTS_BY_TYPE["党委"]
    committees = f"委员会会议（{COMMITTEE_NAMES['党总支']}、{COMMITTEE_NAMES['党委']}）"
    return (f"党支部：{words('党支部', COMMITTEE_NAMES['党支部'])}；"
            f"党总支、党委：{words('党总支', committees)}，其下设党支部按党支部的要求单独计算。")


def size_band(org_type: str) -> SizeBand:
    return next(b for b in SIZE_BANDS if b.org_type == org_type)


def size_rule_text() -> str:
    """The caption under the type-vs-size list: "党支部一般3—50人；党总支一般50—100人；……"."""
    branch, general, committee = (size_band(t) for t in ("党支部", "党总支", "党委"))
    return (f"党支部一般{BRANCH_MIN_MEMBERS}—{branch.max_members}人；"
            f"党总支一般{general.min_members}—{committee.min_members}人；"
            f"党委一般{committee.min_members}人以上（不足{committee.min_members}人需经批准）。")


def term_rule_text() -> str:
    """"党支部、党总支3年，党委5年"."""
    by_years: dict[int, list[str]] = {}
    for org_type, years in TERM_YEARS.items():
        by_years.setdefault(years, []).append(org_type)
    return "，".join(f"{'、'.join(types)}{years}年" for years, types in by_years.items())


def sql_tables() -> dict[str, list[tuple]]:
    """The rules as rows of small tables, created on every connection (db.py) so the SQL joins
    them instead of repeating a literal: name -> rows, first row the column names."""
    return {
        "rule_levels": [("level", "rank"), *LEVEL_RANK.items()],
        "rule_size_bands": [("org_type", "min_members", "max_members", "finding"),
                            *((b.org_type, b.min_members, b.max_members, b.finding) for b in SIZE_BANDS)],
        "rule_values": [("name", "value"),
                        ("own_org_min_full_members", OWN_ORG_MIN_FULL_MEMBERS),
                        ("due_soon_months", DUE_SOON_MONTHS),
                        ("recent_years", RECENT_YEARS)],
        # One row per organisation type and requirement; ord is the requirement's place in the
        # regulations' order (the order lists and tables take).
        "rule_activities": [("org_type", "kind", "label", "period", "min_times", "ord"),
                            *((t, r.kind, requirement_label(t, r.kind), r.period, r.min_times,
                               contract.ACTIVITY_KINDS.index(r.kind) + 1)
                              for t, reqs in REQUIREMENTS_BY_TYPE.items() for r in reqs)],
    }
