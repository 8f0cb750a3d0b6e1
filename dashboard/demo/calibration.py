"""What a demo jurisdiction must reproduce: its counties and the figures it published.

The generator builds the first year to these figures exactly and lets later years evolve; a
calibration is data, so a new jurisdiction is one more instance, not new code.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class County:
    code: str
    name: str
    schools: int        # schools at the calibration's size (a weight when the size differs)
    towns: int          # townships (镇 and 街道)
    streets: int        # of which 街道 (urban sub-districts)


@dataclass(frozen=True)
class FirstYear:
    """Totals of the first year, at the calibration's own size (scaled for another size)."""
    schools: int
    orgs: int               # top-level organisations
    private_orgs: int       # of which hosted by a private school
    committees: int         # 党委
    general_branches: int   # 党总支
    standalone: int         # organisations of one school (党委 and 党总支 included)
    one_shoulder: int       # organisations whose secretary is the principal (一肩挑)
    demo_schools: int       # schools holding a 党建示范校 title
    members: int            # Σ members_end
    # Schools by stage group: kindergarten, primary, junior-type, senior-type, vocational, special.
    stage_groups: tuple[int, int, int, int, int, int]
    nine_year_share: float  # of junior-type schools: 九年一贯制学校
    complete_share: float   # of senior-type schools: 完全中学


@dataclass(frozen=True)
class Target:
    """Events of one year in one county that a published report quotes, reproduced exactly.

    Counts are of organisations placed in the county by their host school; an empty mapping or
    None leaves that figure to the simulation."""
    county: str
    year: int
    # org type -> organisations (top-level or a committee's branches) established in the year. A
    # 党总支 is a grown 党支部 re-established as one; new 党支部 are schools' own branches and the
    # branches under a new 党总支.
    established: dict[str, int] = field(default_factory=dict)
    # org type -> organisations whose last election falls in the year (branches under committees included)
    elected: dict[str, int] = field(default_factory=dict)
    star_rated: int | None = None       # top-level organisations with a star rating that year
    five_star: int | None = None
    # (year, level) -> schools awarded 党建示范校 at that level in that year (the campaign's years;
    # the county had none before the first of them)
    demo_awards: dict[tuple[int, str], int] = field(default_factory=dict)
    backbone: int | None = None         # Σ admitted_backbone (双培养) in the year
    brands: dict[str, int] = field(default_factory=dict)      # level -> 一校一品 brands awarded in the year
    # level -> 最强党支部 honours awarded in the year; each level's branches are among those of
    # the level below (系统级 ⊇ 县级 ⊇ 市级)
    strongest: dict[str, int] = field(default_factory=dict)
    new_secretaries: int | None = None  # organisations whose secretary was appointed in the year

    @property
    def demo_years(self) -> list[int]:
        return sorted({y for y, _ in self.demo_awards})


@dataclass(frozen=True)
class Calibration:
    city_code: str
    city_name: str
    counties: tuple[County, ...]
    first_year: FirstYear
    years: tuple[int, ...] = tuple(range(2018, 2026))
    targets: tuple[Target, ...] = ()
    # Whether another number of schools may be asked for (scaling the first year's figures and,
    # beyond CITY_MAX_SCHOOLS, adding fictional counties); a jurisdiction with targets has its own size.
    scalable: bool = False
    # Chance of 城区, 镇区, 乡村 for every stage, where the jurisdiction differs from the usual
    # mix (an urban district); None keeps each stage's own.
    locale_share: tuple[float, float, float] | None = None
    province_name: str | None = None    # where the code's province is not a real one
    fictional_place: bool = False       # the jurisdiction itself is invented, not only its schools
    description: str = ""               # one line for the DEMO marker: what the extract reproduces


# 商洛市 (domain.md, seed 000): the published 2018 figures; the first year of the default extract
# equals them exactly.
SHANGLUO = Calibration(
    "611000", "商洛市",
    (
        County("611002", "商州区", 230, 18, 3),
        County("611021", "洛南县", 215, 16, 2),
        County("611022", "丹凤县", 140, 12, 1),
        County("611023", "商南县", 120, 10, 1),
        County("611024", "山阳县", 170, 18, 1),
        County("611025", "镇安县", 130, 15, 1),
        County("611026", "柞水县", 72, 9, 1),
    ),
    FirstYear(schools=1077, orgs=455, private_orgs=37, committees=5, general_branches=53, standalone=241,
              one_shoulder=335, demo_schools=46, members=7152,
              stage_groups=(507, 399, 136, 25, 7, 3), nine_year_share=28 / 136, complete_share=4 / 25),
    scalable=True,
    description="2018年全市各项数字与公开发布的一致（来源文章000）；学校、党组织均为虚构。",
)

