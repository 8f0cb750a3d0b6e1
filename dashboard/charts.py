"""DataFrame -> plotly Figure, in one visual language (no Streamlit here, so the report uses it too).

Type a projector carries (no text under 14 px at 1920 wide: a label that does not fit goes to
the hover, never shrunk), Chinese titles, axis units and hover text, one colour per category on
every page and in the report, Party red for the figure in focus. Rates are drawn as percentages
on axes that end at 100%, labelled with their numerator and denominator as the reports write
them. Names from data are escaped: plotly reads a few HTML tags in text.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard import contract, rules
from dashboard.metrics import Rate
from dashboard.text import plain_html

RED, GOLD, BLUE, GREY, LIGHT_RED, GREEN = "#B71C1C", "#D4A017", "#3A6EA5", "#9E9E9E", "#E57373", "#4E8F5A"
DARK_RED, PURPLE, BROWN, TEAL = "#7F0000", "#7E57C2", "#6D4C41", "#00838F"
PALETTE = [RED, GOLD, BLUE, GREY, LIGHT_RED, GREEN, PURPLE, BROWN]
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
MIN_TEXT = 14   # px at 1920 wide: the floor for every label, tick and legend

# One colour per category, wherever it is drawn.
COLOURS: dict[str, str] = {
    "一肩挑": RED, "分设": BLUE, "书记空缺": GREY,
    "单独建立": RED, "联合建立": GOLD, "挂靠建立": BLUE, "联合或挂靠建立": GOLD, "党建指导员": GREEN, "未覆盖": GREY,
    **dict(zip(rules.LEVELS, (DARK_RED, RED, GOLD, BLUE, GREEN))),
    **dict(zip(contract.STAGES, (LIGHT_RED, RED, GOLD, BROWN, BLUE, PURPLE, TEAL, GREEN, GREY))),
    **dict(zip(contract.ORG_TYPES, (DARK_RED, RED, GOLD))),
}

pio.templates["dangjian"] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=16, color="#212121"),
        title=dict(font=dict(size=20), x=0, xanchor="left"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(gridcolor="#EEEEEE", zerolinecolor="#BDBDBD", automargin=True, tickfont=dict(size=MIN_TEXT + 1)),
        yaxis=dict(gridcolor="#EEEEEE", zerolinecolor="#BDBDBD", automargin=True, tickfont=dict(size=MIN_TEXT + 1)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal",
                    font=dict(size=MIN_TEXT + 1)),
        margin=dict(l=10, r=30, t=70, b=10),
        hoverlabel=dict(font=dict(family=FONT, size=16)),
        # A bar's label that would be shrunk below the floor is hidden (the hover still has it).
        uniformtext=dict(minsize=MIN_TEXT, mode="hide"),
    )
)
TEMPLATE = "dangjian"
# Rankings of more units than this (a province's or the nation's counties) show the first and the
# last ones and the selected one; the table beside the chart lists them all.
RANKING_SHOWN = 15


def colour(name: str, i: int) -> str:
    return COLOURS.get(name, PALETTE[i % len(PALETTE)])


def _shortlist(rows: list, keep, shown: int) -> tuple[list, str]:
    """The first and last `shown` rows (and the kept one), and a note saying so."""
    if len(rows) <= 2 * shown + 1:
        return rows, ""
    picked = [r for i, r in enumerate(rows) if i < shown or i >= len(rows) - shown or keep(r)]
    return picked, f"（共{len(rows)}个，显示排名前{shown}和后{shown}位）"


def rate_ranking(names, nums, dens, title: str, keys=None, target: float | None = None, unit: str = "%",
                 axis_title: str = "百分比（%）", reference: tuple[str, Rate] | None = None,
                 highlight=None, shown: int = RANKING_SHOWN) -> go.Figure:
    """Horizontal bars of a rate per place, best at the top, labelled "73.6%(335/455)".

    `keys` (e.g. county codes) ride along as customdata so a click can go to that place. Places
    with no denominator are listed with a dash, not a zero bar. `reference` marks the parent's
    value ("全市", its rate), `target` the goal, `highlight` the key of the unit to set apart."""
    rates = [Rate(int(n), int(d), unit=unit) for n, d in zip(nums, dens)]
    rows = sorted(zip(names, rates, keys if keys is not None else names),
                  key=lambda r: (r[1].value is not None, r[1].value or 0))
    rows, note = _shortlist(rows[::-1], lambda r: r[2] == highlight, shown)
    rows = rows[::-1]
    fig = go.Figure(go.Bar(
        y=[plain_html(r[0]) for r in rows], x=[r[1].value or 0 for r in rows], orientation="h",
        text=[str(r[1]) for r in rows], textposition="outside", cliponaxis=False,
        textfont=dict(size=MIN_TEXT + 1),
        marker_color=[GOLD if r[2] == highlight and highlight is not None else RED if r[1].defined else GREY
                      for r in rows],
        customdata=[[r[2], r[1].num, r[1].den] for r in rows],
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    top = max([r[1].value or 0 for r in rows] + [1])
    upper = 100 if unit == "%" else top * 1.05
    _track(fig, rows, upper, lambda r: [r[2], r[1].num, r[1].den])
    if reference is not None and reference[1].defined:
        _mark(fig, reference[1].value, f"{plain_html(reference[0])} {reference[1].pct}", GREY, "dash", "right")
    if target is not None:
        # Labels above the bars, the parent's ending at its line and the target's starting at its
        # own: where the two values meet, the labels sit side by side.
        _mark(fig, target, f"目标 {target:g}%", GOLD, "dot", "left")
    # Room on the right of the axis for the longest label, e.g. "100.0%(1077/1077)".
    longest = max([len(str(r[1])) for r in rows] + [1])
    fig.update_layout(template=TEMPLATE, title=plain_html(title) + note, height=max(340, 120 + 42 * len(rows)),
                      margin=dict(r=30 + 9 * longest, t=100),
                      xaxis=dict(title=axis_title, range=[0, upper], ticksuffix=unit,
                                 **({"dtick": 20} if unit == "%" else {})),
                      yaxis=dict(title=None))
    return fig


def _track(fig: go.Figure, rows: list, upper: float, custom) -> None:
    """A pale full-length bar behind each unit's bar: the row can be clicked (and drilled into)
    even where the unit's own bar has no length (0%, no members)."""
    track = go.Bar(y=list(fig.data[0].y), x=[upper] * len(rows), orientation="h", marker_color="#F4F1EE",
                   customdata=[custom(r) for r in rows], hovertemplate=fig.data[0].hovertemplate,
                   text=list(fig.data[0].text), textposition="none", showlegend=False, name="", meta="track")
    fig.add_trace(track)
    fig.data = (fig.data[1], fig.data[0])   # behind the unit's own bar
    fig.update_layout(barmode="overlay", showlegend=False)


