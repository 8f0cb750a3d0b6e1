"""大屏: what the meeting screen shows for a view and a theme, built from the sections' own cards and
charts (so the screen, the pages and the report never disagree), and the dark restyle of a figure
built by dashboard/charts.py for a dark ground and the back of a room. No Streamlit here."""
from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

from dashboard import charts, map_chart
from dashboard.metrics import Rate, rate_change
from dashboard.sections import action_lists, demonstration, leadership, members, overview
from dashboard.sections.blocks import Card, Chart, count_of
from dashboard.sections.common import span
from dashboard.sections.context import Context
from dashboard.sections.maps import UNCOVERED, Shapes, county_map


@dataclass(frozen=True)
class Theme:
    key: str         # as the URL and the theme strip name it: ?theme=覆盖
    name: str        # as the screen titles it
    metric: str      # the map's and the ranking's metric (sections/maps.py METRICS)
    tile: str | None  # the label of the headline tile it is about


THEMES = (
    Theme("覆盖", "组织覆盖", "党组织覆盖率", "党组织覆盖率"),
    Theme("一肩挑", "书记校长“一肩挑”", "一肩挑比例", "“一肩挑”比例"),
    Theme("示范", "示范创建", "党建示范校", "党建示范校"),
    Theme("党员", "党员队伍", "党员数", "党员数"),
    Theme("问题", "问题清单", UNCOVERED, None),
)
THEME_KEYS = tuple(t.key for t in THEMES)
# The headline tiles, in this order, by the overview cards' labels.
TILES = ("学校数", "党组织覆盖率", "“一肩挑”比例", "党建示范校", "党员数", "党员增长率")
# The rate tiles' figures, for their change in words ("较上年提高1.2个百分点").
_RATES = {"党组织覆盖率": "org_coverage", "“一肩挑”比例": "combined", "党员增长率": "growth"}


def theme(key: str | None) -> Theme:
    """The theme a URL names; the first for anything else."""
    return next((t for t in THEMES if t.key == key), THEMES[0])


def data_date(year: int) -> str:
    """The chosen year is the "as of" date (DESIGN §2)."""
    return f"数据截至{year}年12月31日"


def title(ctx: Context) -> str:
    """"全市中小学校党建工作", "山阳县城关街道的小学党建工作"."""
    return f"{ctx.subject}{'' if ctx.scope.stage else '中小学校'}党建工作"


@dataclass
class Screen:
    theme: Theme
    tiles: list[Card] = field(default_factory=list)
    changes: dict[str, str] = field(default_factory=dict)   # a rate tile's label -> its change in words
    problems: list[Card] = field(default_factory=list)
    map: Chart | None = None
    ranking: Chart | None = None
    trend: Chart | None = None
    empty: str = ""


def build(ctx: Context, shown: Theme, shapes: Shapes, map_height: int | None = None) -> Screen:
    screen = Screen(shown)
    section = overview.build(ctx, shown.metric if shown.metric in overview.RANKINGS else overview.RANKINGS[0])
    if section.empty:
        # Not the pages' sentence: it points to filters the screen does not show.
        screen.empty = f"{ctx.year}年{ctx.subject}没有符合筛选条件的学校。"
        return screen
    by_label = {c.label: c for c in section.cards}
    screen.tiles = [by_label[label] for label in TILES]
    h = ctx.headline
    if h.previous is not None:
        screen.changes = {label: rate_change(getattr(h.current, attr), getattr(h.previous, attr), h.since)
                          for label, attr in _RATES.items()}
    screen.problems = problem_cards(ctx)
    screen.map = county_map(ctx, shown.metric, shapes, style="dark", height=map_height)
    screen.ranking = uncovered_ranking(ctx) if shown.metric == UNCOVERED else overview.ranking_chart(ctx, shown.metric)
    screen.trend = trend(ctx, shown)
    return screen


def problem_cards(ctx: Context) -> list[Card]:
    """From 问题清单: elections overdue and schools no organisation covers."""
    section = action_lists.build(ctx)
    overdue = next(c for c in section.cards if c.label == "换届已逾期")
    uncovered = len(section.tables["not_covered"].rows)
    return [overdue, Card(UNCOVERED, f"{uncovered}所", "", count=uncovered, unit="所",
                          help="没有单独、联合或挂靠建立的党组织覆盖的学校")]


