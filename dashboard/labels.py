"""Chinese headers for the result columns shown in tables, downloads and workbooks."""
from __future__ import annotations

import pandas as pd

from dashboard import contract

COLUMN_LABELS: dict[str, str] = {
    # places and schools
    "county_code": "县区代码", "county_name": "县区", "township": "乡镇(街道)", "school_id": "学校标识码",
    "school_name": "学校名称", "stage": "学段", "ownership": "办学性质", "locale": "城乡分类",
    "staff": "教职工数", "students": "学生数", "coverage": "覆盖方式", "year": "年度",
    # coverage
    "schools": "学校数", "org_covered": "党组织覆盖学校数", "work_covered": "党的工作覆盖学校数",
    "org_coverage": "党组织覆盖率", "work_coverage": "党的工作覆盖率",
    "standalone": "单独建立", "joint": "联合建立", "attached": "挂靠建立", "joint_or_attached": "联合或挂靠建立",
    "adviser": "党建指导员", "uncovered": "未覆盖",
    # organisations
    "org_id": "党组织编号", "org_name": "党组织名称", "org_type": "组织类型", "formation": "组建方式",
    "orgs": "党组织数", "committees": "党委", "general_branches": "党总支", "branches": "党支部",
    "hosted": "依托学校的党组织数", "combined": "一肩挑", "separate": "分设", "vacant": "书记空缺",
    "combined_rate": "一肩挑比例", "leadership": "书记校长设置", "star_rating": "星级",
    "rated": "参加星级评定数", "five_star": "五星级党组织数", "full_members": "正式党员数",
    "probationary_members": "预备党员数", "host_school_id": "依托学校标识码", "host_school_name": "依托学校",
    "schools_covered": "覆盖学校数", "covering_org": "所在党组织", "org_members": "党员数",
    "last_election_date": "上次换届日期", "term_years": "任期(年)", "due_date": "应换届日期", "status": "状态",
    "finding": "问题", "members": "党员数",
    # honours
    "national": "国家级", "provincial": "省级", "city": "市级", "county_level": "县级",
    "new_schools": "当年新增学校数", "demo_level": "示范校级别", "kind": "类别", "level": "级别",
    "awards": "数量", "year_awarded": "授予年份", "title": "名称", "revoked_year": "撤销年份",
    # members
    "members_start": "年初党员数", "members_end": "年末党员数", "net_growth": "净增", "growth": "增长率",
    "admitted": "新发展党员", "transferred_in": "转入", "transferred_out": "转出", "deceased": "死亡",
    "other_exits": "其他减少", "exits": "减少(死亡及其他)", "probationary": "预备党员", "female": "女党员",
    "aged_35_or_under": "35岁及以下", "applicants": "入党申请人", "activists": "入党积极分子",
    "candidates": "发展对象", "admitted_backbone": "发展业务骨干(双培养)", "per_100_staff": "每百名教职工党员数",
    "schools_reporting": "填报学校数", "exits_total": "减少合计",
}


def label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def chinese_headers(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese column headers, for display and download."""
    return df.rename(columns={c: label(c) for c in df.columns})


def stage_order(values) -> list[str]:
    """Stages in the order of the contract (kindergarten first), for charts and tables."""
    present = set(values)
    return [s for s in contract.STAGES if s in present]
