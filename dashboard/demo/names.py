"""Identifiers and names: 学校标识码, school names, organisation names and honour titles.

Every name is fictional, made from township, village and brand syllables; names are unique per school.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.demo import arrays
from dashboard.demo.arrays import at, cat, cn, compose
from dashboard.demo.codes import (
    ADVANCED, ATTACHED, BRAND, CITY, COMMITTEE, COMP, DEMO, GENERAL, JOINT, JUN, KG, NATIONAL, NINE, OWN,
    PRI, PROVINCIAL, SEN, SPE, STRONGEST, SYSTEM, TWELVE, TYPE_CODE, URBAN, VOC,
)
from dashboard.demo.regions import Regions, Townships
from dashboard.demo.schools import Schools

_VILLAGE_HEAD = "王李张刘陈杨赵周吴徐孙胡朱郭何罗林冯韩曹彭谢唐许邓田东西南前后新老红双三五花竹茶桑杏枣松柏"
_VILLAGE_TAIL = "湾庄坪沟河营岭坡塬峪寨店桥院垣川台铺岔滩园村"
_PRIVATE_BRANDS = ("阳光", "小天使", "金太阳", "启蒙", "童心", "蓝天", "七彩", "爱心", "育才", "小博士",
                   "贝贝", "新星", "博雅", "彩虹", "未来星", "童乐", "智慧树", "明德", "华英", "求实",
                   "英才", "春晖", "星辰", "金色摇篮", "欣欣", "苗苗", "启航", "培英", "立人", "致远")
_PARTY_BRANDS = ("红烛先锋", "书香党建", "红心向党育新人", "党旗红·立德树人", "红色引擎", "先锋园丁",
                 "党建+德育", "春蕾绽放", "红色文化进校园", "秦岭红烛", "丹江先锋", "党员示范岗",
                 "支部建在年级上", "红领巾心向党", "初心课堂", "红心育苗", "党旗领航", "匠心育人",
                 "红色基因代代传", "同心圆", "先锋引领·质量立校", "一支部一品牌")
# A school's kind as its name ends, by stage code (used to tell duplicates apart).
_STAGE_SUFFIX = np.array(["幼儿园", "小学", "初级中学", "九年制学校", "高级中学", "中学", "十二年制学校",
                          "职业技术学校", "特殊教育学校"], dtype=object)
_SEQUENCE_MAX = 999_999  # the 6-digit sequence of a 学校标识码


@dataclass(frozen=True)
class SchoolNames:
    school_id: pa.Array
    school_name: pa.Array


def school_names(regions: Regions, towns: Townships, schools: Schools, rng) -> SchoolNames:
    N = len(schools)
    c = schools.county
    # 学校标识码: type code + province + a distinct 6-digit sequence per (type, province).
    type_code = TYPE_CODE[schools.stage]
    prov = regions.province[c]
    seq = np.zeros(N, dtype=np.int64)
    key = type_code * 100 + prov
    for k in np.unique(key):
        idx = np.flatnonzero(key == k)
        seq[idx] = rng.choice(_SEQUENCE_MAX, size=len(idx), replace=False) + 1
    school_id = pa.array(np.char.add(np.char.add(type_code.astype(str), np.char.zfill(prov.astype(str), 2)),
                                     np.char.zfill(seq.astype(str), 6)).astype(object))
    return SchoolNames(school_id=school_id, school_name=_school_names(regions, towns, schools, rng))


def _school_names(regions: Regions, towns: Townships, schools: Schools, rng) -> pa.Array:
    N = len(schools)
    stage, locale, private, c = schools.stage, schools.locale, schools.private, schools.county
    cnm = at(regions.name, c)
    tn = at(towns.names, schools.township)
    ts = pc.replace_substring_regex(tn, pattern="(街道|镇)$", replacement="")
    cshort = pc.replace_substring_regex(cnm, pattern="^(.{2})[县区]$", replacement="\\1")
    villages = pa.array([a + b for a in _VILLAGE_HEAD for b in _VILLAGE_TAIL])
    vn = at(villages, rng.integers(0, len(villages), N))
    brand = at(_PRIVATE_BRANDS, rng.integers(0, len(_PRIVATE_BRANDS), N))
    urban = locale == URBAN
    public = ~private
    # Ordinals among public schools of a kind: 第二小学, 第三幼儿园 … (first schools first; a school
    # that will close never takes first place, so no township loses its 中心小学).
    seniority = np.lexsort((schools.opened, schools.closed >= 0, stage, c))
    rank_county = np.empty(N, dtype=np.int64)
    rank_county[seniority] = arrays.rank_in_groups(c[seniority], stage[seniority], urban[seniority],
                                                   private[seniority])
    rank_town = np.empty(N, dtype=np.int64)
    rank_town[seniority] = arrays.rank_in_groups(schools.township[seniority], stage[seniority],
                                                 private[seniority])
    hub = public & (rank_town == 0) & ~urban  # the township's central school of its stage
    k_county = cn(rank_county + 1)
    k_town = cn(rank_town + 1)
    comp = (stage == COMP) | (stage == TWELVE)
    name = compose(N, [
        (stage == KG, (cnm, tn, vn, "幼儿园")),
        ((stage == KG) & hub, (cnm, tn, "中心幼儿园")),
        ((stage == KG) & public & urban, (cnm, ts, "第", k_town, "幼儿园")),
        ((stage == KG) & private, (cnm, ts, brand, "幼儿园")),
        (stage == PRI, (cnm, tn, vn, "小学")),
        ((stage == PRI) & hub, (cnm, tn, "中心小学")),
        ((stage == PRI) & public & urban, (cnm, ts, "第", k_town, "小学")),
        ((stage == PRI) & private, (cnm, brand, "小学")),
        (stage == JUN, (cnm, ts, "第", k_town, "初级中学")),
        ((stage == JUN) & (rank_town == 0) & ~urban, (cnm, ts, "初级中学")),
        ((stage == JUN) & public & urban, (cnm, "第", k_county, "初级中学")),
        ((stage == JUN) & private, (cnm, brand, "中学")),
        (stage == NINE, (cnm, tn, vn, "九年制学校")),
        ((stage == NINE) & hub, (cnm, tn, "中心学校")),
        ((stage == NINE) & private, (cnm, brand, "学校")),
        (stage == SEN, (cnm, ts, "高级中学")),
        ((stage == SEN) & urban, (cnm, "第", k_county, "高级中学")),
        ((stage == SEN) & urban & (rank_county == 0), (cshort, "中学")),
        ((stage == SEN) & private, (cnm, brand, "高级中学")),
        (comp, (cnm, "第", k_county, "中学")),
        (comp & private, (cnm, brand, "中学")),
        (stage == VOC, (cnm, ts, "职业中学")),
        ((stage == VOC) & public & (rank_county == 0), (cnm, "职业教育中心")),
        ((stage == VOC) & private, (cnm, brand, "职业技术学校")),
        (stage == SPE, (cnm, ts, "特殊教育学校")),
        ((stage == SPE) & (rank_county == 0), (cnm, "特殊教育学校")),
    ])

    # Duplicates (two 阳光幼儿园 in one township …) take a village name until every name is unique.
    suffix = at(_STAGE_SUFFIX, stage)
    for attempt in range(30):
        dup = pd.Series(pd.array(name, dtype="str")).duplicated(keep="first").to_numpy()
        if not dup.any():
            break
        idx = pa.array(np.flatnonzero(dup))
        v = at(villages, rng.integers(0, len(villages), len(idx)))
        extra = "" if attempt < 10 else cn(rng.integers(2, 99, len(idx)))
        fix = cat(pc.take(cnm, idx), pc.take(tn, idx), v, extra, pc.take(suffix, idx))
        name = pc.replace_with_mask(name, pa.array(dup), fix)
    return name


def org_names(regions: Regions, towns: Townships, schools: Schools, names: SchoolNames, orgs, history) -> pa.Array:
    """"中共某某小学支部委员会", "中共某县某镇教育联合支部委员会" …: one name per organisation.

    Joint organisations are named after their township (or, for private schools, their county) and
    the kind of school they gather, as the groups stand at the end of the years."""
    host = orgs.host
    n = len(host)
    school = at(names.school_name, host)
    cnm = at(regions.name, schools.county[host])
    tn = at(towns.names, schools.township[host])
    own = orgs.formation == OWN
    otype = orgs.type
    child = orgs.parent >= 0
    grouped = ~own
    members_kg = np.zeros(n, bool)
    G = len(history.group_org)
    if G:
        g_of = history.group_of
        only_kg = np.bincount(g_of[g_of >= 0], weights=schools.stage[g_of >= 0] != KG, minlength=G) == 0
        gi = np.flatnonzero(grouped)
        members_kg[gi] = only_kg[np.searchsorted(history.group_org, gi)]
    joint = grouped & (orgs.formation == JOINT)
    attached = grouped & (orgs.formation == ATTACHED)
    kind = at(["学校", "幼儿园"], members_kg.astype(np.int64))
    place = pc.if_else(pa.array(schools.private[host]), "民办", tn)
    base = compose(n, [(np.ones(n, bool), (cnm, tn, "教育")), (joint, (cnm, place, kind))])
    k = np.zeros(n, dtype=np.int64)
    gi = np.flatnonzero(grouped)
    base_codes = pd.Series(pd.array(base, dtype="str")).factorize()[0]
    k[gi] = arrays.rank_in_groups(base_codes[gi], orgs.formation[gi])
    ordinal = compose(n, [(np.ones(n, bool), ("",)), (k > 0, ("第", cn(k + 1)))])
    return compose(n, [
        (own, ("中共", school, "支部委员会")),
        (otype == GENERAL, ("中共", school, "总支部委员会")),
        (otype == COMMITTEE, ("中共", school, "委员会")),
        (child, ("中共", school, "第", cn(orgs.child_no), "支部委员会")),
        (joint, ("中共", base, ordinal, "联合支部委员会")),
        (attached, ("中共", base, ordinal, "支部委员会")),
    ])


def honour_titles(regions: Regions, schools: Schools, orgs, h: dict[str, np.ndarray], rng) -> pa.Array:
    """"某县中小学党建示范校", "某市“一校一品”党建品牌：…" …: the awarding body's place and the title."""
    school, org, kind, level = h["school"], h["org"], h["kind"], h["level"]
    n = len(kind)
    owner = np.where(school >= 0, school, orgs.host[np.maximum(org, 0)])
    c = schools.county[owner]
    province = list(regions.province_name)
    body = compose(n, [
        (np.ones(n, bool), (at(regions.name, c),)),
        (level == CITY, (at(regions.city_name, c),)),
        (level == PROVINCIAL, (at(province, c),)),
        (level == NATIONAL, ("全国",)),
    ])
    kg = schools.stage[owner] == KG
    brands = at(_PARTY_BRANDS, rng.integers(0, len(_PARTY_BRANDS), n))
    demo = kind == DEMO
    return compose(n, [
        (demo, (body, "中小学党建示范校")),
        (demo & kg, (body, "中小学党建示范园")),
        (demo & (level == NATIONAL), (body, "中小学校党建工作示范校")),
        (kind == BRAND, (body, "“一校一品”党建品牌：", brands)),
        (kind == STRONGEST, (body, "教育系统“最强党支部”")),
        (kind == ADVANCED, (body, "先进基层党组织")),
        # 系统级: the county's education system's own Party committee (教育工委) awards it.
        ((kind == STRONGEST) & (level == SYSTEM), (body, "教育工委“最强党支部”")),
        ((kind == ADVANCED) & (level == SYSTEM), (body, "教育工委先进基层党组织")),
    ])
