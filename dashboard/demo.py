"""Deterministic fictional demo data (演示数据) for the dashboard.

`generate()` builds the six contract tables for a fictional city laid over the seven real counties
of 商洛市. At the default size the first year reproduces, exactly, the figures 商洛市 published
for 2018 (DESIGN.md, domain.md seed 000); every later year evolves from it with plausible events:
schools open and close, members are admitted and move, organisations hold elections, change
leadership, earn stars and honours. A larger `schools` adds fictional cities and counties at the
same mix, so a province or the whole country can be simulated for benchmarks.

Everything is vectorised over schools and organisations; Python loops run over years, counties or
calibration passes only, so the national size (~500,000 schools) stays within minutes and a few GB.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract, extract

DEFAULT_SCHOOLS = 1077
DEFAULT_SEED = 2018
DEFAULT_YEARS = range(2018, 2026)
MIN_SCHOOLS = 20

CITY_CODE, CITY_NAME = "611000", "商洛市"
# County code, name, schools at the default size, townships, of which 街道 (urban sub-districts).
SHANGLUO = (
    ("611002", "商州区", 230, 18, 3),
    ("611021", "洛南县", 215, 16, 2),
    ("611022", "丹凤县", 140, 12, 1),
    ("611023", "商南县", 120, 10, 1),
    ("611024", "山阳县", 170, 18, 1),
    ("611025", "镇安县", 130, 15, 1),
    ("611026", "柞水县", 72, 9, 1),
)
# Up to this many schools the seven counties hold them all (≤ ~400 schools a county).
CITY_MAX_SCHOOLS = 2800
FICTIONAL_COUNTY_SCHOOLS = 250

# The published 2018 figures of 商洛市; the first year of the default extract equals them exactly.
PUBLISHED = {
    "schools": 1077,
    "orgs": 455, "private_orgs": 37,
    "committees": 5, "general_branches": 53, "standalone": 241,
    "one_shoulder": 335, "demo_schools": 46, "members": 7152,
}
# Schools by stage group in 2018: kindergarten, primary, junior-type, senior-type, vocational, special.
PUBLISHED_STAGE_GROUPS = (507, 399, 136, 25, 7, 3)
NINE_YEAR_SHARE = 28 / 136      # of junior-type schools: 九年一贯制学校
COMPLETE_SHARE = 4 / 25         # of senior-type schools: 完全中学

# Staff of a school by stage (rows, contract.STAGES order) and locale (城区, 镇区, 乡村).
STAFF_LO = np.array([[15, 10, 10], [45, 28, 20], [80, 50, 40], [70, 45, 40], [150, 100, 100],
                     [120, 100, 100], [150, 120, 100], [80, 70, 60], [20, 20, 20]])
STAFF_HI = np.array([[40, 30, 18], [80, 65, 40], [150, 120, 80], [140, 110, 80], [300, 220, 180],
                     [260, 200, 180], [300, 240, 200], [220, 160, 120], [50, 45, 40]])

# Stage codes index contract.STAGES.
KG, PRI, JUN, NINE, SEN, COMP, TWELVE, VOC, SPE = range(9)
TYPE_CODE = np.array([11, 21, 31, 31, 34, 34, 34, 36, 51])
URBAN, TOWN, RURAL = range(3)                        # contract.LOCALES
OWN, JOINT, ATTACHED, ADVISER, NONE = range(5)       # contract.COVERAGES; OWN..ATTACHED = FORMATIONS
COMMITTEE, GENERAL, BRANCH = range(3)                # contract.ORG_TYPES
COMBINED, SEPARATE, VACANT = range(3)                # contract.LEADERSHIPS
DEMO, BRAND, STRONGEST, ADVANCED = range(4)          # contract.HONOR_KINDS
NATIONAL, PROVINCIAL, CITY, COUNTY = range(4)        # contract.LEVELS
# The 2022 system (党组织领导的校长负责制) moved the larger organisations to 分设.
REFORM_YEAR = 2022

PROVINCES = {
    61: "陕西省", 11: "北京市", 12: "天津市", 13: "河北省", 14: "山西省", 15: "内蒙古自治区",
    21: "辽宁省", 22: "吉林省", 23: "黑龙江省", 31: "上海市", 32: "江苏省", 33: "浙江省",
    34: "安徽省", 35: "福建省", 36: "江西省", 37: "山东省", 41: "河南省", 42: "湖北省",
    43: "湖南省", 44: "广东省", 45: "广西壮族自治区", 46: "海南省", 50: "重庆市", 51: "四川省",
    52: "贵州省", 53: "云南省", 54: "西藏自治区", 62: "甘肃省", 63: "青海省",
    64: "宁夏回族自治区", 65: "新疆维吾尔自治区",
}
PROVINCE_CODES = np.array(list(PROVINCES))  # 陕西 first: 商洛 is there

_TOWN_HEAD = "石龙金黄白青马杨高云桃柳板竹铁麻双土庙寺沙峡灵古永丰兴安宝红茶银凤梅清孝仁太平"
_TOWN_TAIL = "门坪河沟川岭口湾峪关庄店坡塬寨桥台铺堡园池坝"
_STREET_HEAD = ("东关", "西关", "南关", "北关", "城南", "城北", "江滨", "河滨", "新城", "文昌")
_VILLAGE_HEAD = "王李张刘陈杨赵周吴徐孙胡朱郭何罗林冯韩曹彭谢唐许邓田东西南前后新老红双三五花竹茶桑杏枣松柏"
_VILLAGE_TAIL = "湾庄坪沟河营岭坡塬峪寨店桥院垣川台铺岔滩园村"
_PRIVATE_BRANDS = ("阳光", "小天使", "金太阳", "启蒙", "童心", "蓝天", "七彩", "爱心", "育才", "小博士",
                   "贝贝", "新星", "博雅", "彩虹", "未来星", "童乐", "智慧树", "明德", "华英", "求实",
                   "英才", "春晖", "星辰", "金色摇篮", "欣欣", "苗苗", "启航", "培英", "立人", "致远")
_PARTY_BRANDS = ("红烛先锋", "书香党建", "红心向党育新人", "党旗红·立德树人", "红色引擎", "先锋园丁",
                 "党建+德育", "春蕾绽放", "红色文化进校园", "秦岭红烛", "丹江先锋", "党员示范岗",
                 "支部建在年级上", "红领巾心向党", "初心课堂", "红心育苗", "党旗领航", "匠心育人",
                 "红色基因代代传", "同心圆", "先锋引领·质量立校", "一支部一品牌")
_STAGE_SUFFIX = np.array(["幼儿园", "小学", "初级中学", "九年制学校", "高级中学", "中学", "十二年制学校",
                          "职业技术学校", "特殊教育学校"], dtype=object)


# ---------------------------------------------------------------------------------------------
# Command line

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="写入演示数据的目录")
    parser.add_argument("--schools", type=int, default=DEFAULT_SCHOOLS,
                        help=f"首年开办的学校数(默认 {DEFAULT_SCHOOLS},即商洛市 2018 年的规模)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子(默认 {DEFAULT_SEED})")


def run(args) -> int:
    if args.schools < MIN_SCHOOLS:
        print(f"学校数至少为 {MIN_SCHOOLS},实为 {args.schools}")
        return 2
    started = time.perf_counter()
    tables = generate(schools=args.schools, seed=args.seed)
    out = extract.write_tables(tables, args.out, demo=True)
    years = tables["school_years"]["year"]
    counties = len(tables["regions"])
    print(f"已生成演示数据(虚构):{args.schools}所学校,{counties}个县区,"
          f"{years.min()}–{years.max()}年,写入 {out}(用时 {time.perf_counter() - started:.1f} 秒)")
    return 0


# ---------------------------------------------------------------------------------------------
# Public entry point

def generate(schools: int = DEFAULT_SCHOOLS, seed: int = DEFAULT_SEED,
             years=DEFAULT_YEARS) -> dict[str, pd.DataFrame]:
    """The six contract tables of a fictional extract; the same arguments give the same tables.

    `schools` is the number of schools open in the first year; a few more open later."""
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("年份范围不能为空")
    if int(schools) < MIN_SCHOOLS:
        raise ValueError(f"学校数至少为 {MIN_SCHOOLS}")
    return _Builder(int(schools), years, np.random.default_rng(seed)).build()


# ---------------------------------------------------------------------------------------------
# Helpers

def _alloc(total: int, weights) -> np.ndarray:
    """Largest-remainder apportionment: integers proportional to weights, summing to total exactly."""
    w = np.asarray(weights, dtype=float)
    q = total * w / w.sum()
    out = np.floor(q).astype(np.int64)
    rest = int(total - out.sum())
    if rest > 0:
        out[np.argsort(-(q - out), kind="stable")[:rest]] += 1
    return out


def _alloc_bounded(total: int, weights, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Like _alloc, within per-item bounds; the total is clipped to what the bounds allow."""
    total = int(np.clip(total, lo.sum(), hi.sum()))
    w = np.asarray(weights, dtype=float)
    q = total * w / max(w.sum(), 1e-9)
    out = np.clip(np.rint(q).astype(np.int64), lo, hi)
    while (diff := total - int(out.sum())) != 0:
        if diff > 0:
            cand = np.flatnonzero(out < hi)
            cand = cand[np.argsort(-(q - out)[cand], kind="stable")][:diff]
            out[cand] += 1
        else:
            cand = np.flatnonzero(out > lo)
            cand = cand[np.argsort((q - out)[cand], kind="stable")][:-diff]
            out[cand] -= 1
    return out


