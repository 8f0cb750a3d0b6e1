"""The data contract (DESIGN.md §4) as code: the single definition every module reads.

Tables, columns, Parquet types, keys, allowed values and the Chinese labels used on screen,
in templates and in error messages. Nothing else in the package spells a column list out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

STAGES = ("幼儿园", "小学", "初中", "九年一贯制学校", "高中", "完全中学", "十二年一贯制学校", "中等职业学校", "特殊教育学校")
OWNERSHIPS = ("公办", "民办")
LOCALES = ("城区", "镇区", "乡村")
COVERAGES = ("单独建立", "联合建立", "挂靠建立", "党建指导员", "未覆盖")
ORG_COVERAGES = ("单独建立", "联合建立", "挂靠建立")  # coverage values that mean "covered by an organisation"
ORG_TYPES = ("党委", "党总支", "党支部")
FORMATIONS = ("单独建立", "联合建立", "挂靠建立")
LEADERSHIPS = ("一肩挑", "分设", "书记空缺")
HONOR_KINDS = ("党建示范校", "一校一品", "最强党支部", "先进基层党组织")
# The two a school holds; the other two are awarded to an organisation.
DEMO_SCHOOL, BRAND = HONOR_KINDS[:2]
# Highest first: a school counts once, at its highest level. 系统级 is awarded by the education
# system's own Party committee (教育工委), below 县级.
LEVELS = ("国家级", "省级", "市级", "县级", "系统级")
# 三会一课 and the other fixed meetings of a branch (《中国共产党支部工作条例(试行)》); how often
# each is due is in rules.py.
ACTIVITY_KINDS = ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会", "民主评议党员")

# Years the product accepts at all; a value outside is a typing error, not history.
MIN_YEAR, MAX_YEAR = 1949, 2100

STRING, INT, DATE = "string", "int", "date"
ARROW_TYPES = {STRING: pa.string(), INT: pa.int64(), DATE: pa.date32()}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    label: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    digits: int | None = None  # identifiers of a fixed number of digits (county code, 学校标识码)
    min_value: int | None = None
    max_value: int | None = None
    # Added to the contract after extracts were first made: a file without the column is still
    # read, the column being empty (it must then be nullable).
    optional: bool = False

    def __post_init__(self):
        if self.optional and not self.nullable:
            raise ValueError(f"optional column {self.name} must be nullable")


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    # Added to the contract after extracts were first made: an extract without its file still
    # loads, with the table empty, and the pages say the data has not been supplied.
    optional: bool = False
    column_map: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "column_map", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, ARROW_TYPES[c.dtype], nullable=c.nullable) for c in self.columns])

    def label_of(self, column: str) -> str:
        return self.column_map[column].label


def _year(name: str, label: str, nullable: bool = False) -> Column:
    return Column(name, INT, label, nullable=nullable, min_value=MIN_YEAR, max_value=MAX_YEAR)


def _count(name: str, label: str, nullable: bool = False) -> Column:
    return Column(name, INT, label, nullable=nullable, min_value=0)


REGIONS = Table(
    "regions", "行政区划", ("county_code",),
    (
        Column("county_code", STRING, "县区代码", digits=6),
        Column("county_name", STRING, "县区名称"),
        Column("city_code", STRING, "市代码", digits=6),
        Column("city_name", STRING, "市名称"),
        Column("sort_order", INT, "排序"),
    ),
    "one row per county or district",
)

SCHOOLS = Table(
    "schools", "学校", ("school_id",),
    (
        Column("school_id", STRING, "学校标识码", digits=10),
        Column("school_name", STRING, "学校名称"),
        Column("county_code", STRING, "县区代码", digits=6),
        Column("township", STRING, "乡镇（街道）"),
        Column("stage", STRING, "学段", allowed=STAGES),
        Column("ownership", STRING, "办学性质", allowed=OWNERSHIPS),
        Column("locale", STRING, "城乡分类", allowed=LOCALES),
        _year("opened_year", "开办年份"),
        _year("closed_year", "撤并年份", nullable=True),
    ),
    "one row per school, ever open in the extract's years",
)

SCHOOL_YEARS = Table(
    "school_years", "学校年度情况", ("school_id", "year"),
    (
        Column("school_id", STRING, "学校标识码", digits=10),
        _year("year", "年度"),
        _count("staff", "教职工数"),
        _count("students", "学生数"),
        Column("coverage", STRING, "覆盖方式", allowed=COVERAGES),
        Column("org_id", STRING, "覆盖党组织编号", nullable=True),
    ),
    "one row per school per year it is open",
)

ORGS = Table(
    "orgs", "党组织", ("org_id", "year"),
    (
        Column("org_id", STRING, "党组织编号"),
        _year("year", "年度"),
        Column("org_name", STRING, "党组织名称"),
        Column("org_type", STRING, "组织类型", allowed=ORG_TYPES),
        Column("parent_org_id", STRING, "上级党组织编号", nullable=True),
        Column("formation", STRING, "组建方式", allowed=FORMATIONS),
        Column("host_school_id", STRING, "依托学校标识码", nullable=True, digits=10),
        Column("leadership", STRING, "书记校长设置", allowed=LEADERSHIPS),
        Column("established_date", DATE, "成立日期"),
        Column("last_election_date", DATE, "上次换届日期"),
        Column("term_years", INT, "任期（年）", min_value=1, max_value=10),
        Column("star_rating", INT, "星级", nullable=True, min_value=1, max_value=5),
        _count("full_members", "正式党员数"),
        _count("probationary_members", "预备党员数"),
        Column("secretary_appointed_date", DATE, "书记任职日期", nullable=True, optional=True),
    ),
    "one row per organisation per year it exists",
)

MEMBER_FLOWS = Table(
    "member_flows", "党员发展与流动", ("school_id", "year"),
    (
        Column("school_id", STRING, "学校标识码", digits=10),
        _year("year", "年度"),
        _count("members_start", "年初党员数"),
        _count("admitted", "新发展党员数"),
        _count("transferred_in", "转入"),
        _count("transferred_out", "转出"),
        _count("deceased", "死亡"),
        _count("other_exits", "其他减少"),
        _count("members_end", "年末党员数"),
        _count("probationary", "年末预备党员数"),
        _count("female", "女党员数"),
        _count("aged_35_or_under", "35岁及以下党员数"),
        _count("applicants", "入党申请人"),
        _count("activists", "入党积极分子"),
        _count("candidates", "发展对象"),
        _count("admitted_backbone", "发展业务骨干党员数（双培养）"),
    ),
    "one row per school per year: the members whose relationship is held at the school",
)

HONORS = Table(
    "honors", "荣誉创建", ("honor_id",),
    (
        Column("honor_id", STRING, "荣誉编号"),
        Column("school_id", STRING, "学校标识码", nullable=True, digits=10),
        Column("org_id", STRING, "党组织编号", nullable=True),
        Column("kind", STRING, "荣誉类别", allowed=HONOR_KINDS),
        Column("level", STRING, "级别", allowed=LEVELS),
        _year("year_awarded", "授予年份"),
        Column("title", STRING, "名称"),
        _year("revoked_year", "撤销年份", nullable=True),
    ),
    "one row per award; a school award names school_id, an organisation award org_id",
)

ORG_ACTIVITIES = Table(
    "org_activities", "组织生活", ("org_id", "year", "month", "kind"),
    (
        Column("org_id", STRING, "党组织编号"),
        _year("year", "年度"),
        Column("month", INT, "月份", min_value=1, max_value=12),
        Column("kind", STRING, "活动类型", allowed=ACTIVITY_KINDS),
        _count("times", "次数"),
    ),
    "one row per organisation, year, month and kind of meeting held (三会一课 and the rest)",
    optional=True,
)

TABLES: dict[str, Table] = {t.name: t for t in (REGIONS, SCHOOLS, SCHOOL_YEARS, ORGS, MEMBER_FLOWS, HONORS,
                                                ORG_ACTIVITIES)}

# Columns of member_flows that the year-end identity ties together.
FLOW_INFLOWS = ("admitted", "transferred_in")
FLOW_OUTFLOWS = ("transferred_out", "deceased", "other_exits")


def parquet_path(data_dir, table: str):
    """Each table is one Parquet file named after it."""
    from pathlib import Path

    return Path(data_dir) / f"{table}.parquet"