def _mark(fig: go.Figure, x: float, label: str, colour_: str, dash: str, anchor: str) -> None:
    fig.add_vline(x=x, line_dash=dash, line_color=colour_, line_width=2)
    fig.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", xanchor=anchor, text=label, showarrow=False,
                       font=dict(size=MIN_TEXT, color="#424242"))


def count_ranking(names, values, title: str, unit: str, keys=None, highlight=None,
                  shown: int = RANKING_SHOWN) -> go.Figure:
    """Horizontal bars of a count per place, largest at the top."""
    rows = sorted(zip(names, values, keys if keys is not None else names), key=lambda r: r[1])
    rows, note = _shortlist(rows[::-1], lambda r: r[2] == highlight, shown)
    rows = rows[::-1]
    fig = go.Figure(go.Bar(
        y=[plain_html(r[0]) for r in rows], x=[r[1] for r in rows], orientation="h",
        text=[f"{int(r[1])}{unit}" for r in rows], textposition="outside", cliponaxis=False,
        textfont=dict(size=MIN_TEXT + 1),
        marker_color=[GOLD if r[2] == highlight and highlight is not None else RED for r in rows],
        customdata=[[r[2]] for r in rows],
        hovertemplate="%{y}<br>%{x}" + unit + "<extra></extra>",
    ))
    top = max([int(r[1]) for r in rows] + [1])
    _track(fig, rows, top * 1.05, lambda r: [r[2]])
    longest = max([len(f"{int(r[1])}{unit}") for r in rows] + [1])
    fig.update_layout(template=TEMPLATE, title=plain_html(title) + note, height=max(320, 90 + 42 * len(rows)),
                      margin=dict(r=30 + 10 * longest),
                      xaxis=dict(title=f"数量（{unit}）", range=[0, top * 1.05], **integer_ticks(top)),
                      yaxis=dict(title=None))
    return fig


