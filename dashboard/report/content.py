"""What a report pack says: the sections' own blocks, chosen for a written report and numbered.

Nothing is computed here: the figures, paragraphs, charts and tables come from
dashboard.sections, exactly as the pages draw them, so the document, the workbook and the
dashboard never disagree. No Streamlit here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard import sections
from dashboard.figures import Getter
from dashboard.scope import Scope
from dashboard.sections.blocks import Chart, Table
from dashboard.sections.context import Context
from dashboard.sections.overview import key_figures

NUMERALS = "一二三四五六七八九十"
ALL = "全部"


@dataclass
class ReportSection:
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
    filters: list[tuple[str, str]]
    generated: dt.date
    demo: bool
    empty_message: str = ""  # set when the scope holds no schools: the pack says so instead of failing
    key_figures: Table | None = None
    sections: list[ReportSection] = field(default_factory=list)

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


def filter_rows(ctx: Context) -> list[tuple[str, str]]:
    scope = ctx.scope
    names = dict(zip(ctx.counties["county_code"], ctx.counties["county_name"]))
    rows = [
        ("年度", f"{scope.year}年"),
        ("县区", names.get(scope.county, scope.county) if scope.county else ALL),
        ("乡镇（街道）", scope.township or ALL),
        ("学段", scope.stage or ALL),
        ("办学性质", scope.ownership or ALL),
        ("城乡分类", scope.locale or ALL),
    ]
    if scope.county:
        return rows
    # With no county chosen, "全部" means the counties the caller may see; say which they are.
    visible = f"全部{len(names)}个县区" if scope.all_visible else "、".join(names.values()) or "无"
    return [*rows, ("包含的县区", visible)]


def build_report(get: Getter, scope: Scope, *, demo: bool, today: dt.date | None = None) -> Report:
    today = today or dt.date.today()
    ctx = Context.of(get, scope)
    cities = list(dict.fromkeys(ctx.counties["city_name"]))
    city = cities[0] if len(cities) == 1 else "全辖区"
    report = Report(
        scope=scope, subject=ctx.subject, city=city,
        # "全市小学党建…", not "全市小学中小学校党建…".
        title=f"{scope.year}年{ctx.subject}{'' if scope.stage else '中小学校'}党建工作情况报告",
        filters=filter_rows(ctx), generated=today, demo=demo)
    if ctx.headline.current is None:
        report.empty_message = (f"当前筛选范围内没有学校（{scope.year}年 · {ctx.subject}），"
                                f"没有可汇总的党建数据。请调整筛选条件后重新生成。")
        return report
    report.key_figures = key_figures(ctx)
    for i, s in enumerate(sections.report_sections(ctx)):
        report.sections.append(ReportSection(
            f"{NUMERALS[i]}、{s.heading}", [p for p in s.paragraphs if p],
            [c for c in s.charts.values() if c.report], [t for t in s.tables.values() if t.report]))
    return report
