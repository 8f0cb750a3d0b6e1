"""Integer codes the generator computes with, each named after the contract value it stands for.

Arrays of codes are what makes the generator vectorised; each code is the position of its value in
the contract's tuple, so `contract.STAGES[KG] == "幼儿园"` and a table's labels are a `take`.
"""
from __future__ import annotations

import numpy as np

from dashboard import contract


def _codes(values: tuple[str, ...], *names: str) -> tuple[int, ...]:
    return tuple(values.index(name) for name in names)


KG, PRI, JUN, NINE, SEN, COMP, TWELVE, VOC, SPE = _codes(
    contract.STAGES, "幼儿园", "小学", "初中", "九年一贯制学校", "高中", "完全中学", "十二年一贯制学校",
    "中等职业学校", "特殊教育学校")
URBAN, TOWN, RURAL = _codes(contract.LOCALES, "城区", "镇区", "乡村")
PUBLIC, PRIVATE = _codes(contract.OWNERSHIPS, "公办", "民办")
OWN, JOINT, ATTACHED, ADVISER, NONE = _codes(contract.COVERAGES, "单独建立", "联合建立", "挂靠建立", "党建指导员", "未覆盖")
assert contract.FORMATIONS == contract.COVERAGES[:len(contract.FORMATIONS)]  # a formation's code is its coverage's
COMMITTEE, GENERAL, BRANCH = _codes(contract.ORG_TYPES, "党委", "党总支", "党支部")
COMBINED, SEPARATE, VACANT = _codes(contract.LEADERSHIPS, "一肩挑", "分设", "书记空缺")
DEMO, BRAND, STRONGEST, ADVANCED = _codes(contract.HONOR_KINDS, "党建示范校", "一校一品", "最强党支部", "先进基层党组织")
NATIONAL, PROVINCIAL, CITY, COUNTY, SYSTEM = _codes(contract.LEVELS, "国家级", "省级", "市级", "县级", "系统级")
# Levels from the top down to 县级: a draw of rng.choice(LEVELS_TO_COUNTY, p=…) is a level code.
LEVELS_TO_COUNTY = COUNTY + 1


# What a school is in the first year's organisation set-up (the calibration decides how many of each).
COMMITTEE_HOST = 0   # hosts a 党委
GENERAL_HOST = 1     # hosts a 党总支
BRANCH_HOST = 2      # has its own 党支部
GROUPED = 3          # shares a joint or attached organisation
OPENED_LATER = 4     # opened after the first year
HOSTS_OWN = BRANCH_HOST  # roles up to this one have an organisation of their own


def by_stage(values: dict[str, float | int]) -> np.ndarray:
    """A per-stage table, in contract.STAGES order (index it with stage codes)."""
    if set(values) != set(contract.STAGES):
        raise ValueError(f"per-stage table must name every stage: {sorted(set(contract.STAGES) ^ set(values))}")
    return np.array([values[s] for s in contract.STAGES])


# 学校标识码 type codes (domain.md).
TYPE_CODE = by_stage({"幼儿园": 11, "小学": 21, "初中": 31, "九年一贯制学校": 31, "高中": 34, "完全中学": 34,
                      "十二年一贯制学校": 34, "中等职业学校": 36, "特殊教育学校": 51})