def uncovered_ranking(ctx: Context) -> Chart:
    y, unit = ctx.year, f"{ctx.subject}各{ctx.unit_word}"
    title_ = f"{y}年{unit}{UNCOVERED}"

    def build_():
        cov = ctx.by_unit("coverage_by_unit")
        return charts.count_ranking(cov["unit_name"], cov["schools"] - cov["org_covered"], title_, "所",
                                    keys=cov["unit_code"])
    return Chart("rank", title_, build_, drill=ctx.level, report=False)


def trend(ctx: Context, shown: Theme) -> Chart | None:
    """The theme's trend: the sections' own where they have one, else drawn here from the same
    figures by year."""
    if shown.key == "一肩挑":
        return leadership.build(ctx).charts.get("trend")
    if shown.key == "示范":
        return demonstration.build(ctx).charts.get("levels_trend")
    if shown.key == "党员":
        return members.build(ctx).charts.get("trend")
    years = ctx.headline.years
    years = years[years["schools"] > 0]
    if not len(years):
        return None
    who, y = ctx.subject, ctx.year
    if shown.key == "问题":
        counts = [count_of(s) - count_of(c) for s, c in zip(years["schools"], years["org_covered"])]
        title_ = f"{span(years['year'])}{who}{UNCOVERED}"
        return Chart("trend", title_, lambda: charts.trend(
            years["year"], {UNCOVERED: counts}, title_, "所", labels={UNCOVERED: [f"{n}所" for n in counts]},
            mark=y), report=False)
    org = [Rate(count_of(n), count_of(d)) for n, d in zip(years["org_covered"], years["schools"])]
    work = [Rate(count_of(n), count_of(d)) for n, d in zip(years["work_covered"], years["schools"])]
    title_ = f"{span(years['year'])}{who}党组织覆盖率变化"
    return Chart("trend", title_, lambda: charts.trend(
        years["year"], {"党组织覆盖率": [r.value for r in org], "党的工作覆盖率": [r.value for r in work]}, title_, "%",
        percent=True, labels={"党组织覆盖率": [str(r) for r in org], "党的工作覆盖率": [str(r) for r in work]}, mark=y),
        report=False)


# The dark restyle ---------------------------------------------------------------------------------
TRACK = "#2A1A18"
GROUND = map_chart.DARK.paper      # the screen's ground, the map's too
INK = map_chart.DARK.ink           # text
GOLD = "#F2C14E"
GRID = "#3A2A22"
MUTED = "#BFB4A0"                  # reference lines and their labels
# The template's colours made bright enough for a dark ground (bars and lines, not text).
ON_DARK = {charts.RED: "#E04B3C", charts.DARK_RED: "#C23B2E", charts.GOLD: GOLD, charts.BLUE: "#6FA8DC",
           charts.GREY: "#9A948C", charts.LIGHT_RED: "#F08A80", charts.GREEN: "#6DBE7B",
           charts.PURPLE: "#A98BE0", charts.BROWN: "#B08968", charts.TEAL: "#4FC3C9"}
TEXT_PX, TICK_PX, TITLE_PX = 22, 20, 26


def _on_dark(c):
    if isinstance(c, str):
        return ON_DARK.get(c.upper(), ON_DARK.get(c, c))
    if isinstance(c, (list, tuple)):
        return [_on_dark(x) for x in c]
    return c


