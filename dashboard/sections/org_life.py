"""组织生活: 三会一课 completion (organisations meeting every requirement falling due / organisations
required) for the current quarter, the year to date and the year; by unit and by month; the
requirement missed most; the organisations behind in the current quarter and what they miss; one
organisation's record for a school's profile.

The periods (models/_periods.sql, models/org_life_years.sql): every requirement falls due in the
month its period ends. A past year is complete (its current quarter is the fourth); the extract's
latest year runs to the latest month with any activity data, so its current quarter may be in
progress (only the months already ended are counted) and its whole-year figure waits for December.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import charts, rules
from dashboard.metrics import DASH, Rate, count
from dashboard.sections.blocks import RATE, TEXT, Card, Chart, Col, Section, Table, count_of, plain, with_total
from dashboard.sections.context import Context
from dashboard.sections.coverage import SCHOOL_LIST_DOC_ROWS, UNPLACED
from dashboard.sections.overview import no_schools

NOT_SUPPLIED = "尚未报送组织生活数据"
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
PERIOD_WORDS = {p: f"每{w}" for p, w in rules.PERIOD_LABELS.items()}   # "每季度"
MEETINGS = "“三会一课”等组织生活"
SCOPE_NOTE = ("完成率 = 按期完成到期各项要求的党组织 / 应开展组织生活的党组织，党组织含一级党组织下设的党支部；"
              "某月没有记录即视为当月未开展；各项要求在其周期（月、季度、年）的最后一个月到期，"
              "党组织成立当期之前的周期不作要求（自成立后第一个完整周期起计）。")


@dataclass(frozen=True)
class Life:
    """The year's organisational-life figures of a scope, or why there are none (`missing`)."""
    year: int
    missing: str = ""           # the sentence saying why there is nothing to show
    as_of: int = 0              # the last month counted
    orgs: int = 0
    quarter: Rate = Rate(0, 0)
    ytd: Rate = Rate(0, 0)
    whole: Rate = Rate(0, 0)    # undefined until the year's data runs to December

    @property
    def complete(self) -> bool:
        return self.as_of == 12

    @property
    def quarter_no(self) -> int:
        return (self.as_of - 1) // 3 + 1

    @property
    def quarter_label(self) -> str:
        """"第四季度", or "第四季度（10—11月）" while the quarter is still running."""
        name = QUARTERS[self.quarter_no - 1]
        first = 3 * self.quarter_no - 2
        if self.as_of % 3 == 0:
            return name
        return f"{name}（{first}月）" if self.as_of == first else f"{name}（{first}—{self.as_of}月）"

    @property
    def ytd_label(self) -> str:
        return "全年" if self.complete else f"1—{self.as_of}月"


def life(ctx: Context) -> Life:
    """The year's figures of the scope (query org_life_summary)."""
    y, who = ctx.year, ctx.subject
    row = ctx.get("org_life_summary", ctx.scope).iloc[0]
    as_of = plain(row["as_of_month"])
    if as_of is None:
        return Life(y, missing=f"{y}年{NOT_SUPPLIED}，暂无“三会一课”完成情况。")
    if not count_of(row["orgs"]):
        return Life(y, missing=f"{y}年{who}没有党组织，不统计“三会一课”完成情况。")
    if not count_of(row["reported_orgs"]):
        return Life(y, missing=f"{y}年{who}{NOT_SUPPLIED}，暂无“三会一课”完成情况。")
    return Life(y, as_of=int(as_of), orgs=count_of(row["orgs"]),
                quarter=Rate(count_of(row["quarter_met"]), count_of(row["quarter_required"])),
                ytd=Rate(count_of(row["ytd_met"]), count_of(row["ytd_required"])),
                whole=Rate(count_of(row["year_met"]), count_of(row["year_required"])))


def _rate_card(label: str, rate: Rate, help_text: str) -> Card:
    return Card(label, rate.pct, str(rate) if rate.defined else "本期没有到期的要求", direction=1,
                help=help_text, rate=rate)


def most_missed(misses: pd.DataFrame) -> tuple[str, int] | None:
    """The requirement most organisations missed (the query orders them so) and how many; None
    when nothing was missed."""
    if misses.empty or not count_of(misses["orgs_missed"].iloc[0]):
        return None
    return misses["kind"].iloc[0], count_of(misses["orgs_missed"].iloc[0])