def stacked_bars(categories, parts: dict[str, list], title: str, unit: str, percent: bool = False,
                 keys=None, horizontal: bool = False) -> go.Figure:
    """Bars split into parts (e.g. 一肩挑 / 分设 / 书记空缺); `percent` draws shares of each bar's total."""
    categories = [plain_html(c) for c in categories]
    totals = [sum(int(p[i]) for p in parts.values()) for i in range(len(categories))]
    fig = go.Figure()
    for i, (name, values) in enumerate(parts.items()):
        shown = [(int(v) * 100 / t if t else 0) if percent else int(v) for v, t in zip(values, totals)]
        text = [f"{int(v)}{unit}" + (f" {Rate(int(v), t).pct}" if percent and t else "") if int(v) else ""
                for v, t in zip(values, totals)]
        common = dict(name=name, marker_color=colour(name, i), text=text, textposition="inside",
                      insidetextanchor="middle", textangle=0, textfont=dict(size=MIN_TEXT + 1),
                      customdata=[[k, int(v), t] for k, v, t in zip(keys if keys is not None else categories,
                                                                    values, totals)],
                      hovertemplate=("%{y}" if horizontal else "%{x}") + "<br>" + plain_html(name)
                      + "：%{customdata[1]}" + unit + "（共%{customdata[2]}" + unit + "）<extra></extra>")
        fig.add_trace(go.Bar(y=categories, x=shown, orientation="h", **common) if horizontal
                      else go.Bar(x=categories, y=shown, **common))
    top = max(totals + [0])
    value_axis = dict(title="占比（%）" if percent else f"数量（{unit}）", ticksuffix="%" if percent else "",
                      **({"range": [0, 100], "dtick": 20} if percent else integer_ticks(top)))
    fig.update_layout(template=TEMPLATE, title=plain_html(title), barmode="stack",
                      height=max(380, 110 + 42 * len(categories)) if horizontal else 460,
                      **({"xaxis": value_axis, "yaxis": dict(title=None, autorange="reversed")} if horizontal
                         else {"yaxis": value_axis, "xaxis": dict(title=None, type="category")}))
    return _legend_room(fig)


def trend(years, series: dict[str, list], title: str, unit: str, percent: bool = False,
          labels: dict[str, list[str]] | None = None, mark: int | None = None) -> go.Figure:
    """Lines by year up to the chosen one (`mark`, drawn apart); `labels` gives each point's text
    (e.g. "73.6%(335/455)") for the hover and the chosen year's label."""
    years = [int(y) for y in years]
    mark = mark if mark is not None else (max(years) if years else None)
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        text = (labels or {}).get(name) or [f"{v:g}{unit}" if v is not None else "—" for v in values]
        fig.add_trace(go.Scatter(
            x=years, y=list(values), name=name, mode="lines+markers+text", line=dict(color=colour(name, i), width=3),
            marker=dict(size=[16 if y == mark else 9 for y in years]),
            # Only the chosen year's point is labelled on the chart: a label on every point
            # collides with the next line's; the hover has them all.
            text=[t if y == mark else "" for y, t in zip(years, text)], customdata=text,
            textposition="top center", textfont=dict(size=MIN_TEXT + 1), cliponaxis=False,
            hovertemplate="%{x}年 " + plain_html(name) + "：%{customdata}<extra></extra>"))
    top = max([v for vals in series.values() for v in vals if v is not None] + [0])
    if mark is not None:
        fig.add_vline(x=mark, line_dash="dot", line_color=GREY, line_width=1)
    fig.update_layout(template=TEMPLATE, title=plain_html(title), height=440,
                      # Half a year of padding so the first and last points' labels are not cut.
                      xaxis=dict(title="年度", dtick=1, tickformat="d", ticksuffix="年",
                                 range=[min(years, default=0) - 0.5, max(years, default=0) + 0.5]),
                      yaxis=dict(title="百分比（%）" if percent else f"数量（{unit}）",
                                 ticksuffix="%" if percent else "",
                                 **({"range": [0, 105], "dtick": 20} if percent else
                                    {"rangemode": "tozero", "range": [0, top * 1.15 or 1], **integer_ticks(top)})))
    return _legend_room(fig)


