"""DataFrame -> plotly Figure, in one visual language (no Streamlit here, so the report uses it too).

Large type for projectors, Chinese titles, axis units and hover text, and one palette: Party red
for the figure in focus, then gold, blue and greys. Rates are drawn as percentages but labelled
with their numerator and denominator, as the reports write them.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.metrics import Rate

RED, GOLD, BLUE, GREY, LIGHT_RED, GREEN = "#B71C1C", "#D4A017", "#3A6EA5", "#9E9E9E", "#E57373", "#4E8F5A"
PALETTE = [RED, GOLD, BLUE, GREY, LIGHT_RED, GREEN, "#7E57C2", "#6D4C41"]
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

pio.templates["dangjian"] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=16, color="#212121"),
        title=dict(font=dict(size=20), x=0, xanchor="left"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(gridcolor="#EEEEEE", zerolinecolor="#BDBDBD", automargin=True),
        yaxis=dict(gridcolor="#EEEEEE", zerolinecolor="#BDBDBD", automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        margin=dict(l=10, r=30, t=70, b=10),
        hoverlabel=dict(font=dict(family=FONT, size=15)),
    )
)
TEMPLATE = "dangjian"


def rate_ranking(names, nums, dens, title: str, keys=None, target: float | None = None,
                 unit: str = "%", axis_title: str = "百分比(%)") -> go.Figure:
    """Horizontal bars of a rate per place, best at the top, labelled "73.6%(335/455)".

    `keys` (e.g. county codes) ride along as customdata so a click can filter to that place.
    Places with no denominator are listed with a dash, not a zero bar.
    """
    rates = [Rate(int(n), int(d), unit=unit) for n, d in zip(nums, dens)]
    rows = sorted(zip(names, rates, keys if keys is not None else names),
                  key=lambda r: (r[1].value is not None, r[1].value or 0))
    fig = go.Figure(go.Bar(
        y=[r[0] for r in rows], x=[r[1].value or 0 for r in rows], orientation="h",
        text=[str(r[1]) for r in rows], textposition="outside", cliponaxis=False,
        marker_color=[RED if r[1].defined else GREY for r in rows],
        customdata=[[r[2], r[1].num, r[1].den] for r in rows],
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    if target is not None:
        fig.add_vline(x=target, line_dash="dash", line_color=GOLD,
                      annotation_text=f"目标 {target:g}%", annotation_position="top")
    top = max([r[1].value or 0 for r in rows] + [1])
    # Room on the right for the longest label, e.g. "100.0%(1077/1077)".
    longest = max([len(str(r[1])) for r in rows] + [1])
    fig.update_layout(template=TEMPLATE, title=title, height=max(320, 60 + 42 * len(rows)),
                      xaxis=dict(title=axis_title, range=[0, max(top, 100 if unit == "%" else 0) * (1 + longest / 22)],
                                 ticksuffix=unit), yaxis=dict(title=None))
    return fig


def count_ranking(names, values, title: str, unit: str, keys=None) -> go.Figure:
    """Horizontal bars of a count per place, largest at the top."""
    rows = sorted(zip(names, values, keys if keys is not None else names), key=lambda r: r[1])
    fig = go.Figure(go.Bar(
        y=[r[0] for r in rows], x=[r[1] for r in rows], orientation="h",
        text=[f"{int(r[1])}{unit}" for r in rows], textposition="outside", cliponaxis=False,
        marker_color=RED, customdata=[[r[2]] for r in rows],
        hovertemplate="%{y}<br>%{x}" + unit + "<extra></extra>",
    ))
    top = max([int(v) for v in values] + [1])
    fig.update_layout(template=TEMPLATE, title=title, height=max(320, 60 + 42 * len(rows)),
                      xaxis=dict(title=f"数量({unit})", range=[0, top * 1.18]), yaxis=dict(title=None))
    return fig


def stacked_bars(categories, parts: dict[str, list], title: str, unit: str, percent: bool = False,
                 keys=None, horizontal: bool = False) -> go.Figure:
    """Bars split into parts (e.g. 一肩挑 / 分设 / 书记空缺); `percent` draws shares of each bar's total."""
    totals = [sum(int(p[i]) for p in parts.values()) for i in range(len(categories))]
    fig = go.Figure()
    for (name, values), colour in zip(parts.items(), PALETTE):
        shown = [(int(v) * 100 / t if t else 0) if percent else int(v) for v, t in zip(values, totals)]
        text = [f"{int(v)}{unit}" + (f"<br>{Rate(int(v), t).pct}" if percent and t else "") if int(v) else ""
                for v, t in zip(values, totals)]
        common = dict(name=name, marker_color=colour, text=text, textposition="inside",
                      customdata=[[k, int(v), t] for k, v, t in zip(keys if keys is not None else categories,
                                                                    values, totals)],
                      hovertemplate="%{customdata[0]}<br>" + name + ":%{customdata[1]}" + unit
                      + "(共%{customdata[2]}" + unit + ")<extra></extra>")
        fig.add_trace(go.Bar(y=list(categories), x=shown, orientation="h", **common) if horizontal
                      else go.Bar(x=list(categories), y=shown, **common))
    value_axis = dict(title="占比(%)" if percent else f"数量({unit})", ticksuffix="%" if percent else "",
                      **({} if percent else _integer_ticks(max(totals + [0]))))
    fig.update_layout(template=TEMPLATE, title=title, barmode="stack",
                      height=max(380, 80 + 42 * len(categories)) if horizontal else 440,
                      **({"xaxis": value_axis, "yaxis": dict(title=None, autorange="reversed")} if horizontal
                         else {"yaxis": value_axis, "xaxis": dict(title=None, type="category")}))
    return _legend_room(fig)