def paragraph(ctx: Context, lf: Life, missed: tuple[str, int] | None) -> str:
    """"2023年，全市应按规定开展“三会一课”等组织生活的党组织4个（含下设党支部），全年按期完成的1个，……"."""
    who = ctx.subject
    start = f"{lf.year}年" if lf.complete else f"截至{lf.year}年{lf.as_of}月"
    required = lf.ytd.den
    text = f"{start}，{who}应按规定开展{MEETINGS}的党组织{count(required, '个')}（含下设党支部）"
    if lf.ytd.num == required:
        text += f"，{lf.ytd_label}均按期完成"
    elif not lf.ytd.num:
        text += f"，{lf.ytd_label}没有党组织按期完成全部要求"
    else:
        text += f"，{lf.ytd_label}按期完成的{count(lf.ytd.num, '个')}，完成率{lf.ytd.pct}"
    # In the first quarter the quarter so far is the year so far: said once.
    if lf.quarter.defined and lf.as_of > 3:
        quarter = lf.quarter_label
        if lf.quarter.num == lf.quarter.den:
            text += f"；{quarter}均按期完成"
        elif not lf.quarter.num:
            text += f"；{quarter}没有党组织按期完成全部要求"
        else:
            text += f"；{quarter}按期完成的{count(lf.quarter.num, '个')}，完成率{lf.quarter.pct}"
    text += "。"
    if missed is not None:
        text += f"未按期完成较多的是{missed[0]}，{count(missed[1], '个')}党组织存在缺项。"
    return text


