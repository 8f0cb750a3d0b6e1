"""年度重点工作: what happened in the year, as a bureau's yearly summary quotes it: organisations
newly established and elections held (by type, child branches included), star ratings and
five-star organisations (top-level), new secretaries, new demonstration schools (in the year and
over the recent years), 双培养 admissions, new 一校一品 brands and organisation honours."""
from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import contract, rules
from dashboard.metrics import DASH, count
from dashboard.sections.blocks import TEXT, Card, Col, Section, Table, count_of, with_total
from dashboard.sections.common import type_ordered
from dashboard.sections.context import Context
from dashboard.sections.overview import no_schools

DEMO, BRAND = contract.DEMO_SCHOOL, contract.BRAND
ORG_HONOR_KINDS = tuple(k for k in contract.HONOR_KINDS if k not in (DEMO, BRAND))


@dataclass(frozen=True)
class YearWork:
    year: int
    established: dict[str, int]          # org type -> organisations established in the year
    elected: dict[str, int]              # org type -> organisations that held their election in the year
    secretaries: dict[str, int]          # org type -> secretaries appointed in the year
    secretaries_dated: int               # organisations whose appointment date is filled in (0: not supplied)
    orgs: dict[str, int]                 # org type -> organisations (child branches included)
    rated: int                           # top-level organisations star-rated in the year
    five_star: int
    demo_new: dict[str, int]             # level -> schools newly awarded it in the year
    demo_recent: dict[str, int]          # level -> schools awarded it in the recent years (highest level)
    backbone: int                        # 双培养: key teachers admitted
    brands_new: dict[str, int]           # level -> schools with a 一校一品 brand new in the year
    org_honors: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> level -> awards

    @staticmethod
    def total(parts: dict[str, int]) -> int:
        return sum(parts.values())


def figures(ctx: Context) -> YearWork:
    y, c = ctx.year, ctx.headline.current
    types = type_ordered(ctx.get("year_work_orgs", ctx.scope))

    def by_type(column: str) -> dict[str, int]:
        return {t: count_of(n) for t, n in zip(types["org_type"], types[column])}

    recent = ctx.get("honors_recent", ctx.scope, kind=DEMO)
    brands = ctx.get("honors_by_year", ctx.scope, kind=BRAND)
    brands = brands[brands["year"] == y]
    awards = ctx.get("org_honors_by_year", ctx.scope)
    awards = awards[awards["year"] == y]
    honors: dict[str, dict[str, int]] = {}
    for kind in ORG_HONOR_KINDS:
        got = awards[awards["kind"] == kind]
        levels = {lv: count_of(n) for lv, n in zip(got["level"], got["awards"])}
        honors[kind] = {lv: levels.get(lv, 0) for lv in rules.LEVELS}
    return YearWork(
        year=y, established=by_type("established"), elected=by_type("elected"),
        secretaries=by_type("secretaries_appointed"), secretaries_dated=sum(by_type("secretaries_dated").values()),
        orgs=by_type("orgs"),
        rated=c.rated, five_star=c.five_star, demo_new=dict(c.demo_new_by_level),
        demo_recent={lv: count_of(n) for lv, n in zip(recent["level"], recent["schools"])},
        backbone=c.backbone.num,
        brands_new={lv: count_of(n) for lv, n in zip(brands["level"], brands["new_schools"])},
        org_honors=honors)


def _listed(parts: dict[str, int], unit: str) -> str:
    """"党总支1个、党支部7个": the non-zero parts."""
    return "、".join(f"{name}{count(n, unit)}" for name, n in parts.items() if n)


def _counted_first(parts: dict[str, int], unit: str) -> str:
    """"7个党总支、67个党支部": the count before the name, as a clause's subject reads."""
    return "、".join(f"{count(n, unit)}{name}" for name, n in parts.items() if n)


def _levels_of(parts: dict[str, int], noun: str, unit: str) -> str:
    """"市级党建示范校11所、县级5所": the noun after the first level only."""
    shown = [(lv, n) for lv, n in parts.items() if n]
    return "、".join(f"{lv}{noun if i == 0 else ''}{count(n, unit)}" for i, (lv, n) in enumerate(shown))


def _honour(kind: str, parts: dict[str, int], verb: str, noun: str = "") -> str:
    """"获评县级“最强党支部”1个", or with several levels "获评“最强党支部”37个（市级10个、县级20个、系统级7个）"."""
    shown = {lv: n for lv, n in parts.items() if n}
    if not shown:
        return ""
    if len(shown) == 1:
        (level, n), = shown.items()
        return f"{verb}{level}“{kind}”{noun}{count(n, '个')}"
    return f"{verb}“{kind}”{noun}{count(sum(shown.values()), '个')}（{_listed(shown, '个')}）"