def _fit_sum(x: np.ndarray, total: int, lo: int, hi: np.ndarray) -> np.ndarray:
    """Integers near x (scaled about lo), within [lo, hi], summing exactly to total."""
    x = np.asarray(x, dtype=float)
    hi = np.maximum(np.asarray(hi, dtype=float) * np.ones_like(x), lo)
    total = int(np.clip(total, lo * len(x), hi.sum()))
    y = x.copy()
    for _ in range(50):  # water-filling: scale the free part, clip, repeat
        free = (y > lo) & (y < hi)
        excess = total - y.sum()
        if abs(excess) < 0.5 or not free.any():
            break
        span = (y[free] - lo).sum()
        y[free] = lo + (y[free] - lo) * (1 + excess / max(span, 1e-9))
        y = np.clip(y, lo, hi)
    out = np.floor(y).astype(np.int64)
    rest = total - int(out.sum())
    order = np.argsort(-(y - out), kind="stable")
    if rest > 0:
        room = out < hi
        pick = order[room[order]][:rest]
        out[pick] += 1
    elif rest < 0:
        room = out > lo
        pick = order[::-1][room[order[::-1]]][:-rest]
        out[pick] -= 1
    return out


def _draw(rng, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((u >= cum).sum(axis=1), probs.shape[1] - 1)


def _weighted_pick(rng, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct positions, drawn without replacement with probability proportional to weights."""
    keys = rng.exponential(size=len(weights)) / np.maximum(weights, 1e-12)
    k = min(k, len(weights))
    return np.sort(np.argpartition(keys, k - 1)[:k]) if k > 0 else np.array([], dtype=np.int64)


def _first_of_groups(groups: np.ndarray) -> np.ndarray:
    """Positions of the first row of each run in a sorted group array."""
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else groups.astype(np.int64)


def _rank_in_groups(*keys: np.ndarray) -> np.ndarray:
    """0-based rank of each row within its group of equal keys, in row order."""
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return frame.groupby(list(frame.columns), sort=False).cumcount().to_numpy()


def _cn_numeral(i: int) -> str:
    digits = "零一二三四五六七八九"
    if i < 10:
        return digits[i]
    if i < 100:
        tens, units = divmod(i, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + ("" if units == 0 else digits[units])
    return str(i)


_CN = pa.array([_cn_numeral(i) for i in range(1000)])


def _cn(i: np.ndarray) -> pa.Array:
    return _at(_CN, np.clip(i, 0, len(_CN) - 1))


def _jan1(years) -> np.ndarray:
    return (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def _dec31(years) -> np.ndarray:
    return _jan1(np.asarray(years, dtype=np.int64) + 1) - np.timedelta64(1, "D")


def _random_day(rng, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """A uniformly random day in [start, end] (datetime64[D] arrays)."""
    span = (end - start).astype(np.int64) + 1
    return start + np.floor(rng.random(len(start)) * np.maximum(span, 1)).astype(np.int64)


def _pa(values) -> pa.Array:
    """Strings as an Arrow array: names are built in Arrow, which is fast on millions of rows."""
    if isinstance(values, pa.Array):
        return values
    return pa.array(np.asarray(values, dtype=object), type=pa.string())


def _at(strings, idx) -> pa.Array:
    """strings[idx], with -1 giving a missing value."""
    idx = np.asarray(idx, dtype=np.int64)
    return pc.take(_pa(strings), pa.array(idx, mask=idx < 0))


def _cat(*parts) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and scalars."""
    return pc.binary_join_element_wise(*parts, "")


def _compose(n: int, rules) -> pa.Array:
    """n strings from (mask, parts) rules; a later rule wins where masks overlap. Each rule
    concatenates only the rows it ends up owning."""
    owner = np.full(n, -1)
    for i, (mask, _) in enumerate(rules):
        owner[mask] = i
    if (owner < 0).any():
        raise ValueError("a row matches no naming rule")
    pieces, positions = [], []
    for i, (_, parts) in enumerate(rules):
        pos = np.flatnonzero(owner == i)
        if len(pos):
            sel = pa.array(pos)
            piece = _cat(*(p if isinstance(p, str) else pc.take(p, sel) for p in parts))
            pieces.append(pa.repeat(piece, len(pos)) if isinstance(piece, pa.Scalar) else piece)
            positions.append(pos)
    values = pa.concat_arrays(pieces)
    return pc.take(values, pa.array(np.argsort(np.concatenate(positions), kind="stable")))


def _s(values) -> pd.Series:
    """A string Series (Arrow-backed), the type the contract's identifiers and labels take."""
    return pd.Series(pd.array(_pa(values), dtype="str"))


def _labels(names, codes: np.ndarray) -> pd.Series:
    return _s(_at(list(names), codes))


# ---------------------------------------------------------------------------------------------
# The builder

class _Builder:
    def __init__(self, n: int, years: list[int], rng: np.random.Generator):
        self.n, self.years, self.rng = n, years, rng
        self.y0, self.y1 = years[0], years[-1]
        self.f = n / PUBLISHED["schools"]

    def scaled(self, key: str) -> int:
        return int(round(PUBLISHED[key] * self.f))

    def build(self) -> dict[str, pd.DataFrame]:
        self.regions()
        self.initial_schools()
        self.townships()
        self.roles()
        self.first_year_members()
        self.groups()
        self.ownership()
        self.calibrate_members()
        self.later_schools()
        self.names()
        self.initial_orgs()
        self.simulate()
        self.org_years()
        self.honors()
        return self.tables()

    # -- regions ----------------------------------------------------------------------------------
    def regions(self):
        rng = self.rng
        codes = [c for c, *_ in SHANGLUO]
        names = [nm for _, nm, *_ in SHANGLUO]
        weights = [float(w) for *_, w, _, _ in SHANGLUO]
        towns = [t for *_, t, _ in SHANGLUO]
        streets = [s for *_, s in SHANGLUO]
        city_codes = [CITY_CODE] * 7
        city_names = [CITY_NAME] * 7
        if self.n > CITY_MAX_SCHOOLS:
            # A province or a country: fictional counties of 150–400 schools, 6–12 to a city.
            k = max(1, round((self.n - PUBLISHED["schools"]) / FICTIONAL_COUNTY_SCHOOLS))
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
            city_in_prov = _rank_in_groups(prov)
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
        self.county_code = np.array(codes, dtype=object)
        self.county_name = np.array(names, dtype=object)
        self.city_code = np.array(city_codes, dtype=object)
        self.city_name = np.array(city_names, dtype=object)
        self.county_w = np.array(weights)
        self.base_towns = np.array(towns)
        self.base_streets = np.array(streets)
        self.K = len(codes)
        prov_of_county = np.array([int(c[:2]) for c in codes])
        self.county_prov = prov_of_county

    # -- schools open in the first year -----------------------------------------------------------
    def initial_schools(self):
        rng, n = self.rng, self.n
        group_totals = _alloc(n, PUBLISHED_STAGE_GROUPS)
        county_parts, group_parts = [], []
        for g, total in enumerate(group_totals):
            per_county = _alloc(int(total), self.county_w)
            county_parts.append(np.repeat(np.arange(self.K), per_county))
            group_parts.append(np.full(int(total), g))
        county = np.concatenate(county_parts)
        group = np.concatenate(group_parts)
        order = np.lexsort((group, county))
        county, group = county[order], group[order]
        stage = np.array([KG, PRI, JUN, SEN, VOC, SPE])[group]
        # Exact sub-stage counts: some junior-type schools are 九年一贯制, some senior-type 完全中学.
        for parent, child, share in ((JUN, NINE, NINE_YEAR_SHARE), (SEN, COMP, COMPLETE_SHARE)):
            idx = np.flatnonzero(stage == parent)
            k = int(round(len(idx) * share))
            stage[rng.choice(idx, size=k, replace=False)] = child
        self.county, self.stage = county, stage

        private_p = np.array([0.20, 0.03, 0.04, 0.10, 0.08, 0.05, 0.05, 0.15, 0.0])
        private = rng.random(n) < private_p[stage]
        locale_p = np.array([
            [0.25, 0.45, 0.30], [0.15, 0.30, 0.55], [0.20, 0.60, 0.20], [0.10, 0.45, 0.45],
            [0.60, 0.40, 0.00], [0.50, 0.50, 0.00], [0.60, 0.40, 0.00], [0.90, 0.10, 0.00],
            [1.00, 0.00, 0.00]])
        probs = locale_p[stage].copy()
        probs[private & (stage == KG)] = [0.60, 0.35, 0.05]
        locale = _draw(rng, probs)
        self.private, self.locale = private, locale
        self.staff_base = self._draw_staff(stage, locale, private)
        lo = np.array([1978, 1950, 1956, 1960, 1950, 1952, 1990, 1975, 1988])
        hi = np.array([2017, 2012, 2010, 2015, 1995, 1990, 2010, 2008, 2014])
        lo_s, hi_s = lo[stage], hi[stage]
        lo_s = np.where(private, np.maximum(lo_s, 1998), lo_s)
        hi_s = np.minimum(hi_s, self.y0 - 1)
        lo_s = np.minimum(lo_s, hi_s)
        self.opened = lo_s + np.floor(rng.random(n) * (hi_s - lo_s + 1)).astype(np.int64)
        self.closed = np.full(n, -1, dtype=np.int64)

    def _draw_staff(self, stage, locale, private) -> np.ndarray:
        lo, hi = STAFF_LO, STAFF_HI
        u = (self.rng.random(len(stage)) + self.rng.random(len(stage))) / 2
        staff = lo[stage, locale] + u * (hi[stage, locale] - lo[stage, locale])
        staff = np.where(private, np.maximum(staff * 0.85, lo[stage, locale] * 0.9), staff)
        return np.maximum(np.rint(staff), 5).astype(np.int64)

    # -- townships ----------------------------------------------------------------------------------
    def townships(self):
        """Each county's 街道 and 镇 (about one per 14 schools), and the first-year schools' places."""
        rng = self.rng
        n_c = np.bincount(self.county, minlength=self.K)
        towns = np.where(self.base_towns > 0, np.maximum(self.base_towns, np.rint(n_c / 14)),
                         np.clip(np.rint(n_c / 14), 5, 30)).astype(np.int64)
        towns = np.minimum(towns, 30)
        streets = np.where(self.base_streets > 0, self.base_streets,
                           1 + (n_c >= 220) + (n_c >= 330)).astype(np.int64)
        pool = np.array([a + b for a in _TOWN_HEAD for b in _TOWN_TAIL], dtype=object)
        names, is_street = [], []
        for c in range(self.K):  # a few thousand counties at most
            picks = pool[rng.choice(len(pool), size=towns[c] - streets[c], replace=False)]
            extra = rng.choice(len(_STREET_HEAD), size=streets[c] - 1, replace=False)
            names += ["城关街道"] + [_STREET_HEAD[i] + "街道" for i in extra] + [p + "镇" for p in picks]
            is_street += [True] * streets[c] + [False] * (towns[c] - streets[c])
        self.t_names = pa.array(names)
        self.t_is_street = np.array(is_street)
        self.t_offset = np.r_[0, np.cumsum(towns)[:-1]]
        self.t_towns, self.t_streets = towns, streets
        self.township = self._place(self.county, self.locale)

    def _place(self, county, locale) -> np.ndarray:
        """A township for each school: urban schools in a 街道, the others in a 镇."""
        u = self.rng.random(len(county))
        streets, towns = self.t_streets[county], self.t_towns[county]
        local = np.where(locale == URBAN, np.floor(u * streets), streets + np.floor(u * (towns - streets)))
        return (self.t_offset[county] + local).astype(np.int64)

    # -- which school hosts which kind of organisation in the first year ---------------------------
    def roles(self):
        rng, n = self.rng, self.n
        stage, staff, private = self.stage, self.staff_base, self.private
        self.n_com = self.scaled("committees")
        self.n_gen = self.scaled("general_branches")
        self.n_sa = self.scaled("standalone") - self.n_com - self.n_gen
        role = np.full(n, 3)  # 0 党委 host, 1 党总支 host, 2 own 党支部, 3 in a joint or attached org

        def pick(mask, score, k):
            idx = np.flatnonzero(mask)
            top = idx[np.argsort(-score[idx], kind="stable")[:k]]
            return top

        tier_com = np.array([0, 0, 1, 1, 3, 3, 3, 2, 0])
        com = pick(~private & (tier_com[stage] > 0), tier_com[stage] * 1000 + staff, self.n_com)
        role[com] = 0
        tier_gen = np.array([0, 1, 2, 2, 3, 3, 3, 3, 1])
        score = tier_gen[stage] * 1000 + staff * rng.uniform(0.8, 1.2, n)
        gen = pick(~private & (role == 3), score, self.n_gen)
        role[gen] = 1
        weight = np.array([0.9, 1.0, 3.0, 3.0, 6.0, 6.0, 6.0, 6.0, 6.0])
        score = weight[stage] * staff * rng.lognormal(0, 0.35, n) * np.where(private, 0.7, 1.0)
        sa = pick(role == 3, score, self.n_sa)
        role[sa] = 2
        self.role = role

    def first_year_members(self):
        """Members at the end of the first year by role; standalone schools are calibrated later."""
        rng, n = self.rng, self.n
        role, stage = self.role, self.stage
        staff = self.staff_base.astype(float)
        end = np.zeros(n, dtype=np.int64)
        stage_max = np.array([40, 80, 150, 150, 300, 300, 300, 250, 50])

        com = np.flatnonzero(role == 0)
        end[com] = rng.integers(100, 141, len(com))
        gen = np.flatnonzero(role == 1)
        end[gen] = rng.integers(50, 81, len(gen))
        # A few general branches are smaller than the rules expect (an action-list item).
        small = rng.choice(gen, size=min(len(gen), max(1, round(0.08 * len(gen)))), replace=False) \
            if len(gen) else gen
        end[small] = rng.integers(32, 50, len(small))
        big = np.r_[com, gen]
        need = np.ceil(end[big] / rng.uniform(0.40, 0.58, len(big)))
        staff[big] = np.minimum(np.maximum(staff[big], need), np.maximum(stage_max[stage[big]], 120))
        end[big] = np.minimum(end[big], np.floor(staff[big] * 0.62)).astype(np.int64)

        sa = np.flatnonzero(role == 2)
        self.sa_raw = np.maximum(staff[sa] * rng.uniform(0.10, 0.30, len(sa)), 4.0)

        grp = np.flatnonzero(role == 3)
        full_p = np.array([[0.50, 0.30, 0.20], [0.30, 0.35, 0.35]] + [[0.20, 0.35, 0.45]] * 7)
        full = np.zeros(n, dtype=np.int64)
        full[grp] = _draw(rng, full_p[stage[grp]])
        prob = np.zeros(n, dtype=np.int64)
        prob[grp] = rng.random(len(grp)) < 0.10
        self.staff_base = np.rint(staff).astype(np.int64)
        self.end0, self.full0, self.prob0 = end, full, prob

    # -- joint and attached organisations ---------------------------------------------------------
    def groups(self):
        rng = self.rng
        grp = np.flatnonzero(self.role == 3)
        # Neighbours share: groups are cut from schools ordered by county, ownership (private schools
        # form their own joint branches), township and stage.
        order = np.lexsort((rng.random(len(grp)), self.stage[grp], self.township[grp],
                            self.private[grp], self.county[grp]))
        gs = grp[order]
        m_c = np.bincount(self.county[gs], minlength=self.K)
        lo = np.where(m_c > 0, np.ceil(m_c / 5), 0).astype(np.int64)
        hi = np.where(m_c >= 2, m_c // 2, m_c).astype(np.int64)
        target = PUBLISHED["orgs"] - PUBLISHED["standalone"]
        g_c = _alloc_bounded(int(round(target * self.f)), m_c, lo, hi)
        G = int(g_c.sum())
        g_county = np.repeat(np.arange(self.K), g_c)
        starts = np.r_[0, np.cumsum(g_c)[:-1]]
        local = np.arange(G) - starts[g_county]
        mc, gc = m_c[g_county], g_c[g_county]
        sizes = mc // gc + (local < mc % gc)
        # Vary sizes by moving one school between neighbouring groups, keeping every size in 2–5.
        for offset in (0, 1, 0):
            a = np.flatnonzero(((local - offset) % 2 == 0) & (local + 1 < gc) & (local >= offset))
            b = a + 1
            d = rng.integers(-1, 2, len(a))
            ok = (sizes[a] + d >= 2) & (sizes[a] + d <= 5) & (sizes[b] - d >= 2) & (sizes[b] - d <= 5)
            sizes[a[ok]] += d[ok]
            sizes[b[ok]] -= d[ok]
        group_of = np.full(self.n, -1, dtype=np.int64)
        group_of[gs] = np.repeat(np.arange(G), sizes)

        # A branch needs three full members between its schools; top up the smallest ones.
        full = self.full0
        for _ in range(6):
            tot = np.bincount(group_of[gs], weights=full[gs], minlength=G)
            short = (tot < 3) & (sizes > 1)
            cand = gs[short[group_of[gs]] & (full[gs] < 2)]
            if not len(cand):
                break
            first = cand[_first_of_groups(group_of[cand])]
            full[first] += 1
        # A probationary member in a school with two full members would make it due for its own
        # organisation next year already; keep the first year's groups clean of that.
        self.prob0[gs] &= full[gs] < 2
        self.end0[gs] = full[gs] + self.prob0[gs]

        # The host is the public school with most members (then most staff) in the group.
        o = np.lexsort((-self.staff_base[gs], -full[gs], self.private[gs], group_of[gs]))
        hosts = gs[o][_first_of_groups(group_of[gs][o])]
        formation = np.where((sizes == 1) | (rng.random(G) < 0.30), ATTACHED, JOINT)
        self.G, self.group_of, self.group_sizes = G, group_of, sizes
        self.group_host, self.group_formation, self.group_county = hosts, formation, g_county

    def ownership(self):
        """Flip whole private or public groups so the private-hosted organisations match the target."""
        rng = self.rng
        target = self.scaled("private_orgs")
        private = self.private
        sa_private = private[self.role == 2].sum() + private[self.role <= 1].sum()
        host_private = private[self.group_host]
        diff = target - int(sa_private) - int(host_private.sum())
        member_groups = self.group_of
        if diff < 0:
            cand = np.flatnonzero(host_private)
            flip = rng.choice(cand, size=min(-diff, len(cand)), replace=False)
            private[np.isin(member_groups, flip)] = False
        elif diff > 0:
            all_kg = np.bincount(member_groups[member_groups >= 0],
                                 weights=(self.stage[member_groups >= 0] != KG), minlength=self.G) == 0
            cand = np.flatnonzero(~host_private)
            cand = cand[np.lexsort((rng.random(len(cand)), ~all_kg[cand]))]
            flip = cand[:diff]
            private[np.isin(member_groups, flip)] = True
        self.private = private

    def calibrate_members(self):
        """Standalone branches absorb the difference so first-year members equal the published total."""
        rng = self.rng
        sa = np.flatnonzero(self.role == 2)
        fixed = int(self.end0[self.role != 2].sum())
        target = self.scaled("members") - fixed
        hi = np.minimum(45, np.floor(self.staff_base[sa] * 0.6))
        self.end0[sa] = _fit_sum(self.sa_raw, target, 4, hi)
        own = self.role <= 2
        prob = rng.binomial(self.end0, 0.035)
        prob = np.minimum(prob, np.maximum(self.end0 - 3, 0))
        self.prob0 = np.where(own, prob, self.prob0)
        self.full0 = self.end0 - self.prob0
        self.staff_base = np.maximum(self.staff_base, np.ceil(self.end0 / 0.6)).astype(np.int64)

    # -- schools opening and closing after the first year -----------------------------------------
    def later_schools(self):
        rng, n, y0, y1 = self.rng, self.n, self.y0, self.y1
        # Closures: small non-host schools in groups of three or more, one per group, so a joint
        # organisation never drops below two schools.
        gs = np.flatnonzero(self.role == 3)
        is_host = np.zeros(n, bool)
        is_host[self.group_host] = True
        self.close_group = np.zeros(self.G, bool)
        if y1 >= y0 + 2:
            eligible_groups = np.flatnonzero(self.group_sizes >= 3)
            k = min(len(eligible_groups), int(round(0.012 * n)))
            chosen = rng.choice(eligible_groups, size=k, replace=False)
            self.close_group[chosen] = True
            cand = gs[~is_host[gs] & self.close_group[self.group_of[gs]]]
            cand = cand[np.lexsort((rng.random(len(cand)), self.group_of[cand]))]
            closing = cand[_first_of_groups(self.group_of[cand])]
            # Not before the second year: first-year members are the published figure.
            self.closed[closing] = rng.integers(y0 + 2, y1 + 1, len(closing))
        self.is_host = is_host

        # New schools, mostly urban kindergartens and primaries; each of the last three years gets
        # some, so recent years show schools not yet covered.
        first_open = y0 + 2
        if y1 >= first_open:
            last_years = np.arange(max(first_open, y1 - 2), y1 + 1)
            k = max(len(last_years) * 2, int(round(0.015 * n)))
            year = np.r_[np.repeat(last_years, 2), rng.integers(first_open, y1 + 1, k - 2 * len(last_years))]
            year = np.sort(year)
        else:
            year = np.array([], dtype=np.int64)
        k = len(year)
        stage = rng.choice([KG, PRI, JUN, NINE, SEN, SPE], size=k, p=[0.55, 0.25, 0.08, 0.05, 0.04, 0.03])
        county = rng.choice(self.K, size=k, p=self.county_w / self.county_w.sum())
        locale = rng.choice(3, size=k, p=[0.6, 0.3, 0.1])
        private = rng.random(k) < np.where(stage == KG, 0.4, 0.08)
        staff = self._draw_staff(stage, locale, private)
        # Coverage path: lag years without an organisation (未覆盖 or 党建指导员), then a group or own org.
        lag = rng.choice(3, size=k, p=[0.3, 0.5, 0.2])
        recent = year >= y1 - 2
        lag = np.where(recent, np.maximum(lag, 1), lag)
        uncovered = rng.random(k) < 0.4
        first_of_year = np.r_[True, year[1:] != year[:-1]] if k else np.array([], bool)
        uncovered |= first_of_year

        # Match each new school to a group in its county with room (at most one newcomer per group).
        cand = np.flatnonzero(self.group_sizes <= 4)
        cand_county = self.group_county[cand]
        cand = cand[np.lexsort((rng.random(len(cand)), cand_county))]
        cand_county = self.group_county[cand]
        c_start = np.searchsorted(cand_county, np.arange(self.K))
        c_count = np.bincount(cand_county, minlength=self.K)
        o = np.lexsort((year, county))
        rank = np.empty(k, dtype=np.int64)
        rank[o] = _rank_in_groups(county[o])
        ok = rank < c_count[county]
        match = np.where(ok, cand[np.minimum(c_start[county] + rank, len(cand) - 1)], -1) if len(cand) else \
            np.full(k, -1)
        # A newcomer with no group to join waits a year for its own branch or an adviser.
        lag = np.where((lag == 0) & (match < 0), 1, lag)
        # A newcomer that will join a group is a neighbour: it opens in its host's township.
        township = self._place(county, locale)
        joins = match >= 0
        township[joins] = self.township[self.group_host[match[joins]]]
        street = self.t_is_street[township]
        locale = np.where(street, URBAN, np.where(locale == URBAN, TOWN, locale))

        self.n_new = k
        self.new_lag, self.new_uncovered, self.new_match = lag, uncovered, match
        self.county = np.r_[self.county, county]
        self.stage = np.r_[self.stage, stage]
        self.locale = np.r_[self.locale, locale]
        self.township = np.r_[self.township, township]
        self.private = np.r_[self.private, private]
        self.staff_base = np.r_[self.staff_base, staff]
        self.opened = np.r_[self.opened, year]
        self.closed = np.r_[self.closed, np.full(k, -1)]
        self.role = np.r_[self.role, np.full(k, 4)]  # 4: opened later
        self.is_host = np.r_[self.is_host, np.zeros(k, bool)]
        self.group_of = np.r_[self.group_of, np.full(k, -1)]
        self.N = n + k

    # -- identifiers and names --------------------------------------------------------------------
    def names(self):
        rng, N = self.rng, self.N
        c = self.county
        # 学校标识码: type code + province + a distinct 6-digit sequence per (type, province).
        type_code = TYPE_CODE[self.stage]
        prov = self.county_prov[c]
        seq = np.zeros(N, dtype=np.int64)
        key = type_code * 100 + prov
        for k in np.unique(key):
            idx = np.flatnonzero(key == k)
            seq[idx] = rng.choice(999_999, size=len(idx), replace=False) + 1
        self.school_id = pa.array(np.char.add(np.char.add(type_code.astype(str), np.char.zfill(prov.astype(str), 2)),
                                              np.char.zfill(seq.astype(str), 6)).astype(object))
        self.school_name = self._school_names()

    def _school_names(self) -> pa.Array:
        rng, N = self.rng, self.N
        stage, locale, private, c = self.stage, self.locale, self.private, self.county
        cn = _at(self.county_name, c)
        tn = _at(self.t_names, self.township)
        ts = pc.replace_substring_regex(tn, pattern="(街道|镇)$", replacement="")
        cshort = pc.replace_substring_regex(cn, pattern="^(.{2})[县区]$", replacement="\\1")
        villages = pa.array([a + b for a in _VILLAGE_HEAD for b in _VILLAGE_TAIL])
        vn = _at(villages, rng.integers(0, len(villages), N))
        brand = _at(_PRIVATE_BRANDS, rng.integers(0, len(_PRIVATE_BRANDS), N))
        urban = locale == URBAN
        public = ~private
        # Ordinals among public schools of a kind: 第二小学, 第三幼儿园 … (first schools first; a school
        # that will close never takes first place, so no township loses its 中心小学).
        seniority = np.lexsort((self.opened, self.closed >= 0, stage, c))
        rank_county = np.empty(N, dtype=np.int64)
        rank_county[seniority] = _rank_in_groups(c[seniority], stage[seniority], urban[seniority],
                                                 private[seniority])
        rank_town = np.empty(N, dtype=np.int64)
        rank_town[seniority] = _rank_in_groups(self.township[seniority], stage[seniority], private[seniority])
        hub = public & (rank_town == 0) & ~urban  # the township's central school of its stage
        k_county = _cn(rank_county + 1)
        k_town = _cn(rank_town + 1)
        comp = (stage == COMP) | (stage == TWELVE)
        name = _compose(N, [
            (stage == KG, (cn, tn, vn, "幼儿园")),
            ((stage == KG) & hub, (cn, tn, "中心幼儿园")),
            ((stage == KG) & public & urban, (cn, ts, "第", k_town, "幼儿园")),
            ((stage == KG) & private, (cn, ts, brand, "幼儿园")),
            (stage == PRI, (cn, tn, vn, "小学")),
            ((stage == PRI) & hub, (cn, tn, "中心小学")),
            ((stage == PRI) & public & urban, (cn, ts, "第", k_town, "小学")),
            ((stage == PRI) & private, (cn, brand, "小学")),
            (stage == JUN, (cn, ts, "第", k_town, "初级中学")),
            ((stage == JUN) & (rank_town == 0) & ~urban, (cn, ts, "初级中学")),
            ((stage == JUN) & public & urban, (cn, "第", k_county, "初级中学")),
            ((stage == JUN) & private, (cn, brand, "中学")),
            (stage == NINE, (cn, tn, vn, "九年制学校")),
            ((stage == NINE) & hub, (cn, tn, "中心学校")),
            ((stage == NINE) & private, (cn, brand, "学校")),
            (stage == SEN, (cn, ts, "高级中学")),
            ((stage == SEN) & urban, (cn, "第", k_county, "高级中学")),
            ((stage == SEN) & urban & (rank_county == 0), (cshort, "中学")),
            ((stage == SEN) & private, (cn, brand, "高级中学")),
            (comp, (cn, "第", k_county, "中学")),
            (comp & private, (cn, brand, "中学")),
            (stage == VOC, (cn, ts, "职业中学")),
            ((stage == VOC) & public & (rank_county == 0), (cn, "职业教育中心")),
            ((stage == VOC) & private, (cn, brand, "职业技术学校")),
            (stage == SPE, (cn, ts, "特殊教育学校")),
            ((stage == SPE) & (rank_county == 0), (cn, "特殊教育学校")),
        ])

        # Duplicates (two 阳光幼儿园 in one township …) take a village name until every name is unique.
        suffix = _at(_STAGE_SUFFIX, stage)
        for attempt in range(30):
            dup = pd.Series(pd.array(name, dtype="str")).duplicated(keep="first").to_numpy()
            if not dup.any():
                break
            idx = pa.array(np.flatnonzero(dup))
            v = _at(villages, rng.integers(0, len(villages), len(idx)))
            extra = "" if attempt < 10 else _cn(rng.integers(2, 99, len(idx)))
            fix = _cat(pc.take(cn, idx), pc.take(tn, idx), v, extra, pc.take(suffix, idx))
            name = pc.replace_with_mask(name, pa.array(dup), fix)
        return name

    # -- organisations of the first year ----------------------------------------------------------
    def initial_orgs(self):
        rng, y0 = self.rng, self.y0
        role = self.role
        com = np.flatnonzero(role == 0)
        gen = np.flatnonzero(role == 1)
        sa = np.flatnonzero(role == 2)
        hosts = np.r_[com, gen, sa, self.group_host]
        n_top = len(hosts)
        otype = np.r_[np.full(len(com), COMMITTEE), np.full(len(gen), GENERAL), np.full(len(sa) + self.G, BRANCH)]
        formation = np.r_[np.full(len(com) + len(gen) + len(sa), OWN), self.group_formation]
        # Some committees have branches under them (not top-level: they cover no school themselves).
        with_children = rng.choice(len(com), size=int(round(0.6 * len(com))), replace=False) if len(com) else \
            np.array([], dtype=np.int64)
        # Four to six branches (by grade, plus staff) keep each under the 50 a branch should have.
        n_children = rng.integers(4, 7, len(with_children))
        child_parent = np.repeat(with_children, n_children)
        child_no = _rank_in_groups(child_parent) + 1
        weights = rng.gamma(8.0, size=len(child_parent))
        # Cumulative shares per committee, ending at exactly 1 on its last branch.
        cum = np.cumsum(weights)
        starts = _first_of_groups(child_parent)
        group_no = np.cumsum(np.r_[False, child_parent[1:] != child_parent[:-1]]) if len(child_parent) else \
            np.zeros(0, dtype=np.int64)
        before = np.r_[0.0, cum][starts][group_no]
        total = np.add.reduceat(weights, starts)[group_no] if len(starts) else np.zeros(0)
        share = (cum - before) / np.maximum(total, 1e-12)
        self.child_parent, self.child_cumshare = child_parent, share

        org = {
            "host": np.r_[hosts, hosts[child_parent]],
            "type": np.r_[otype, np.full(len(child_parent), BRANCH)],
            "formation": np.r_[formation, np.full(len(child_parent), OWN)],
            "parent": np.r_[np.full(n_top, -1), child_parent],
            "first_year": np.full(n_top + len(child_parent), y0),
            "child_no": np.r_[np.zeros(n_top, dtype=np.int64), child_no],
        }
        # Established: joint and attached organisations in the reorganisation of the last three years,
        # the others any time after their school opened.
        host_open = np.maximum(self.opened[org["host"]], 1978)
        grouped = org["formation"] != OWN
        lo = np.where(grouped, np.maximum(host_open, y0 - 2), host_open)
        lo = np.where(org["parent"] >= 0, np.maximum(host_open, y0 - 6), lo)
        hi = np.where(grouped | (org["parent"] >= 0), y0, y0 - 1)
        hi = np.maximum(hi, lo)
        org["established"] = _random_day(rng, _jan1(lo), _dec31(hi))
        self.orgs = [org]

        # First-year leadership, exactly: the published share of 一肩挑; private and large schools
        # more often have a separate secretary.
        w = np.where(self.private[hosts], 6.0, 1.0) * np.select(
            [otype == COMMITTEE, otype == GENERAL, formation != OWN], [3.0, 1.5, 0.8], 1.0)
        not_combined = _weighted_pick(rng, w, n_top - self.scaled("one_shoulder"))
        lead = np.full(n_top, COMBINED)
        lead[not_combined] = SEPARATE
        vacant = rng.choice(not_combined, size=min(len(not_combined), max(1, round(3 * self.f))), replace=False)
        lead[vacant] = VACANT
        self.lead0 = np.r_[lead, np.full(len(child_parent), SEPARATE)]

        org_of = np.full(self.N, -1, dtype=np.int64)
        org_of[hosts[:len(com) + len(gen) + len(sa)]] = np.arange(len(com) + len(gen) + len(sa))
        grouped_schools = np.flatnonzero(self.group_of >= 0)
        self.group_org = len(com) + len(gen) + len(sa) + np.arange(self.G)
        org_of[grouped_schools] = self.group_org[self.group_of[grouped_schools]]
        self.org_of0 = org_of

    # -- the years --------------------------------------------------------------------------------
    def simulate(self):
        rng, N = self.rng, self.N
        y0 = self.y0
        stage = self.stage
        self.f_share = np.clip(np.array([0.92, 0.62, 0.50, 0.52, 0.42, 0.45, 0.44, 0.45, 0.70])[stage]
                               + rng.normal(0, 0.06, N), 0.05, 1.0)
        self.young_share = np.clip(rng.uniform(0.18, 0.40, N) + np.where(stage == KG, 0.15, 0.0), 0, 0.9)
        student_ratio = np.array([11, 15, 12, 13, 13, 12, 13, 15, 4.5])[stage] * rng.uniform(0.8, 1.2, N)
        drift = np.ones(N)
        self.host_now = self.group_host.copy()
        self.hosts_by_year = {}

        org_of = self.org_of0.copy()
        cov = np.where(org_of >= 0, np.where(self.group_of >= 0, self.group_formation[np.maximum(self.group_of, 0)],
                                             OWN), NONE).astype(np.int64)
        new = np.flatnonzero(self.role == 4)
        n_orgs = len(self.orgs[0]["host"])
        end = np.zeros(N, dtype=np.int64)
        prob_prev = np.zeros(N, dtype=np.int64)
        adm_prev = np.zeros(N, dtype=np.int64)
        rows = {k: [] for k in ("school", "year", "staff", "students", "cov", "org", "start", "admitted",
                                "tin", "tout", "deceased", "other", "end", "prob", "female", "young",
                                "applicants", "activists", "candidates", "backbone")}
        self.members_by_org = {}

        for y in self.years:
            open_ = (self.opened <= y) & ((self.closed < 0) | (self.closed > y))
            if y > y0:
                drift *= np.exp(rng.normal(0, 0.025, N))
                n_orgs = self._year_events(y, open_, org_of, cov, end, prob_prev, new, n_orgs)
            self.hosts_by_year[y] = self.host_now.copy()
            idx = np.flatnonzero(open_)
            # A new school fills its posts over its first years; staff stays within its stage's range.
            ramp = np.minimum(1.0, 0.6 + 0.2 * (y - self.opened[idx]))
            staff = np.clip(np.rint(self.staff_base[idx] * drift[idx] * ramp),
                            STAFF_LO[stage[idx]].min(axis=1), STAFF_HI[stage[idx]].max(axis=1)).astype(np.int64)
            if y == y0:
                flows = self._first_year_flows(idx, staff)
            else:
                flows = self._flows(y, idx, staff, end[idx], cov[idx], adm_prev[idx])
            e = flows["end"]
            staff = np.maximum(staff, np.ceil(e / 0.6)).astype(np.int64)
            kg_decline = np.where(stage[idx] == KG, 1 - 0.04 * max(0, y - 2020), 1.0)
            students = np.rint(staff * student_ratio[idx] * kg_decline).astype(np.int64)
            female = np.minimum(e, np.rint(e * self.f_share[idx])).astype(np.int64)
            young = np.minimum(e, np.rint(e * np.minimum(self.young_share[idx] + 0.012 * (y - y0), 1))).astype(np.int64)
            pipe = self._pipeline(flows, staff, cov[idx], y)
            end[idx] = e
            prob_prev[idx] = flows["prob"]
            adm_prev[:] = 0
            adm_prev[idx] = flows["admitted"]

            for k, v in (("school", idx), ("year", np.full(len(idx), y)), ("staff", staff),
                         ("students", students), ("cov", cov[idx]), ("org", org_of[idx]),
                         ("female", female), ("young", young)):
                rows[k].append(v.astype(np.int32))
            for k in ("start", "admitted", "tin", "tout", "deceased", "other", "end", "prob"):
                rows[k].append(flows[k].astype(np.int32))
            for k in ("applicants", "activists", "candidates", "backbone"):
                rows[k].append(pipe[k].astype(np.int32))
            has = org_of[idx] >= 0
            full = (e - flows["prob"])[has]
            self.members_by_org[y] = (
                np.bincount(org_of[idx][has], weights=full, minlength=n_orgs).astype(np.int64),
                np.bincount(org_of[idx][has], weights=flows["prob"][has], minlength=n_orgs).astype(np.int64))
        # Row arrays are kept as int32 until the tables are built: at national size they are the
        # bulk of the memory.
        self.rows = {k: np.concatenate(rows.pop(k)) for k in list(rows)}

    def _year_events(self, y, open_, org_of, cov, end, prob_prev, new, n_orgs) -> int:
        """Coverage changes at the start of year y: newcomers, their later coverage, promotions."""
        rng = self.rng
        full_prev = end - prob_prev
        # Schools opening this year start without members; the lag decides their first coverage.
        opening = new[self.opened[new] == y]
        lag = self.new_lag[opening - self.n]
        match = self.new_match[opening - self.n]
        join_now = opening[(lag == 0) & (match >= 0)]
        cov[opening] = np.where(self.new_uncovered[opening - self.n], NONE, ADVISER)
        covered_at = self.opened[new] + self.new_lag[new - self.n]
        due = new[(covered_at == y) & (self.opened[new] < y)]
        m = self.new_match[due - self.n]
        own = due[full_prev[due] >= 3]
        join = np.r_[join_now, due[(full_prev[due] < 3) & (m >= 0)]]
        stay = due[(full_prev[due] < 3) & (m < 0)]
        cov[stay] = ADVISER
        if len(join):
            g = self.new_match[join - self.n]
            org_of[join] = self.group_org[g]
            cov[join] = self.group_formation[g]
            self.group_of[join] = g

        # A grouped school that has grown to three full members gets its own branch, though often a
        # year or more late (the action list's content), unless its group would drop below two schools.
        current = open_ & (self.group_of >= 0)
        size = np.bincount(self.group_of[current], minlength=self.G)
        cand = np.flatnonzero(current & (full_prev >= 3))
        g = self.group_of[cand]
        cand = cand[(size[g] >= 3) & ~self.close_group[g] & (rng.random(len(cand)) < 0.7)]
        cand = cand[np.lexsort((-full_prev[cand], self.group_of[cand]))]
        promote = cand[_first_of_groups(self.group_of[cand])]
        left = promote[self.is_host[promote]]
        lost = np.zeros(self.G, bool)
        lost[self.group_of[left]] = True
        self.group_of[promote] = -1
        # A host that leaves hands its group to the remaining school with most full members.
        if len(left):
            heirs = np.flatnonzero(current & (self.group_of >= 0))
            heirs = heirs[lost[self.group_of[heirs]]]
            heirs = heirs[np.lexsort((-self.staff_base[heirs], -full_prev[heirs], self.group_of[heirs]))]
            heirs = heirs[_first_of_groups(self.group_of[heirs])]
            self.is_host[left] = False
            self.is_host[heirs] = True
            self.host_now[self.group_of[heirs]] = heirs

        founders = np.r_[own, promote]
        if len(founders):
            ids = n_orgs + np.arange(len(founders))
            org_of[founders] = ids
            cov[founders] = OWN
            est = _random_day(rng, _jan1(np.full(len(founders), y)), _dec31(np.full(len(founders), y)))
            self.orgs.append({
                "host": founders, "type": np.full(len(founders), BRANCH),
                "formation": np.full(len(founders), OWN), "parent": np.full(len(founders), -1),
                "first_year": np.full(len(founders), y), "child_no": np.zeros(len(founders), dtype=np.int64),
                "established": est,
            })
            n_orgs += len(founders)
        return n_orgs

    def _first_year_flows(self, idx, staff) -> dict:
        """Flows of the first year, worked backwards from the calibrated year-end members."""
        rng = self.rng
        e = self.end0[idx]
        adm = self.prob0[idx]
        grouped = self.role[idx] == 3
        tin = rng.binomial(e - adm, np.where(grouped, 0.05, 0.04))
        tout = rng.poisson(np.where(grouped, 0.08 * e + 0.05, 0.045 * e))
        dec = rng.binomial(e, 0.0015)
        oth = rng.binomial(e, 0.004)
        start = e - adm - tin + tout + dec + oth
        return {"start": start, "admitted": adm, "tin": tin, "tout": tout, "deceased": dec, "other": oth,
                "end": e, "prob": self.prob0[idx]}

    def _flows(self, y, idx, staff, start, cov, adm_prev) -> dict:
        rng = self.rng
        own = cov == OWN
        grouped = (cov == JOINT) | (cov == ATTACHED)
        nonmember = np.maximum(staff - start, 0)
        # Only an organisation can admit members; a school without one admits none.
        lam = np.where(own, 0.028 * start + 0.0035 * nonmember,
                       np.where(grouped, 0.005 * start + 0.0006 * nonmember, 0.0))
        adm = rng.poisson(lam)
        # Small schools in a shared organisation lose members to larger ones slightly more than they gain.
        tin = rng.poisson(np.where(own, 0.04 * start + 0.002 * staff, 0.02 * start + 0.0008 * staff))
        opening = self.opened[idx] == y
        # A new school's first teachers bring their membership with them.
        seed = np.where(self.stage[idx] == KG, 0.03, 0.06) * staff
        tin = tin + np.where(opening, rng.poisson(seed), 0)
        tout = rng.binomial(start, np.where(grouped, 0.09, 0.045))
        dec = rng.binomial(start - tout, 0.0015)
        oth = rng.binomial(start - tout - dec, 0.004)
        # A school in its last year transfers everyone out before it closes.
        last = self.closed[idx] == y + 1
        adm = np.where(last, 0, adm)
        tin = np.where(last, 0, tin)
        tout = np.where(last, start - dec - oth, tout)
        e = start + adm + tin - tout - dec - oth
        prob = np.minimum(adm + rng.binomial(adm_prev, 0.04), e)
        return {"start": start, "admitted": adm, "tin": tin, "tout": tout, "deceased": dec, "other": oth,
                "end": e, "prob": prob}

    def _pipeline(self, flows, staff, cov, y) -> dict:
        rng = self.rng
        e = flows["end"]
        has_org = cov <= ATTACHED
        lam = 0.03 * e + 0.004 * np.maximum(staff - e, 0) + 0.1
        candidates = np.where(has_org, rng.poisson(lam), 0)
        activists = candidates + np.where(has_org, rng.poisson(1.5 * lam + 0.2), 0)
        applicants = activists + rng.poisson(1.5 * lam + 0.3)
        nonmember = np.maximum(staff - e, 0)
        applicants = np.minimum(applicants, nonmember)
        activists = np.minimum(activists, applicants)
        candidates = np.minimum(candidates, activists)
        share = min(0.30 + 0.035 * (y - self.y0), 0.6)
        backbone = rng.binomial(flows["admitted"], share)
        return {"applicants": applicants, "activists": activists, "candidates": candidates, "backbone": backbone}

    # -- organisation attributes per year -----------------------------------------------------------
    def org_years(self):
        rng, y0, y1 = self.rng, self.y0, self.y1
        o = {k: np.concatenate([part[k] for part in self.orgs]) for k in self.orgs[0]}
        n_orgs = len(o["host"])
        self.org = o
        otype, parent = o["type"], o["parent"]
        top = parent < 0
        term = np.where(otype == COMMITTEE, 5, 3)

        # Elections: the last one before the first year (or the founding), then one per term with a
        # delay now and then; a long delay leaves the organisation overdue for a while.
        est = o["established"]
        first = o["first_year"]
        d0 = _random_day(rng, _jan1(first + 1 - term) - 30, _dec31(first))
        d0 = np.where(first > y0, est, np.maximum(d0, est))
        n_terms = (y1 - y0) // 3 + 3
        delay = np.where(rng.random((n_orgs, n_terms)) < 0.92, rng.integers(-75, 46, (n_orgs, n_terms)),
                         np.where(rng.random((n_orgs, n_terms)) < 0.75, rng.integers(90, 400, (n_orgs, n_terms)),
                                  rng.integers(400, 800, (n_orgs, n_terms))))
        steps = np.rint(term[:, None] * 365.25).astype(np.int64) + delay
        elections = d0.astype("datetime64[D]").astype(np.int64)[:, None] + np.c_[np.zeros(n_orgs, np.int64),
                                                                                 np.cumsum(steps, axis=1)]

        name = self._org_names(o)
        rows = {k: [] for k in ("org", "year", "lead", "last", "star", "full", "prob", "host")}
        state = np.where(self.lead0 == VACANT, rng.integers(0, 2, len(self.lead0)), self.lead0)
        state = np.r_[state, np.full(n_orgs - len(self.lead0), -1)]
        star = np.full(n_orgs, -1)
        children = np.flatnonzero(parent >= 0)
        for y in self.years:
            idx = np.flatnonzero(first <= y)
            newly = first == y
            if y == y0:
                lead = self.lead0.copy()
            else:
                fresh = newly & (state < 0)
                priv = self.private[o["host"]]
                state[fresh] = np.where(rng.random(fresh.sum()) < np.where(priv[fresh], 0.3, 0.7),
                                        COMBINED, SEPARATE)
                flip = top & (first < y) & (rng.random(n_orgs) < 0.03) & (otype == BRANCH)
                state[flip] = 1 - state[flip]
                if y >= REFORM_YEAR:
                    larger = (otype != BRANCH) & top
                    move = larger & (state == COMBINED) & ((y > REFORM_YEAR) | (rng.random(n_orgs) < 0.85))
                    state[move] = SEPARATE
                state[children] = SEPARATE
                lead = state.copy()
                vacant = top & ~newly & (rng.random(n_orgs) < 0.012)
                lead[vacant] = VACANT
                # Stars: rated from the second year on; organisations drift by a star at most.
                if y >= y0 + 1:
                    rated = star > 0
                    step = rng.choice([-1, 0, 1], size=n_orgs, p=[0.10, 0.70, 0.20])
                    star = np.where(rated, np.clip(star + step, 1, 5), star)
                    start_now = ~rated & ~newly & (first < y) & ((y > y0 + 1) | (rng.random(n_orgs) < 0.75))
                    star = np.where(start_now, rng.choice([1, 2, 3, 4, 5], size=n_orgs,
                                                          p=[0.05, 0.20, 0.40, 0.25, 0.10]), star)
            full, prob = self.members_by_org[y]
            full = np.r_[full, np.zeros(n_orgs - len(full), np.int64)]
            prob = np.r_[prob, np.zeros(n_orgs - len(prob), np.int64)]
            if len(children):
                # Branches of a committee share its members; the committee row keeps the total.
                cs = self.child_cumshare
                prev_cs = np.r_[0.0, cs[:-1]]
                prev_cs = np.where(self.child_no == 1, 0.0, prev_cs)
                for arr in (full, prob):
                    total = arr[parent[children]]
                    arr[children] = np.floor(total * cs + 1e-9) - np.floor(total * prev_cs + 1e-9)
            last_day = _dec31(y).astype(np.int64)
            held = (elections[idx] <= last_day).sum(axis=1)
            last = elections[idx, np.maximum(held - 1, 0)]
            for k, v in (("org", idx), ("year", np.full(len(idx), y)), ("lead", lead[idx]), ("last", last),
                         ("star", star[idx]), ("full", full[idx]), ("prob", prob[idx]),
                         ("host", self.host_in(y)[idx])):
                rows[k].append(v)
        self.org_rows = {k: np.concatenate(v) for k, v in rows.items()}
        self.org_name = name
        self.org_term = term

    @property
    def child_no(self):
        return self.org["child_no"][self.org["parent"] >= 0]

    def host_in(self, y: int) -> np.ndarray:
        """Each organisation's host school in year y (a joint organisation's host can change)."""
        host = self.org["host"].copy()
        host[self.group_org] = self.hosts_by_year[y]
        return host

    def _org_names(self, o) -> pa.Array:
        host = o["host"]
        n = len(host)
        school = _at(self.school_name, host)
        cn = _at(self.county_name, self.county[host])
        tn = _at(self.t_names, self.township[host])
        own = o["formation"] == OWN
        otype = o["type"]
        child = o["parent"] >= 0
        # Joint organisations are named after their township (or, for private schools, their county)
        # and the kind of school; attached ones after the township's education branch.
        grouped = ~own
        members_kg = np.zeros(n, bool)
        if self.G:
            g_of = self.group_of
            only_kg = np.bincount(g_of[g_of >= 0], weights=self.stage[g_of >= 0] != KG, minlength=self.G) == 0
            gi = np.flatnonzero(grouped)
            members_kg[gi] = only_kg[np.searchsorted(self.group_org, gi)]
        joint = grouped & (o["formation"] == JOINT)
        attached = grouped & (o["formation"] == ATTACHED)
        kind = _at(["学校", "幼儿园"], members_kg.astype(np.int64))
        place = pc.if_else(pa.array(self.private[host]), "民办", tn)
        base = _compose(n, [(np.ones(n, bool), (cn, tn, "教育")), (joint, (cn, place, kind))])
        k = np.zeros(n, dtype=np.int64)
        gi = np.flatnonzero(grouped)
        base_codes = pd.Series(pd.array(base, dtype="str")).factorize()[0]
        k[gi] = _rank_in_groups(base_codes[gi], o["formation"][gi])
        ordinal = _compose(n, [(np.ones(n, bool), ("",)), (k > 0, ("第", _cn(k + 1)))])
        return _compose(n, [
            (own, ("中共", school, "支部委员会")),
            (otype == GENERAL, ("中共", school, "总支部委员会")),
            (otype == COMMITTEE, ("中共", school, "委员会")),
            (child, ("中共", school, "第", _cn(o["child_no"]), "支部委员会")),
            (joint, ("中共", base, ordinal, "联合支部委员会")),
            (attached, ("中共", base, ordinal, "支部委员会")),
        ])

    # -- honours ------------------------------------------------------------------------------------
    def honors(self):
        rng, y0, y1 = self.rng, self.y0, self.y1
        o = self.org
        host = o["host"]
        top = o["parent"] < 0
        first = o["first_year"]
        otype, formation = o["type"], o["formation"]
        recs = []  # (school, org, kind, level, year, revoked)

        def add(school, org, kind, level, year, revoked=None):
            k = len(school)
            recs.append((np.asarray(school), np.asarray(org), np.full(k, kind), np.asarray(level),
                         np.asarray(year), np.full(k, -1) if revoked is None else np.asarray(revoked)))

        # 党建示范校: the published number of schools hold one as of the first year, never revoked;
        # schools are picked among organisation hosts, larger organisations more often.
        hosts0 = np.flatnonzero(top & (first == y0))
        w = np.select([otype[hosts0] == COMMITTEE, otype[hosts0] == GENERAL, formation[hosts0] == OWN],
                      [8.0, 5.0, 2.0], 0.5) * np.where(self.private[host[hosts0]], 0.3, 1.0)
        chosen = host[hosts0[_weighted_pick(rng, w, self.scaled("demo_schools"))]]
        k = len(chosen)
        level = np.where(rng.random(k) < 0.7, COUNTY, CITY)
        year = rng.integers(y0 - 3, y0 + 1, k)
        add(chosen, np.full(k, -1), DEMO, level, year)
        up = (rng.random(k) < 0.35) & (year < y0)
        level_up = np.maximum(level[up] - 1, PROVINCIAL)
        add(chosen[up], np.full(up.sum(), -1), DEMO, level_up, rng.integers(year[up] + 1, y0 + 1))
        best = np.full(self.N, -1)
        best[chosen] = level
        best[chosen[up]] = level_up

        for y in self.years:
            alive = np.flatnonzero(top & (first <= y))
            host_y = self.host_in(y)
            cand = np.unique(host_y[alive])
            if y > y0:
                fresh = cand[best[cand] < 0]
                k = min(len(fresh), int(round(0.009 * self.n)) + int(rng.integers(0, 3)))
                pick = rng.choice(fresh, size=k, replace=False)
                level = np.where(rng.random(k) < 0.8, COUNTY, CITY)
                revoked = np.where(rng.random(k) < 0.04, y + rng.integers(1, 4, k), -1)
                revoked = np.where(revoked > y1, -1, revoked)
                add(pick, np.full(k, -1), DEMO, level, np.full(k, y), revoked)
                best[pick] = np.where(revoked < 0, level, best[pick])
                held = np.flatnonzero(best > NATIONAL)
                up = held[rng.random(len(held)) < np.where(best[held] == PROVINCIAL, 0.01, 0.07)]
                add(up, np.full(len(up), -1), DEMO, best[up] - 1, np.full(len(up), y))
                best[up] -= 1

            # 一校一品 brands, recognised at a level.
            k = min(len(cand), int(round(0.008 * self.n)) + 1)
            pick = rng.choice(cand, size=k, replace=False)
            add(pick, np.full(k, -1), BRAND, rng.choice(4, size=k, p=[0.01, 0.09, 0.35, 0.55]), np.full(k, y))

            # Organisation titles: 先进基层党组织 every year, 最强党支部 from the campaign's start.
            k = min(len(alive), int(round(0.02 * len(alive))) + 1)
            pick = rng.choice(alive, size=k, replace=False)
            add(np.where(rng.random(k) < 0.5, host_y[pick], -1), pick, ADVANCED,
                rng.choice(4, size=k, p=[0.01, 0.09, 0.30, 0.60]), np.full(k, y))
            if y >= y0 + 2:
                branches = np.flatnonzero((first <= y) & (otype == BRANCH))
                k = min(len(branches), int(round(0.03 * len(branches))) + 1)
                pick = rng.choice(branches, size=k, replace=False)
                add(np.where(rng.random(k) < 0.6, host_y[pick], -1), pick, STRONGEST,
                    rng.choice([CITY, COUNTY], size=k, p=[0.3, 0.7]), np.full(k, y))

        school, org, kind, level, year, revoked = (np.concatenate(x) for x in zip(*recs))
        # A school holds a demonstration title or a brand once per level (organisations may be
        # honoured again in another year).
        key = pd.DataFrame({"s": school, "o": org, "k": kind, "l": level})
        keep = ~(key.duplicated().to_numpy() & ((kind == DEMO) | (kind == BRAND)))
        school, org, kind, level, year, revoked = (a[keep] for a in (school, org, kind, level, year, revoked))
        order = np.lexsort((school, kind, year))
        self.honor_rows = {"school": school[order], "org": org[order], "kind": kind[order],
                           "level": level[order], "year": year[order], "revoked": revoked[order]}

    def _honor_titles(self, h) -> pa.Array:
        rng = self.rng
        school, org, kind, level = h["school"], h["org"], h["kind"], h["level"]
        n = len(kind)
        owner = np.where(school >= 0, school, self.org["host"][np.maximum(org, 0)])
        c = self.county[owner]
        province = [PROVINCES[p] for p in self.county_prov]
        body = _compose(n, [
            (np.ones(n, bool), (_at(self.county_name, c),)),
            (level == CITY, (_at(self.city_name, c),)),
            (level == PROVINCIAL, (_at(province, c),)),
            (level == NATIONAL, ("全国",)),
        ])
        kg = self.stage[owner] == KG
        brands = _at(_PARTY_BRANDS, rng.integers(0, len(_PARTY_BRANDS), n))
        demo = kind == DEMO
        return _compose(n, [
            (demo, (body, "中小学党建示范校")),
            (demo & kg, (body, "中小学党建示范园")),
            (demo & (level == NATIONAL), (body, "中小学校党建工作示范校")),
            (kind == BRAND, (body, "“一校一品”党建品牌:", brands)),
            (kind == STRONGEST, (body, "教育系统“最强党支部”")),
            (kind == ADVANCED, (body, "先进基层党组织")),
        ])

    # -- the tables ---------------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        regions = pd.DataFrame({
            "county_code": _s(self.county_code), "county_name": _s(self.county_name),
            "city_code": _s(self.city_code), "city_name": _s(self.city_name),
            "sort_order": np.arange(1, self.K + 1, dtype=np.int64),
        })
        closed = pd.array(np.where(self.closed < 0, 0, self.closed), dtype="Int64")
        closed[self.closed < 0] = pd.NA
        schools = pd.DataFrame({
            "school_id": _s(self.school_id), "school_name": _s(self.school_name),
            "county_code": _labels(self.county_code, self.county),
            "township": _labels(self.t_names, self.township),
            "stage": _labels(contract.STAGES, self.stage),
            "ownership": _labels(contract.OWNERSHIPS, self.private.astype(np.int64)),
            "locale": _labels(contract.LOCALES, self.locale),
            "opened_year": self.opened.astype(np.int64), "closed_year": closed,
        })
        r = self.rows
        org_ids = pa.array(np.char.add("O", np.char.zfill(np.arange(1, len(self.org["host"]) + 1).astype(str), 7))
                           .astype(object))
        school_years = pd.DataFrame({
            "school_id": _s(_at(self.school_id, r["school"])), "year": r["year"].astype(np.int64),
            "staff": r["staff"].astype(np.int64), "students": r["students"].astype(np.int64),
            "coverage": _labels(contract.COVERAGES, r["cov"]),
            "org_id": _s(_at(org_ids, np.where(r["cov"] <= ATTACHED, r["org"], -1))),
        })
        flow_columns = {"members_start": "start", "admitted": "admitted", "transferred_in": "tin",
                        "transferred_out": "tout", "deceased": "deceased", "other_exits": "other",
                        "members_end": "end", "probationary": "prob", "female": "female",
                        "aged_35_or_under": "young", "applicants": "applicants", "activists": "activists",
                        "candidates": "candidates", "admitted_backbone": "backbone"}
        member_flows = pd.DataFrame({"school_id": school_years["school_id"], "year": school_years["year"],
                                     **{c: r.pop(k).astype(np.int64) for c, k in flow_columns.items()}})

        q = self.org_rows
        oi = q["org"]
        o = self.org
        star = pd.array(np.where(q["star"] > 0, q["star"], 0), dtype="Int64")
        star[q["star"] <= 0] = pd.NA
        orgs = pd.DataFrame({
            "org_id": _s(_at(org_ids, oi)), "year": q["year"].astype(np.int64),
            "org_name": _s(_at(self.org_name, oi)),
            "org_type": _labels(contract.ORG_TYPES, o["type"][oi]),
            "parent_org_id": _s(_at(org_ids, o["parent"][oi])),
            "formation": _labels(contract.FORMATIONS, o["formation"][oi]),
            "host_school_id": _s(_at(self.school_id, q["host"])),
            "leadership": _labels(contract.LEADERSHIPS, q["lead"]),
            "established_date": o["established"][oi].astype("datetime64[s]"),
            "last_election_date": q["last"].astype("datetime64[D]").astype("datetime64[s]"),
            "term_years": self.org_term[oi].astype(np.int64),
            "star_rating": star,
            "full_members": q["full"].astype(np.int64),
            "probationary_members": q["prob"].astype(np.int64),
            "secretary_appointed_date": pd.Series(pd.NaT, index=range(len(oi)), dtype="datetime64[s]"),
        })

        h = self.honor_rows
        revoked = pd.array(np.where(h["revoked"] < 0, 0, h["revoked"]), dtype="Int64")
        revoked[h["revoked"] < 0] = pd.NA
        honors = pd.DataFrame({
            "honor_id": _s(np.char.add("H", np.char.zfill(np.arange(1, len(h["kind"]) + 1).astype(str), 8))),
            "school_id": _s(_at(self.school_id, h["school"])),
            "org_id": _s(_at(org_ids, h["org"])),
            "kind": _labels(contract.HONOR_KINDS, h["kind"]),
            "level": _labels(contract.LEVELS, h["level"]),
            "year_awarded": h["year"].astype(np.int64),
            "title": _s(self._honor_titles(h)),
            "revoked_year": revoked,
        })
        out = {"regions": regions, "schools": schools, "school_years": school_years, "orgs": orgs,
               "member_flows": member_flows, "honors": honors,
               "org_activities": pd.DataFrame(columns=contract.ORG_ACTIVITIES.names)}
        return {name: out[name][contract.TABLES[name].names] for name in contract.TABLES}