def dark(fig: go.Figure, height: int | None = None) -> go.Figure:
    """A copy of a charts.py figure for the screen: dark ground, light type, bright marks, and type
    bigger than the template's (never under its 14 px floor, smaller only where a long ranking would
    otherwise overlap its own rows)."""
    fig = go.Figure(fig)
    rows = max([len(t.y) for t in fig.data if t.type == "bar" and t.orientation == "h" and t.y is not None] + [0])
    h = height or fig.layout.height or 500
    text_px = TEXT_PX
    if rows:
        # Each row of a horizontal ranking gets its share of the plot. plotly shrinks a bar's label to
        # the bar's thickness (four fifths of the row), and hides one shrunk under the floor.
        per_row = (h - 170) / rows
        text_px = int(max(charts.MIN_TEXT + 2, min(TEXT_PX, per_row * 0.6)))
    tick_px = min(TICK_PX, text_px)
    axis = dict(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID, color=INK,
                tickfont=dict(size=tick_px, color=INK), title_font=dict(size=tick_px, color=INK))
    fig.update_layout(
        height=h, paper_bgcolor=GROUND, plot_bgcolor=GROUND,
        font=dict(family=charts.FONT, color=INK, size=tick_px),
        title=dict(font=dict(size=TITLE_PX, color=INK)),
        legend=dict(font=dict(size=tick_px, color=INK), bgcolor="rgba(0,0,0,0)"),
        hoverlabel=dict(font=dict(size=TEXT_PX)),
        uniformtext=dict(minsize=max(charts.MIN_TEXT, text_px - 4), mode="hide"),
        xaxis=axis, yaxis=axis,
        # The template leaves room for 15 px labels; the bigger type needs more.
        margin=dict(r=(fig.layout.margin.r or 30) * text_px / (charts.MIN_TEXT + 1)),
    )
    for a in fig.layout.annotations:
        # On the ground's colour: a reference line's label may sit over a bar.
        a.font = dict(size=tick_px, color=INK)
        a.bgcolor = GROUND
    for s in fig.layout.shapes:
        if s.line is not None and s.line.color:
            s.line.color = MUTED if s.line.color.upper() == charts.GREY else _on_dark(s.line.color)
    for t in fig.data:
        if t.meta == "track":   # the clickable row behind a ranking's bar: a shade above the ground
            t.marker.color = TRACK
            continue
        marker_colour = _on_dark(t.marker.color) if getattr(t, "marker", None) is not None else None
        if marker_colour is not None:
            t.marker.color = marker_colour
        if getattr(t, "line", None) is not None and t.line.color:
            t.line.color = _on_dark(t.line.color)
        if getattr(t, "textfont", None) is None:
            continue
        t.textfont.size = text_px
        if t.type == "bar" and t.textposition == "inside":
            # Text on a bar reads against the bar, not the ground: black or white, whichever reaches 4.5:1.
            colours = marker_colour if isinstance(marker_colour, list) else [marker_colour] * len(t.x or [])
            t.insidetextfont = dict(size=text_px, color=[map_chart.text_colour(c) for c in colours]
                                    if colours and all(isinstance(c, str) and c.startswith("#") for c in colours)
                                    else INK)
        else:
            t.textfont.color = INK
    if rows and fig.layout.xaxis.ticksuffix == "%":
        # A ranking's narrow value axis: three ticks stay level at this size.
        fig.update_xaxes(dtick=50)
    # Years as plain numbers under the axis title 年度: "2018年" at this size would be turned on its side.
    if fig.layout.xaxis.ticksuffix == "年":
        fig.update_xaxes(ticksuffix="")
    categories = [x for t in fig.data if t.type == "bar" and t.orientation != "h" for x in (t.x or ())]
    if categories and all(isinstance(x, str) and len(x) == 5 and x[:4].isdigit() and x[4] == "年" for x in categories):
        shown = list(dict.fromkeys(categories))
        fig.update_xaxes(tickvals=shown, ticktext=[x[:4] for x in shown], title_text="年度")
    _trend_labels(fig)
    return fig


def _trend_labels(fig: go.Figure) -> None:
    """A trend labels the chosen year's point of each line: at the right edge, the label goes to its
    left so it is not cut; with several lines the highest label goes above, the others below."""
    labelled = []
    for t in fig.data:
        if t.type != "scatter" or not t.mode or "text" not in t.mode or t.text is None:
            continue
        at = [i for i, s in enumerate(t.text) if s]
        if at:
            labelled.append((t, at[0]))
    if not labelled:
        return
    # Room above the highest label, under the legend; a percent axis still ends its ticks at 100%.
    y = fig.layout.yaxis
    if y.range is not None:
        fig.update_yaxes(range=[y.range[0], 118 if y.ticksuffix == "%" else y.range[1] * 1.15])
    span_ = (fig.layout.yaxis.range[1] - fig.layout.yaxis.range[0]) if fig.layout.yaxis.range else 0
    labelled.sort(key=lambda p: p[0].y[p[1]] if p[0].y[p[1]] is not None else float("-inf"), reverse=True)
    above = None
    for t, i in labelled:
        value = t.y[i] if t.y[i] is not None else 0
        # Above its point, unless the line above is labelled too close: then below.
        vertical = "bottom" if above is not None and above - value < 0.12 * span_ else "top"
        above = value
        last = t.x is not None and t.x[i] == max(t.x)
        t.textposition = f"{vertical} {'left' if last else 'center'}"