# 济宁市 (domain.md): real counties, fictional schools; 任城区's 2020 reproduces seed 004 ("新成立1个
# 党总支、7个党支部，指导7个涉农镇街党总支、67个党支部完成换届选举，在151个支部开展2轮次星级评定……
# ‘五星级党组织’38个"; 11 city-level and 5 district-level demonstration schools in 2020, 32 and 16
# over three years; 52 new members from young key teachers; 5 city-level 一校一品 brands). The
# first-year figures of the city are plausible, not published.
JINING = Calibration(
    "370800", "济宁市",
    (
        County("370811", "任城区", 380, 16, 8),
        County("370812", "兖州区", 230, 12, 4),
        County("370826", "微山县", 200, 15, 2),
        County("370827", "鱼台县", 150, 11, 2),
        County("370828", "金乡县", 220, 13, 2),
        County("370829", "嘉祥县", 260, 15, 2),
        County("370830", "汶上县", 230, 14, 2),
        County("370831", "泗水县", 190, 13, 2),
        County("370832", "梁山县", 230, 14, 2),
        County("370881", "曲阜市", 200, 12, 4),
        County("370883", "邹城市", 330, 16, 5),
    ),
    FirstYear(schools=2620, orgs=1150, private_orgs=95, committees=15, general_branches=150, standalone=610,
              one_shoulder=830, demo_schools=110, members=18900,
              stage_groups=(1200, 980, 340, 70, 18, 12), nine_year_share=0.22, complete_share=0.15),
    targets=(Target(
        "370811", 2020,
        established={"党委": 0, "党总支": 1, "党支部": 7},
        elected={"党委": 0, "党总支": 7, "党支部": 67},
        star_rated=151, five_star=38,
        demo_awards={(2018, "市级"): 10, (2018, "县级"): 5, (2019, "市级"): 11, (2019, "县级"): 6,
                     (2020, "市级"): 11, (2020, "县级"): 5},
        backbone=52,
        brands={"市级": 5},
    ),),
    description="任城区2020年的各项数字与公开报道一致（来源文章004）；济宁市各县区名称真实，学校、党组织均为虚构。",
)

# The district of seed 002 (2023), whose article hides its name: 演示市演示区 is invented, in the
# code range 99 that GB/T 2260 leaves unused, and its schools are fictional. Its 2023 (the first
# year) reproduces the article: 49 top-level organisations, 8 党总支 (all 分设) and 41 党支部;
# 1,715 members; 37 最强党支部 at 市级、区级 (县级) and 系统级; 13 new secretaries.
DISTRICT_002 = Calibration(
    "990100", "演示市",
    (County("990101", "演示区", 57, 8, 5),),
    FirstYear(schools=57, orgs=49, private_orgs=2, committees=0, general_branches=8, standalone=46,
              one_shoulder=30, demo_schools=10, members=1715,
              stage_groups=(8, 26, 15, 6, 1, 1), nine_year_share=0.2, complete_share=0.2),
    years=(2023, 2024, 2025),
    targets=(Target(
        "990101", 2023,
        strongest={"系统级": 20, "县级": 12, "市级": 5},
        new_secretaries=13,
    ),),
    locale_share=(0.75, 0.20, 0.05),
    province_name="演示省",
    fictional_place=True,
    description="演示市演示区（代码990101）为虚构的区县，不对应任何真实地方；其2023年的各项数字与来源文章002一致，学校、党组织均为虚构。",
)

CALIBRATIONS = {c.city_code: c for c in (SHANGLUO, JINING, DISTRICT_002)}

# Up to this many schools a jurisdiction's own counties hold them all (≤ ~400 schools a county);
# beyond it fictional cities and counties of about this size are added, for benchmarks.
CITY_MAX_SCHOOLS = 2800
FICTIONAL_COUNTY_SCHOOLS = 250

PROVINCES = {
    61: "陕西省", 11: "北京市", 12: "天津市", 13: "河北省", 14: "山西省", 15: "内蒙古自治区",
    21: "辽宁省", 22: "吉林省", 23: "黑龙江省", 31: "上海市", 32: "江苏省", 33: "浙江省",
    34: "安徽省", 35: "福建省", 36: "江西省", 37: "山东省", 41: "河南省", 42: "湖北省",
    43: "湖南省", 44: "广东省", 45: "广西壮族自治区", 46: "海南省", 50: "重庆市", 51: "四川省",
    52: "贵州省", 53: "云南省", 54: "西藏自治区", 62: "甘肃省", 63: "青海省",
    64: "宁夏回族自治区", 65: "新疆维吾尔自治区",
}


@dataclass(frozen=True)
class Plan:
    """One run: the calibration, the number of first-year schools and the years."""
    calibration: Calibration
    n: int
    years: tuple[int, ...]

    @property
    def y0(self) -> int:
        return self.years[0]

    @property
    def y1(self) -> int:
        return self.years[-1]

    @property
    def f(self) -> float:
        """The run's size relative to the calibration's."""
        return self.n / self.calibration.first_year.schools

    def scaled(self, figure: str) -> int:
        """A first-year figure at the run's size."""
        return int(round(getattr(self.calibration.first_year, figure) * self.f))