def build(ctx: Context) -> Section:
    y, who, unit = ctx.year, ctx.subject, ctx.unit_word
    section = Section("org_life", "组织生活（“三会一课”）开展情况")
    if ctx.headline.current is None:
        section.empty = no_schools(ctx)
        return section
    lf = life(ctx)
    if lf.missing:
        section.empty = lf.missing
        section.paragraphs = [lf.missing]
        return section
    misses = ctx.get("org_life_misses", ctx.scope)
    missed = most_missed(misses)
    quarter_help = f"{lf.quarter_label}到期的各项要求均已完成的党组织 / 应开展组织生活的党组织（含下设党支部）"
    section.cards = [_rate_card(f"{lf.quarter_label}完成率", lf.quarter, quarter_help)]
    if lf.complete:
        section.cards += [
            _rate_card("全年完成率", lf.whole, "全年各项要求均已按期完成的党组织 / 应开展组织生活的党组织（含下设党支部）"),
            Card("应开展组织生活的党组织", f"{lf.ytd.den}个", "含一级党组织下设的党支部", count=lf.ytd.den, unit="个"),
        ]
    else:
        section.cards += [
            _rate_card(f"{lf.ytd_label}完成率", lf.ytd,
                       f"{lf.ytd_label}到期的各项要求均已按期完成的党组织 / 应开展组织生活的党组织（含下设党支部）"),
            Card("全年完成率", DASH, f"全年数据尚未报齐（截至{lf.as_of}月）",
                 help="12月的数据报送后计算全年完成率"),
        ]
    section.cards.append(Card("未完成最多的要求", missed[0] if missed else "无", f"{missed[1]}个党组织未按期开展"
                              if missed else f"{lf.ytd_label}各项要求均按期完成", direction=0,
                              help="按未按期完成该项要求的党组织数排列"))
    section.paragraphs = [paragraph(ctx, lf, missed)]
    section.notes = [rules.activity_rule_text(), SCOPE_NOTE]
    if not lf.complete:
        section.notes.append(f"{y}年的数据截至{lf.as_of}月：本季度只计已过去的月份，季度、年度要求在其周期结束后计入。")

    by_unit = ctx.by_unit("org_life_by_unit")
    placed = by_unit.dropna(subset=["unit_code"])
    title = f"{y}年{who}各{unit}“三会一课”完成率（{lf.ytd_label}）"
    section.add_chart(Chart("by_unit", title, lambda: charts.rate_ranking(
        placed["unit_name"], placed["ytd_met"], placed["ytd_required"], title, keys=placed["unit_code"],
        reference=(who, lf.ytd)), drill=ctx.level, report=ctx.multi_unit))
    months = ctx.get("org_life_by_month", ctx.scope)
    title_month = f"{y}年{who}各月“三会一课”完成情况"
    section.add_chart(Chart("by_month", title_month, lambda: charts.stacked_bars(
        [f"{int(m)}月" for m in months["month"]],
        {"按期完成": months["met"], "未按期完成": months["required"] - months["met"]}, title_month, "个",
        percent=True)))
    title_miss = f"{y}年{who}各项要求未按期完成的党组织数（{lf.ytd_label}）"
    due = misses[misses["orgs_required"] > 0]   # the yearly meetings before December are not due yet
    section.add_chart(Chart("misses", title_miss, lambda: charts.count_ranking(
        due["kind"], due["orgs_missed"], title_miss, "个"), report=missed is not None))

    def rates(r, part):
        return [count_of(r[f"{part}_required"]), count_of(r[f"{part}_met"]),
                Rate(count_of(r[f"{part}_met"]), count_of(r[f"{part}_required"]))]

    # A complete year's year to date is the whole year; an incomplete one has no whole-year figure yet.
    parts = [("quarter", lf.quarter_label), ("ytd", lf.ytd_label)]
    cols = [Col("unit_name", unit, TEXT)]
    for key, label in parts:
        cols += [Col(f"{key}_required", f"{label}应开展", unit="个"), Col(f"{key}_met", f"{label}按期完成", unit="个"),
                 Col(f"{key}_rate", f"{label}完成率", RATE, of=(f"{key}_met", f"{key}_required"))]
    rows = [[plain(r["unit_name"]) or UNPLACED, *(v for key, _ in parts for v in rates(r, key))]
            for _, r in by_unit.iterrows()]
    section.add_table(Table("by_unit", f"各{unit}“三会一课”完成情况", cols, with_total(rows, cols), total=True,
                            doc_columns=["unit_name", "quarter_rate", "ytd_rate"], report=ctx.multi_unit,
                            note="" if lf.complete else "全年完成率在12月的数据报送后计算。"))
    cols = [Col("month", "月份", TEXT), Col("required", "应开展", unit="个"), Col("met", "按期完成", unit="个"),
            Col("rate", "完成率", RATE, of=("met", "required"))]
    rows = [[f"{int(r['month'])}月", count_of(r["required"]), count_of(r["met"]),
             Rate(count_of(r["met"]), count_of(r["required"]))] for _, r in months.iterrows()]
    section.add_table(Table("by_month", "各月“三会一课”完成情况", cols, rows,
                            note="各月计当月到期的要求：每月的会议；季度末月另计该季度的支部党员大会、党课，"
                                 "12月另计组织生活会、民主评议党员。"))
    cols = [Col("kind", "要求", TEXT), Col("rule", "频次", TEXT), Col("orgs_required", "应开展的党组织", unit="个"),
            Col("orgs_missed", "未按期完成的党组织", unit="个"), Col("periods_due", "到期周期", unit="个"),
            Col("periods_missed", "未完成周期", unit="个")]
    period_of = {r.kind: r for r in rules.ACTIVITY_REQUIREMENTS}
    order = {r.kind: i for i, r in enumerate(rules.ACTIVITY_REQUIREMENTS)}
    rows = [[r["kind"], f"{PERIOD_WORDS[r['period']]}至少{period_of[r['kind']].min_times}次",
             *(count_of(r[k]) for k in ("orgs_required", "orgs_missed", "periods_due", "periods_missed"))]
            for _, r in sorted(misses.iterrows(), key=lambda x: order[x[1]["kind"]])]
    section.add_table(Table("misses", f"各项要求完成情况（{lf.ytd_label}）", cols, rows,
                            note="党总支、党委的委员会会议计入“支部委员会”。"))
    section.add_table(behind_table(ctx, lf))
    return section


def _miss_words(period: str, due_month: int, times: int) -> str:
    """"11月0次", "本季度0次", "全年0次"."""
    when = {rules.MONTH: f"{due_month}月", rules.QUARTER: "本季度", rules.YEAR: "全年"}[period]
    return f"{when}{times}次"