def grouped_bars(categories, series: dict[str, list], title: str, unit: str) -> go.Figure:
    """Side-by-side bars per category (e.g. admitted / transferred in / out per year)."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(go.Bar(x=[plain_html(c) for c in categories], y=[int(v) for v in values], name=name,
                             marker_color=colour(name, i), text=[f"{int(v)}" for v in values],
                             textposition="outside", textfont=dict(size=MIN_TEXT + 1), cliponaxis=False,
                             hovertemplate="%{x} " + plain_html(name) + "：%{y}" + unit + "<extra></extra>"))
    top = max([int(v) for values in series.values() for v in values] + [0])
    fig.update_layout(template=TEMPLATE, title=plain_html(title), barmode="group", height=460,
                      xaxis=dict(title=None, type="category"),
                      yaxis=dict(title=f"数量（{unit}）", range=[0, max(top, 1) * 1.15], **integer_ticks(top)))
    return _legend_room(fig)


def funnel(stages: list[str], values: list[int], title: str) -> go.Figure:
    """The admission pipeline, applicant → activist → candidate → admitted."""
    fig = go.Figure(go.Funnel(y=stages, x=[int(v) for v in values], textinfo="value",
                              textfont=dict(size=MIN_TEXT + 2), marker=dict(color=PALETTE[: len(stages)]),
                              hovertemplate="%{y}：%{x}名<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=plain_html(title), height=380)
    return fig


def is_empty(fig: go.Figure) -> bool:
    """Nothing to draw: no trace has a single point (a chart of it would show bare axes from −1
    to 1). A zero is a value: a unit at 0% is drawn."""
    for trace in fig.data:
        if trace.meta == "track":
            continue
        values = getattr(trace, "x", None) if getattr(trace, "orientation", None) == "h" else getattr(trace, "y", None)
        if values is not None and len(values):
            return False
    return True


def _legend_room(fig: go.Figure) -> go.Figure:
    """Several series get a legend under the title; give it its own band so the two never overlap."""
    if len(fig.data) > 1:
        fig.update_layout(margin=dict(t=120), title=dict(y=0.97, yref="container", yanchor="top"),
                          legend=dict(y=1.0, yanchor="bottom"))
    return fig


def integer_ticks(top: int) -> dict:
    """Counts of people or schools never get a fraction on their axis ("0.5所")."""
    if top <= 8:
        return {"dtick": 1, "tickformat": "d"}
    return {"tickformat": "d", "nticks": 8}


def _warm_up() -> None:
    """Load plotly's lazily imported parts now, while this module's import lock is held.

    Plotly imports validators, encoders and its dataframe layer on first use; sessions doing that
    at once on a fresh server can see a half-initialised module. Python serialises the import of
    this module, so a first use here makes later concurrent use safe (see app.py).
    """
    fig = rate_ranking(["甲"], [1], [2], "预热", reference=("全市", Rate(1, 2)), target=50)
    fig.add_trace(go.Scatter(x=[1], y=[1]))
    fig.add_trace(go.Funnel(y=["a"], x=[1]))
    pio.to_json(fig, validate=True)
    fig.to_plotly_json()


_warm_up()