def paragraph(w: YearWork, who: str) -> str:
    """The year's work in one paragraph, zeros left out:
    "2020年，全区新成立党总支1个、党支部7个，7个党总支、67个党支部完成换届选举，151个党组织参加星级评定，
    其中五星级党组织38个；新任党组织书记13名；创建市级党建示范校11所、县级5所（近三年累计市级32所、县级16所）；
    发展业务骨干党员52名；新增市级“一校一品”品牌5个。"."""
    orgs = []
    if w.total(w.established):
        orgs.append(f"新成立{_listed(w.established, '个')}")
    if w.total(w.elected):
        orgs.append(f"{_counted_first(w.elected, '个')}完成换届选举")
    if w.rated:
        orgs.append(f"{count(w.rated, '个')}党组织参加星级评定"
                    + (f"，其中五星级党组织{count(w.five_star, '个')}" if w.five_star else ""))
    groups = ["，".join(orgs)] if orgs else []
    if w.total(w.secretaries):
        groups.append(f"新任党组织书记{count(w.total(w.secretaries), '名')}")
    recent = _levels_of(w.demo_recent, "", "所")
    words = rules.recent_years_words()
    if w.total(w.demo_new):
        groups.append(f"创建{_levels_of(w.demo_new, DEMO, '所')}" + (f"（{words}累计{recent}）" if recent else ""))
    elif recent:
        groups.append(f"{words}累计创建{_levels_of(w.demo_recent, DEMO, '所')}")
    if w.backbone:
        groups.append(f"发展业务骨干党员{count(w.backbone, '名')}")
    brands = _honour(BRAND, w.brands_new, "新增", "品牌")
    if brands:
        groups.append(brands)
    for kind, parts in w.org_honors.items():
        text = _honour(kind, parts, "获评")
        if text:
            groups.append(text)
    if not groups:
        return f"{w.year}年，{who}没有新成立党组织、完成换届选举、新任书记或新增示范创建的记录。"
    return f"{w.year}年，{who}" + "；".join(groups) + "。"


def build(ctx: Context) -> Section:
    y, who = ctx.year, ctx.subject
    section = Section("year_work", "年度重点工作情况")
    if ctx.headline.current is None:
        section.empty = no_schools(ctx)
        return section
    w = figures(ctx)
    section.paragraphs = [paragraph(w, who)]
    recent_total = w.total(w.demo_recent)
    words = rules.recent_years_words()
    section.cards = [
        Card(f"{y}年新成立党组织", count(w.total(w.established), "个"), _listed(w.established, "个") or "当年无新成立",
             help="成立日期在当年的党组织，含一级党组织下设的党支部", count=w.total(w.established), unit="个"),
        Card(f"{y}年完成换届选举", count(w.total(w.elected), "个"), _listed(w.elected, "个") or "当年无换届",
             help="上次换届日期在当年的党组织，含一级党组织下设的党支部", count=w.total(w.elected), unit="个"),
        Card(f"{y}年新任党组织书记", count(w.total(w.secretaries), "名") if w.secretaries_dated else DASH,
             ("、".join(f"{t}书记{n}名" for t, n in w.secretaries.items() if n) or "当年无新任书记")
             if w.secretaries_dated else "未填报书记任职日期",
             help="书记任职日期在当年的党组织（含下设党支部）；未填报任职日期的不计",
             count=w.total(w.secretaries) if w.secretaries_dated else None, unit="名"),
        Card(f"{y}年新增党建示范校", count(w.total(w.demo_new), "所"),
             f"{words}累计{recent_total}所（{_levels_of(w.demo_recent, '', '所')}）" if recent_total else f"{words}无新增",
             help=f"{words}累计：{y - rules.RECENT_YEARS + 1}—{y}年获评且至今未撤销的学校，按其间所获最高级别计一次",
             count=w.total(w.demo_new), unit="所"),
    ]
    section.notes = ["新成立、完成换届、新任书记均按当年的党组织记录统计，含一级党组织下设的党支部；"
                     "星级评定、五星级党组织只计一级党组织。"]

    cols = [Col("org_type", "组织类型", TEXT), Col("orgs", "党组织数", unit="个"), Col("established", "新成立", unit="个"),
            Col("elected", "完成换届选举", unit="个"), Col("secretaries", "新任书记", unit="名")]
    rows = [[t, w.orgs.get(t, 0), w.established.get(t, 0), w.elected.get(t, 0), w.secretaries.get(t, 0)]
            for t in contract.ORG_TYPES if w.orgs.get(t)]
    section.add_table(Table("by_type", f"{y}年党组织新成立、换届和新任书记情况", cols,
                            with_total(rows, cols) if rows else rows, total=bool(rows),
                            note="含一级党组织下设的党支部。" + ("" if w.secretaries_dated else
                                                                "数据中未填报书记任职日期，新任书记无法统计。")))
    cols = [Col("item", "项目", TEXT), *(Col(lv, lv, unit="") for lv in rules.LEVELS), Col("total", "合计", unit="")]

    def level_row(name: str, parts: dict[str, int]) -> list:
        return [name, *(parts.get(lv, 0) for lv in rules.LEVELS), sum(parts.values())]

    rows = [level_row(f"{y}年新增党建示范校（所）", w.demo_new),
            level_row(f"{words}累计创建党建示范校（所）", w.demo_recent),
            level_row(f"{y}年新增“一校一品”品牌学校（所）", w.brands_new),
            *(level_row(f"{y}年获评“{kind}”（个）", parts) for kind, parts in w.org_honors.items())]
    section.add_table(Table("by_level", f"{y}年示范创建和组织荣誉（按级别）", cols, rows,
                            note=f"示范校、品牌学校每校按所获最高级别计一次；{words}指{y - rules.RECENT_YEARS + 1}—{y}年。"))
    return section


__all__ = ["YearWork", "figures", "paragraph", "build"]