def behind_table(ctx: Context, lf: Life | None = None) -> Table:
    """The organisations behind in the current quarter, one row each with what they miss:
    "党课：本季度0次；主题党日：11月0次". Empty (with the reason as its note) when there is no data."""
    lf = lf or life(ctx)
    title = "未按期开展组织生活的党组织"
    cols = [Col("org_name", "党组织名称", TEXT), Col("org_type", "组织类型", TEXT),
            Col("parent_org_name", "上级党组织", TEXT), Col("county_name", "县区", TEXT),
            Col("township", "乡镇（街道）", TEXT), Col("host_school_name", "依托学校", TEXT),
            Col("missing_count", "缺项", unit="项"), Col("missing", "未按期开展的要求", TEXT)]
    if lf.missing:
        return Table("org_life_behind", title, cols, [], note=lf.missing, report=False)
    df = ctx.get("org_life_behind", ctx.scope)
    # Grouped in pandas, not row by row: a nation's list has hundreds of thousands of missed
    # periods, and their words come from a handful of (period, month, times) combinations.
    combos = list(zip(df["period"], df["due_month"], df["times"]))
    words = {c: _miss_words(c[0], int(c[1]), count_of(c[2])) for c in set(combos)}
    df = df.assign(word=[words[c] for c in combos])
    by_label = df.groupby(["org_id", "label"], sort=False)["word"].agg("、".join).reset_index()
    by_label["text"] = by_label["label"] + "：" + by_label["word"]
    missing = by_label.groupby("org_id", sort=False)["text"].agg("；".join)
    counts = df.groupby("org_id", sort=False).size()
    rows, links = [], []
    for r in df.drop_duplicates("org_id").itertuples(index=False):
        rows.append([r.org_name, r.org_type, plain(r.parent_org_name), plain(r.county_name) or UNPLACED,
                     plain(r.township), plain(r.host_school_name), int(counts[r.org_id]), missing[r.org_id]])
        links.append(plain(r.place_school_id))
    return Table("org_life_behind", f"{lf.quarter_label}{title}", cols, rows,
                 doc_columns=["org_name", "county_name", "host_school_name", "missing"],
                 doc_max_rows=SCHOOL_LIST_DOC_ROWS,
                 # A click opens the school the organisation is placed at; a list with an organisation
                 # that cannot be placed has no school to open for it, so the list opens none.
                 links=links if rows and all(links) else None,
                 note=f"{lf.quarter_label}到期而未按期完成的要求，含一级党组织下设的党支部。")


# A school's profile -------------------------------------------------------------------------------
MONTH_COLUMNS = [Col(f"m{m}", f"{m}月", unit="次") for m in range(1, 13)]


def school_record(ctx: Context, school_id: str) -> tuple[Table | None, str]:
    """The year's record of the organisation covering a school (and its branches hosted there):
    one row per requirement, the times held each month and whether it was met. (None, why) when
    there is nothing to show."""
    y = ctx.year
    df = ctx.get("org_life_of_school", None, school_id=school_id, year=y, visible=ctx.scope.params()["visible"])
    if df.empty:
        supplied = plain(ctx.get("org_life_summary", ctx.scope.with_(county=None, township=None, stage=None,
                                                                     ownership=None, locale=None)
                                 ).iloc[0]["as_of_month"])
        return None, (f"{y}年{NOT_SUPPLIED}。" if supplied is None else f"{y}年该校没有党组织覆盖，或其党组织没有组织生活要求。")
    as_of = int(df["as_of_month"].iloc[0])
    several = df["org_id"].nunique() > 1
    cols = ([Col("org_name", "党组织", TEXT)] if several else []) + [
        Col("requirement", "要求", TEXT), *MONTH_COLUMNS, Col("result", "完成情况", TEXT)]
    rows = []
    for (org_id, kind), g in df.groupby(["org_id", "kind"], sort=False):
        first = g.iloc[0]
        times = [count_of(t) if m <= as_of else None for m, t in zip(g["month"], g["times"])]
        due = g[g["due"].astype(bool)]
        missed = g[g["missed"].astype(bool)]
        if due.empty:
            result = "本年尚未到期"
        elif missed.empty:
            result = "按期完成"
        else:
            when = [{rules.MONTH: f"{int(m)}月", rules.QUARTER: QUARTERS[(int(m) - 1) // 3],
                     rules.YEAR: "全年"}[first["period"]] for m in missed["month"]]
            result = "未按期：" + "、".join(when)
        requirement = f"{first['label']}（{PERIOD_WORDS[first['period']]}至少{count_of(first['min_times'])}次）"
        rows.append(([first["org_name"]] if several else []) + [requirement, *times, result])
    name = df["org_name"].iloc[0]
    note = f"数据截至{as_of}月。" if as_of < 12 else ""
    return Table("org_life", f"{y}年{name}组织生活开展情况", cols, rows, report=False,
                 note=note + "季度要求在季度末月、年度要求在12月判断是否完成。"), ""
