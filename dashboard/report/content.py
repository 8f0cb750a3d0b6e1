"""What a report pack says, as plain values: paragraphs, charts and tables per theme.

Built once from the same queries, headline figures and summary paragraphs as the pages, then
written out as Word, Excel and images by the writers, so the document, the workbook and the
dashboard never disagree. No Streamlit here: `get` is `data.query` in the app and
`db.runner(con)` in the command line and tests.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, contract, summary
from dashboard.figures import Getter, Headline, headline
from dashboard.metrics import Rate, change, rate_change
from dashboard.scope import Scope

LEVELS = (("national", "国家级"), ("provincial", "省级"), ("city", "市级"), ("county_level", "县级"))
ORG_TYPES, FORMATIONS = contract.ORG_TYPES, contract.FORMATIONS
NUMERALS = "一二三四五六七八九十"
# Long name lists would swamp the document; the workbook always has them in full.
DOC_MAX_ROWS = 30
ALL = "全部"


@dataclass
class Chart:
    """A chart's title (also its file name) and how to draw it: figures are built only when
    the pack renders images, as building a dozen plotly figures costs more than the queries."""
    title: str
    build: Callable[[], go.Figure]

    @functools.cached_property
    def figure(self) -> go.Figure:
        return self.build()


@dataclass
class Table:
    """Rows of typed cells: int, str, Rate, date or None. Writers format each type their own way
    (a Rate is "73.6%(335/455)" in Word and a number with a % format in Excel)."""
    title: str
    columns: list[str]
    rows: list[list]
    doc_columns: list[str] | None = None  # the subset that fits on a portrait page
    doc_max_rows: int | None = None
    note: str = ""


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    scope: Scope
    subject: str  # "全市", "山阳县", "山阳县公办小学": the subject of every sentence
    city: str
    title: str
    subtitle: str
    filters: list[tuple[str, str]]
    generated: dt.date
    demo: bool
    empty_message: str = ""  # set when the scope holds no schools: the pack says so instead of failing
    key_figures: Table | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return bool(self.empty_message)

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]

    @property
    def tables(self) -> list[Table]:
        return ([self.key_figures] if self.key_figures else []) + [t for s in self.sections for t in s.tables]

    @property
    def paragraphs(self) -> list[str]:
        return [p for s in self.sections for p in s.paragraphs]


# Scope words ----------------------------------------------------------------------------------
def scope_words(scope: Scope, counties: pd.DataFrame, all_counties: tuple[str, ...]) -> tuple[str, str]:
    """(subject, city): "全市" only when the caller sees every county; a caller who sees part of
    the city gets their counties named, so a pack never claims more than it covers."""
    names = dict(zip(counties["county_code"], counties["county_name"]))
    cities = list(dict.fromkeys(counties["city_name"]))
    city = cities[0] if len(cities) == 1 else "全辖区"
    citywide = "全市" if len(cities) <= 1 else "全辖区"
    if scope.county:
        place = names.get(scope.county, scope.county)
    elif set(all_counties) <= set(scope.visible_counties):
        place = None
    elif not names:
        place = "(无可查看的县区)"
    elif len(names) <= 3:
        place = "、".join(names.values())
    else:
        place = f"{next(iter(names.values()))}等{len(names)}个县区"
    return summary.scope_label(scope, place, citywide), city


def filter_rows(scope: Scope, counties: pd.DataFrame, all_counties: tuple[str, ...]) -> list[tuple[str, str]]:
    names = dict(zip(counties["county_code"], counties["county_name"]))
    if set(all_counties) <= set(scope.visible_counties):
        visible = f"全部{len(all_counties)}个县区"
    else:
        visible = "、".join(names.get(c, c) for c in scope.visible_counties) or "无"
    rows = [
        ("年度", f"{scope.year}年"),
        ("县区", names.get(scope.county, scope.county) if scope.county else ALL),
        ("乡镇(街道)", scope.township or ALL),
        ("学段", scope.stage or ALL),
        ("办学性质", scope.ownership or ALL),
        ("城乡分类", scope.locale or ALL),
    ]
    # With no county chosen, "全部" means the counties the caller may see; say which they are.
    return rows if scope.county else [*rows, ("包含的县区", visible)]


# Building ---------------------------------------------------------------------------------------
def build_report(get: Getter, scope: Scope, *, all_counties: tuple[str, ...], demo: bool,
                 today: dt.date | None = None) -> Report:
    today = today or dt.date.today()
    counties = get("counties", None, visible=list(scope.visible_counties))
    subject, city = scope_words(scope, counties, all_counties)
    report = Report(
        scope=scope, subject=subject, city=city,
        # "全市小学党建…", not "全市小学中小学校党建…".
        title=f"{scope.year}年{subject}{'' if scope.stage else '中小学校'}党建工作情况报告",
        subtitle=f"{city} · 数据截至{scope.year}年12月31日 · {today.year}年{today.month}月{today.day}日生成",
        filters=filter_rows(scope, counties, all_counties), generated=today, demo=demo)
    h = headline(get, scope)
    if h.current is None:
        report.empty_message = (f"当前筛选范围内没有学校({scope.year}年 · {subject}),"
                                f"没有可汇总的党建数据。请调整筛选条件后重新生成。")
        return report
    # Per-county breakdowns only say something when the scope spans more than one county.
    multi = scope.county is None and len(counties) > 1
    report.key_figures = _key_figures(h)
    report.sections = [
        _coverage(get, scope, h, subject, multi),
        _organisations(get, scope, h, subject, multi),
        _leadership(get, scope, h, subject, multi),
        _demonstration(get, scope, h, subject, multi),
        _members(get, scope, h, subject, multi),
        _action_lists(get, scope, subject),
    ]
    for i, s in enumerate(report.sections):
        s.heading = f"{NUMERALS[i]}、{s.heading}"
    return report


def _key_figures(h: Headline) -> Table:
    c, p = h.current, h.previous
    rows = []

    def counted(name, unit, attr):
        cur, prev = getattr(c, attr), getattr(p, attr) if p else None
        rows.append([name, unit, cur, None, None, prev, change(cur, prev, unit)])

    def rated(name, attr):
        cur, prev = getattr(c, attr), getattr(p, attr) if p else None
        rows.append([name, "%", cur, cur.num, cur.den, prev, rate_change(cur, prev)])

    counted("学校数", "所", "schools")
    rated("党组织覆盖率", "org_coverage")
    rated("党的工作覆盖率", "work_coverage")
    counted("一级党组织数", "个", "orgs")
    counted("其中:党委", "个", "committees")
    counted("党总支", "个", "general_branches")
    counted("党支部", "个", "branches")
    counted("单独建立党组织", "个", "standalone")
    counted("联合组建、挂靠组建党组织", "个", "joint_or_attached")
    counted("公办学校党组织", "个", "hosted_public")
    counted("民办学校党组织", "个", "hosted_private")
    rated("书记、校长“一肩挑”比例", "combined")
    rated("书记、校长分设比例", "separate")
    rated("书记空缺比例", "vacant")
    counted("党建示范校(累计)", "所", "demo_schools")
    counted("当年新增党建示范校", "所", "demo_new")
    counted("参加星级评定的党组织", "个", "rated")
    counted("五星级党组织", "个", "five_star")
    counted("党员数(年末)", "名", "members")
    counted("新发展党员", "名", "admitted")
    counted("党员净增", "名", "net_growth")
    rated("党员增长率", "growth")
    per, per_prev = c.per_100_staff, p.per_100_staff if p else None
    rows.append(["每百名教职工党员数", "名", per, per.num, per.den, per_prev, _per_100_change(per, per_prev)])
    rated("“双培养”占新发展党员比例", "backbone")
    columns = ["指标", "单位", f"{c.year}年", "分子", "分母", f"{c.year - 1}年", "较上年"]
    note = "比例的分子、分母见统计表“表1”;每百名教职工党员数 = 100 × 党员数 ÷ 教职工数。"
    if p is None:
        # The extract's first year (or a scope with no schools the year before): no columns of dashes.
        note += f"{c.year - 1}年没有可比较的数据。"
        return Table("主要指标", columns[:5], [r[:5] for r in rows], doc_columns=["指标", "单位", f"{c.year}年"],
                     note=note)
    return Table("主要指标", columns, rows, doc_columns=["指标", "单位", f"{c.year}年", f"{c.year - 1}年", "较上年"],
                 note=note)


def _per_100_change(cur: Rate, prev: Rate | None) -> str:
    if prev is None or not cur.defined or not prev.defined:
        return ""
    d = cur.rounded() - prev.rounded()
    return "与上年持平" if d == 0 else f"较上年{'增加' if d > 0 else '减少'}{abs(d)}名"


# Sections ---------------------------------------------------------------------------------------
def _coverage(get, scope, h, who, multi) -> Section:
    y = scope.year
    section = Section("党组织覆盖情况", [summary.coverage_paragraph(h, who, scope)])
    by_county = get("coverage_by_county", scope)
    by_stage = _stage_ordered(get("coverage_by_stage", scope))
    if multi:
        section.charts.append(Chart(f"{y}年{who}党组织覆盖率(按县区)", lambda: charts.rate_ranking(
            by_county["county_name"], by_county["org_covered"], by_county["schools"],
            f"{y}年{who}党组织覆盖率(按县区)")))
    if len(by_stage):
        section.charts.append(Chart(f"{y}年{who}学校覆盖方式(按学段)", lambda: charts.stacked_bars(
            by_stage["stage"], {"单独建立": by_stage["standalone"], "联合或挂靠建立": by_stage["joint_or_attached"],
                                "党建指导员": by_stage["adviser"], "未覆盖": by_stage["uncovered"]},
            f"{y}年{who}学校覆盖方式(按学段)", "所", horizontal=True)))
    cols = ["学校数(所)", "党组织覆盖学校数(所)", "党组织覆盖率", "党的工作覆盖学校数(所)", "党的工作覆盖率"]

    def cov_row(first, r):
        return [first, _i(r["schools"]), _i(r["org_covered"]), Rate(_i(r["org_covered"]), _i(r["schools"])),
                _i(r["work_covered"]), Rate(_i(r["work_covered"]), _i(r["schools"]))]

    if multi:
        rows = [cov_row(r["county_name"], r) for _, r in by_county.iterrows()]
        rows.append(_total_row("合计", rows, {3: (2, 1), 5: (4, 1)}))
        section.tables.append(Table("各县区党组织覆盖情况", ["县区", *cols], rows))
    rows = [cov_row(r["stage"], r) + [_i(r["standalone"]), _i(r["joint_or_attached"]), _i(r["adviser"]),
                                       _i(r["uncovered"])] for _, r in by_stage.iterrows()]
    if rows:
        rows.append(_total_row("合计", rows, {3: (2, 1), 5: (4, 1)}))
    section.tables.append(Table(
        "各学段党组织覆盖情况",
        ["学段", *cols, "单独建立(所)", "联合或挂靠建立(所)", "党建指导员(所)", "未覆盖(所)"], rows,
        doc_columns=["学段", "学校数(所)", "党组织覆盖率", "党的工作覆盖率", "单独建立(所)", "联合或挂靠建立(所)"]))
    return section


def _organisations(get, scope, h, who, multi) -> Section:
    y = scope.year
    section = Section("党组织设置情况", [summary.organisations_paragraph(h, who)])
    tf = get("orgs_by_type_formation", scope)
    if len(tf):
        pivot = tf.pivot_table(index="org_type", columns="formation", values="orgs", aggfunc="sum", fill_value=0)
        types = [t for t in ORG_TYPES if t in pivot.index]
        forms = [f for f in FORMATIONS if f in pivot.columns]
        section.charts.append(Chart(f"{y}年{who}一级党组织类型与组建方式", lambda: charts.stacked_bars(
            types, {f: [int(pivot.loc[t, f]) for t in types] for f in forms},
            f"{y}年{who}一级党组织类型与组建方式", "个")))
        rows = [[t, *(_i(pivot.loc[t, f]) if f in pivot.columns else 0 for f in FORMATIONS)] for t in types]
        rows = [r + [sum(r[1:])] for r in rows]
        rows.append(_total_row("合计", rows))
        section.tables.append(Table("一级党组织类型与组建方式",
                                    ["组织类型", *(f"{f}(个)" for f in FORMATIONS), "合计(个)"], rows))
    if multi:
        oc = get("orgs_by_county", scope)
        rows = [[r["county_name"], _i(r["orgs"]), _i(r["committees"]), _i(r["general_branches"]), _i(r["branches"]),
                 _i(r["standalone"]), _i(r["joint_or_attached"])] for _, r in oc.iterrows()]
        rows.append(_total_row("合计", rows))
        section.tables.append(Table("各县区一级党组织设置情况",
                                    ["县区", "党组织数(个)", "党委(个)", "党总支(个)", "党支部(个)", "单独建立(个)",
                                     "联合或挂靠建立(个)"], rows))
    return section


def _leadership(get, scope, h, who, multi) -> Section:
    y = scope.year
    text = summary.leadership_paragraph(h, who) or f"{who}没有依托学校建立的一级党组织,不计算“一肩挑”比例。"
    section = Section("书记、校长“一肩挑”情况", [text])
    parts = {"一肩挑": "combined", "分设": "separate", "书记空缺": "vacant"}
    by_county = get("orgs_by_county", scope)
    if multi:
        section.charts.append(Chart(f"{y}年{who}书记校长设置(按县区)", lambda: charts.stacked_bars(
            by_county["county_name"], {k: by_county[v] for k, v in parts.items()},
            f"{y}年{who}书记校长设置(按县区)", "个", percent=True, horizontal=True)))
    trend = get("orgs_by_year", scope)
    trend = trend[(trend["hosted"] > 0) & (trend["year"] <= y)]
    if len(trend) > 1:
        rates = {k: [Rate(_i(n), _i(d)) for n, d in zip(trend[v], trend["hosted"])] for k, v in parts.items()}
        title = f"{_years(trend['year'])}{who}书记校长设置变化趋势"
        section.charts.append(Chart(title, lambda: charts.trend(
            trend["year"], {k: [r.value for r in v] for k, v in rates.items()}, title, "%",
            percent=True, labels={k: [str(r) for r in v] for k, v in rates.items()})))
    cols = ["依托学校的一级党组织(个)", "一肩挑(个)", "一肩挑比例", "分设(个)", "分设比例", "书记空缺(个)", "书记空缺比例"]

    def lead_row(first, r):
        d = _i(r["hosted"])
        return [first, d, _i(r["combined"]), Rate(_i(r["combined"]), d), _i(r["separate"]), Rate(_i(r["separate"]), d),
                _i(r["vacant"]), Rate(_i(r["vacant"]), d)]

    rate_cols = {3: (2, 1), 5: (4, 1), 7: (6, 1)}
    doc = ["依托学校的一级党组织(个)", "一肩挑比例", "分设比例", "书记空缺比例"]
    if multi:
        rows = [lead_row(r["county_name"], r) for _, r in by_county.iterrows()]
        rows.append(_total_row("合计", rows, rate_cols))
        section.tables.append(Table("各县区书记校长设置情况", ["县区", *cols], rows, doc_columns=["县区", *doc]))
    by_stage = _stage_ordered(get("leadership_by_stage", scope))
    if len(by_stage):
        rows = [lead_row(r["stage"], r) for _, r in by_stage.iterrows()]
        rows.append(_total_row("合计", rows, rate_cols))
        section.tables.append(Table("各学段书记校长设置情况", ["学段", *cols], rows, doc_columns=["学段", *doc]))
    by_type = get("leadership_by_org_type", scope).set_index("org_type")
    types = [t for t in ORG_TYPES if t in by_type.index]
    if types:
        rows = [lead_row(t, by_type.loc[t]) for t in types]
        rows.append(_total_row("合计", rows, rate_cols))
        section.tables.append(Table("各类型党组织书记校长设置情况", ["组织类型", *cols], rows,
                                    doc_columns=["组织类型", *doc]))
    return section


def _demonstration(get, scope, h, who, multi) -> Section:
    y = scope.year
    section = Section("示范创建与星级评定情况", [summary.demonstration_paragraph(h, who)])
    demo_years = get("honors_by_year", scope, kind="党建示范校")
    brand_years = get("honors_by_year", scope, kind="一校一品")
    stars = get("star_ratings", scope)
    level_cols = [f"{name}(所)" for _, name in LEVELS]
    if multi:
        by_county = get("honors_by_county", scope, kind="党建示范校")
        section.charts.append(Chart(f"截至{y}年底{who}党建示范校(按县区)", lambda: charts.stacked_bars(
            by_county["county_name"], {name: by_county[k] for k, name in LEVELS},
            f"截至{y}年底{who}党建示范校(按县区)", "所", horizontal=True)))
        rows = [[r["county_name"], _i(r["schools"]), *(_i(r[k]) for k, _ in LEVELS), _i(r["new_schools"])]
                for _, r in by_county.iterrows()]
        rows.append(_total_row("合计", rows))
        section.tables.append(Table("各县区党建示范校", ["县区", "示范校(所)", *level_cols, f"{y}年新增(所)"], rows,
                                    note="每所学校按所获最高级别计一次;已撤销的称号不计。"))
    rated = stars[stars["star_rating"].notna()]
    if len(rated):
        section.charts.append(Chart(f"{y}年{who}一级党组织星级评定结果", lambda: charts.count_ranking(
            [f"{int(v)}星级" for v in rated["star_rating"]], rated["orgs"], f"{y}年{who}一级党组织星级评定结果", "个")))
    upto = demo_years[demo_years["year"] <= y]
    rows = [[f"{_i(r['year'])}年", _i(r["schools"]), *(_i(r[k]) for k, _ in LEVELS), _i(r["new_schools"])]
            for _, r in upto.iterrows()]
    section.tables.append(Table("党建示范校(按年度)", ["年度", "示范校累计(所)", *level_cols, "当年新增(所)"], rows))
    upto = brand_years[brand_years["year"] <= y]
    rows = [[f"{_i(r['year'])}年", _i(r["schools"]), *(_i(r[k]) for k, _ in LEVELS), _i(r["new_schools"])]
            for _, r in upto.iterrows()]
    section.tables.append(Table("一校一品品牌学校(按年度)", ["年度", "品牌学校累计(所)", *level_cols, "当年新增(所)"], rows))
    total = _i(stars["orgs"].sum())
    rated_total = _i(rated["orgs"].sum())
    rows = [[f"{int(v)}星级", _i(n), Rate(_i(n), rated_total)] for v, n in zip(rated["star_rating"], rated["orgs"])]
    rows.append(["未评定", total - rated_total, None])
    rows.append(["合计", total, None])
    section.tables.append(Table(f"{y}年一级党组织星级评定", ["星级", "党组织数(个)", "占参评党组织比例"], rows))
    return section


def _members(get, scope, h, who, multi) -> Section:
    y = scope.year
    section = Section("党员队伍建设情况", [summary.members_paragraph(h, who)])
    years = get("members_by_year", scope)
    years = years[years["year"] <= y]
    if len(years) > 1:
        title = f"{_years(years['year'])}{who}党员数变化"
        section.charts.append(Chart(title, lambda: charts.trend(
            years["year"], {"年末党员数": years["members_end"]}, title, "名",
            labels={"年末党员数": [f"{int(v)}名" for v in years["members_end"]]})))
    by_county = get("members_by_county", scope)
    if multi:
        section.charts.append(Chart(f"{y}年{who}党员数(按县区)", lambda: charts.count_ranking(
            by_county["county_name"], by_county["members_end"], f"{y}年{who}党员数(按县区)", "名")))
    row = years[years["year"] == y]
    if len(row):
        pipeline = [_i(row.iloc[0][k]) for k in ("applicants", "activists", "candidates", "admitted")]
        section.charts.append(Chart(f"{y}年{who}发展党员工作情况", lambda: charts.funnel(
            ["入党申请人", "入党积极分子", "发展对象", "新发展党员"], pipeline, f"{y}年{who}发展党员工作情况")))
    if multi:
        rows = [[r["county_name"], _i(r["members_start"]), _i(r["admitted"]), _i(r["transferred_in"]),
                 _i(r["transferred_out"]), _i(r["exits"]), _i(r["members_end"]), _i(r["net_growth"]),
                 Rate(_i(r["net_growth"]), _i(r["members_start"])), _i(r["staff"]),
                 Rate(_i(r["members_end"]), _i(r["staff"]), unit=""), _i(r["admitted_backbone"])]
                for _, r in by_county.iterrows()]
        rows.append(_total_row("合计", rows, {8: (7, 1), 10: (6, 9)}))
        section.tables.append(Table(
            "各县区党员队伍情况",
            ["县区", "年初党员数(名)", "新发展党员(名)", "转入(名)", "转出(名)", "死亡及其他减少(名)", "年末党员数(名)",
             "净增(名)", "增长率", "教职工数(名)", "每百名教职工党员数(名)", "发展业务骨干(名)"], rows,
            doc_columns=["县区", "年末党员数(名)", "新发展党员(名)", "净增(名)", "增长率", "每百名教职工党员数(名)"]))
    rows = [[f"{_i(r['year'])}年", _i(r["members_start"]), _i(r["admitted"]), _i(r["transferred_in"]),
             _i(r["transferred_out"]), _i(r["deceased"]) + _i(r["other_exits"]), _i(r["members_end"]),
             _i(r["net_growth"]), Rate(_i(r["net_growth"]), _i(r["members_start"])), _i(r["probationary"]),
             _i(r["female"]), _i(r["aged_35_or_under"]), _i(r["applicants"]), _i(r["activists"]), _i(r["candidates"]),
             _i(r["admitted_backbone"]), Rate(_i(r["admitted_backbone"]), _i(r["admitted"])), _i(r["staff"]),
             Rate(_i(r["members_end"]), _i(r["staff"]), unit="")] for _, r in years.iterrows()]
    section.tables.append(Table(
        "党员队伍情况(按年度)",
        ["年度", "年初党员数(名)", "新发展党员(名)", "转入(名)", "转出(名)", "死亡及其他减少(名)", "年末党员数(名)",
         "净增(名)", "增长率", "预备党员(名)", "女党员(名)", "35岁及以下(名)", "入党申请人(名)", "入党积极分子(名)",
         "发展对象(名)", "发展业务骨干(名)", "“双培养”占新发展党员比例", "教职工数(名)", "每百名教职工党员数(名)"], rows,
        doc_columns=["年度", "年末党员数(名)", "新发展党员(名)", "净增(名)", "增长率", "每百名教职工党员数(名)"]))
    return section


def _action_lists(get, scope, who) -> Section:
    y = scope.year
    elections = get("elections_due", scope)
    mismatch = get("org_type_mismatch", scope)
    need = get("schools_needing_own_org", scope)
    uncovered = get("schools_not_covered", scope)
    overdue = int((elections["status"] == "已逾期").sum())
    text = summary.action_lists_paragraph(y, who, overdue, len(elections) - overdue, len(mismatch), len(need),
                                          len(uncovered))
    section = Section("需要跟进的问题", [text])
    section.tables.append(_list_table(
        "换届提醒", elections,
        [("status", "状态"), ("org_name", "党组织名称"), ("org_type", "组织类型"), ("county_name", "县区"),
         ("township", "乡镇(街道)"), ("host_school_name", "依托学校"), ("last_election_date", "上次换届日期"),
         ("term_years", "任期(年)"), ("due_date", "应换届日期")],
        doc=["状态", "党组织名称", "县区", "上次换届日期", "应换届日期"],
        note=f"应换届日期 = 上次换届日期 + 任期;早于{y}年底为已逾期,{y + 1}年6月30日前到期为即将到期。"))
    section.tables.append(_list_table(
        "组织类型与党员规模不符", mismatch,
        [("org_name", "党组织名称"), ("org_type", "组织类型"), ("members", "党员数(名)"), ("finding", "问题"),
         ("county_name", "县区"), ("township", "乡镇(街道)"), ("host_school_name", "依托学校")],
        doc=["党组织名称", "组织类型", "党员数(名)", "问题", "县区"],
        note="党支部一般3—50人;党总支一般50—100人;党委一般100人以上。"))
    section.tables.append(_list_table(
        "应单独建立党组织的学校", need,
        [("school_name", "学校名称"), ("school_id", "学校标识码"), ("county_name", "县区"), ("township", "乡镇(街道)"),
         ("stage", "学段"), ("coverage", "覆盖方式"), ("covering_org", "所在党组织"), ("full_members", "正式党员(名)")],
        doc=["学校名称", "县区", "学段", "覆盖方式", "正式党员(名)"],
        note="正式党员3名以上的学校应单独建立党组织。"))
    section.tables.append(_list_table(
        "未被党组织覆盖的学校", uncovered,
        [("school_name", "学校名称"), ("school_id", "学校标识码"), ("county_name", "县区"), ("township", "乡镇(街道)"),
         ("stage", "学段"), ("ownership", "办学性质"), ("coverage", "覆盖方式"), ("staff", "教职工数(名)"),
         ("full_members", "正式党员(名)")],
        doc=["学校名称", "县区", "学段", "办学性质", "覆盖方式", "正式党员(名)"]))
    return section


# Helpers ----------------------------------------------------------------------------------------
def _list_table(title, df, cols, doc, note="") -> Table:
    rows = [[_py(r[k]) for k, _ in cols] for _, r in df.iterrows()]
    return Table(title, [h for _, h in cols], rows, doc_columns=doc, doc_max_rows=DOC_MAX_ROWS, note=note)


def _total_row(label: str, rows: list[list], rates: dict[int, tuple[int, int]] | None = None) -> list:
    """A 合计 row: counts summed; a rate column i recomputed from its (numerator, denominator)
    columns, as the sum of the counties' rates would be meaningless."""
    rates = rates or {}
    out = [label]
    for i in range(1, len(rows[0]) if rows else 1):
        if i in rates:
            n, d = rates[i]
            unit = rows[0][i].unit if isinstance(rows[0][i], Rate) else "%"
            out.append(Rate(sum(r[n] for r in rows), sum(r[d] for r in rows), unit=unit))
        else:
            out.append(sum(r[i] for r in rows if isinstance(r[i], int)))
    return out


def _years(years) -> str:
    """"2018—2024年": the span a trend covers."""
    return f"{int(min(years))}—{int(max(years))}年"


def _stage_ordered(df: pd.DataFrame) -> pd.DataFrame:
    order = {s: i for i, s in enumerate(contract.STAGES)}
    return df.assign(_o=df["stage"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def _i(v) -> int:
    """A count from a query cell; a missing aggregate is zero of that thing."""
    return 0 if v is None or pd.isna(v) else int(v)


def _py(v):
    """A query cell as a plain Python value for the writers."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v
