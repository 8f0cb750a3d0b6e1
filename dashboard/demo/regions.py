"""Counties (the calibration's own, plus fictional ones for a province or a country) and townships."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dashboard.demo import arrays
from dashboard.demo.calibration import CITY_MAX_SCHOOLS, FICTIONAL_COUNTY_SCHOOLS, PROVINCES, Plan
from dashboard.demo.codes import URBAN

PROVINCE_CODES = np.array(list(PROVINCES))  # 陕西 first: 商洛 is there

_TOWN_HEAD = "石龙金黄白青马杨高云桃柳板竹铁麻双土庙寺沙峡灵古永丰兴安宝红茶银凤梅清孝仁太平"
_TOWN_TAIL = "门坪河沟川岭口湾峪关庄店坡塬寨桥台铺堡园池坝"
_STREET_HEAD = ("东关", "西关", "南关", "北关", "城南", "城北", "江滨", "河滨", "新城", "文昌")


@dataclass(frozen=True)
class Regions:
    """One entry per county, in the regions table's order."""
    code: np.ndarray        # object: 6-digit county codes
    name: np.ndarray        # object
    city_code: np.ndarray   # object
    city_name: np.ndarray   # object
    weight: np.ndarray      # float: share of the schools
    base_towns: np.ndarray  # townships the calibration names (0: derive from the size)
    base_streets: np.ndarray
    province: np.ndarray    # int: the code's first two digits
    province_name: np.ndarray  # object

    @property
    def K(self) -> int:
        return len(self.code)


@dataclass(frozen=True)
class Townships:
    """Every county's townships, numbered through: county c holds offset[c] … offset[c] + towns[c] - 1,
    its 街道 first."""
    names: pa.Array
    is_street: np.ndarray
    offset: np.ndarray
    towns: np.ndarray
    streets: np.ndarray

    def place(self, rng, county: np.ndarray, locale: np.ndarray) -> np.ndarray:
        """A township for each school: urban schools in a 街道, the others in a 镇."""
        u = rng.random(len(county))
        streets, towns = self.streets[county], self.towns[county]
        local = np.where(locale == URBAN, np.floor(u * streets), streets + np.floor(u * (towns - streets)))
        return (self.offset[county] + local).astype(np.int64)


def build_regions(plan: Plan, rng) -> Regions:
    cal = plan.calibration
    codes = [c.code for c in cal.counties]
    names = [c.name for c in cal.counties]
    weights = [float(c.schools) for c in cal.counties]
    towns = [c.towns for c in cal.counties]
    streets = [c.streets for c in cal.counties]
    city_codes = [cal.city_code] * len(codes)
    city_names = [cal.city_name] * len(codes)
    if plan.n > CITY_MAX_SCHOOLS:
        # A province or a country: fictional counties of 150–400 schools, 6–12 to a city.
        k = max(1, round((plan.n - cal.first_year.schools) / FICTIONAL_COUNTY_SCHOOLS))
        w = np.clip(rng.lognormal(np.log(FICTIONAL_COUNTY_SCHOOLS - 10), 0.3, k), 150, 400)
        sizes = []
        while sum(sizes) < k:
            sizes.append(int(rng.integers(6, 13)))
        sizes[-1] -= sum(sizes) - k
        n_cities = len(sizes)
        # Up to 20 cities stay in 陕西 (a province); more spread over every province (a country).
        if n_cities <= 20:
            prov = np.full(n_cities, 61)
        else:
            prov = PROVINCE_CODES[(np.arange(n_cities) * len(PROVINCE_CODES)) // n_cities]
        city_in_prov = arrays.rank_in_groups(prov)
        county_no = 0
        for j, size in enumerate(sizes):
            # City numbers from 31 up stay clear of the real prefectures' codes.
            city_code = f"{prov[j]:02d}{31 + city_in_prov[j]:02d}00"
            for d in range(size):
                county_no += 1
                codes.append(f"{city_code[:4]}{d + 1:02d}")
                names.append(f"示例县{county_no:03d}")
                city_codes.append(city_code)
                city_names.append(f"示例市{j + 1:02d}")
        weights += list(w)
        towns += [0] * k
        streets += [0] * k
    return Regions(
        code=np.array(codes, dtype=object), name=np.array(names, dtype=object),
        city_code=np.array(city_codes, dtype=object), city_name=np.array(city_names, dtype=object),
        weight=np.array(weights), base_towns=np.array(towns), base_streets=np.array(streets),
        province=np.array([int(c[:2]) for c in codes]),
        province_name=np.array([PROVINCES.get(int(c[:2]), cal.province_name) for c in codes], dtype=object),
    )


def build_townships(regions: Regions, county: np.ndarray, rng) -> Townships:
    """Each county's 街道 and 镇 (about one per 14 first-year schools)."""
    n_c = np.bincount(county, minlength=regions.K)
    towns = np.where(regions.base_towns > 0, np.maximum(regions.base_towns, np.rint(n_c / 14)),
                     np.clip(np.rint(n_c / 14), 5, 30)).astype(np.int64)
    towns = np.minimum(towns, 30)
    streets = np.where(regions.base_streets > 0, regions.base_streets,
                       1 + (n_c >= 220) + (n_c >= 330)).astype(np.int64)
    pool = np.array([a + b for a in _TOWN_HEAD for b in _TOWN_TAIL], dtype=object)
    names, is_street = [], []
    for c in range(regions.K):  # a few thousand counties at most
        picks = pool[rng.choice(len(pool), size=towns[c] - streets[c], replace=False)]
        extra = rng.choice(len(_STREET_HEAD), size=streets[c] - 1, replace=False)
        names += ["城关街道"] + [_STREET_HEAD[i] + "街道" for i in extra] + [p + "镇" for p in picks]
        is_street += [True] * streets[c] + [False] * (towns[c] - streets[c])
    return Townships(names=pa.array(names), is_street=np.array(is_street),
                     offset=np.r_[0, np.cumsum(towns)[:-1]], towns=towns, streets=streets)
