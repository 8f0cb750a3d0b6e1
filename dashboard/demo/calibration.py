"""What a demo jurisdiction must reproduce: its counties and the figures it published.

The generator builds the first year to these figures exactly and lets later years evolve; a
calibration is data, so a new jurisdiction is one more instance, not new code.
"""
from __future__ import annotations

from dataclasses import dataclass


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
class Calibration:
    city_code: str
    city_name: str
    counties: tuple[County, ...]
    first_year: FirstYear


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
)

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