def trend(years, series: dict[str, list], title: str, unit: str, percent: bool = False,
          labels: dict[str, list[str]] | None = None) -> go.Figure:
    """Lines by year; `labels` gives each point's text (e.g. "73.6%(335/455)") for hover."""
    years = [int(y) for y in years]
    fig = go.Figure()
    for (name, values), colour in zip(series.items(), PALETTE):
        text = (labels or {}).get(name) or [f"{v:g}{unit}" if v is not None else "—" for v in values]
        fig.add_trace(go.Scatter(x=years, y=list(values), name=name, mode="lines+markers+text",
                                 line=dict(color=colour, width=3), marker=dict(size=9),
                                 text=text, textposition="top center", textfont=dict(size=13), cliponaxis=False,
                                 hovertemplate="%{x}年 " + name + ":%{text}<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=title, height=420,
                      # Half a year of padding so the first and last points' labels are not cut.
                      xaxis=dict(title="年度", dtick=1, tickformat="d",
                                 range=[min(years, default=0) - 0.5, max(years, default=0) + 0.5]),
                      yaxis=dict(title="百分比(%)" if percent else f"数量({unit})",
                                 ticksuffix="%" if percent else "", rangemode="tozero"))
    return _legend_room(fig)


def grouped_bars(categories, series: dict[str, list], title: str, unit: str) -> go.Figure:
    """Side-by-side bars per category (e.g. admitted / transferred in / out per year)."""
    fig = go.Figure()
    for (name, values), colour in zip(series.items(), PALETTE):
        fig.add_trace(go.Bar(x=list(categories), y=[int(v) for v in values], name=name, marker_color=colour,
                             text=[f"{int(v)}" for v in values], textposition="outside",
                             hovertemplate="%{x} " + name + ":%{y}" + unit + "<extra></extra>"))
    top = max([int(v) for values in series.values() for v in values] + [0])
    fig.update_layout(template=TEMPLATE, title=title, barmode="group", height=440,
                      xaxis=dict(title=None, type="category"),
                      yaxis=dict(title=f"数量({unit})", range=[0, max(top, 1) * 1.15], **_integer_ticks(top)))
    return _legend_room(fig)


def funnel(stages: list[str], values: list[int], title: str) -> go.Figure:
    """The admission pipeline, applicant → activist → candidate → admitted."""
    fig = go.Figure(go.Funnel(y=stages, x=[int(v) for v in values], textinfo="value",
                              marker=dict(color=PALETTE[: len(stages)]),
                              hovertemplate="%{y}:%{x}名<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=title, height=380)
    return fig


def _legend_room(fig: go.Figure) -> go.Figure:
    """Several series get a legend under the title; give it its own band so the two never overlap."""
    if len(fig.data) > 1:
        fig.update_layout(margin=dict(t=110), title=dict(y=0.97, yref="container", yanchor="top"),
                          legend=dict(y=1.0, yanchor="bottom"))
    return fig


def _integer_ticks(top: int) -> dict:
    """Counts of a few things get a tick per unit, never "0.5所"."""
    return {"dtick": 1, "tickformat": "d"} if top <= 8 else {"tickformat": "d"}


def _warm_up() -> None:
    """Load plotly's lazily imported parts now, while this module's import lock is held.

    Plotly imports validators, encoders and its dataframe layer on first use; sessions doing that
    at once on a fresh server can see a half-initialised module. Python serialises the import of
    this module, so a first use here makes later concurrent use safe (see app.py).
    """
    fig = rate_ranking(["甲"], [1], [2], "预热")
    fig.add_trace(go.Scatter(x=[1], y=[1]))
    fig.add_trace(go.Funnel(y=["a"], x=[1]))
    pio.to_json(fig, validate=True)
    fig.to_plotly_json()


_warm_up()
