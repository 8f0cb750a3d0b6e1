"""County boundaries + a value per county -> a plotly map, drawn on plain axes so nothing is fetched.

Why not plotly's own maps: a geo subplot (go.Choropleth, even with a custom geojson and every base
layer off) always downloads a world topojson from cdn.plot.ly before it draws, and fails without
it; the tile maps (choroplethmap) fetch a style and glyphs. On a bureau's closed network both
break, so each county is a filled polygon (go.Scatter, fill="toself") on cartesian axes held at
the map's aspect (a degree of longitude is cos(latitude) of a degree of latitude).

A filled area is not a plotly point: hovering it gives no customdata and clicking it selects
nothing. So an invisible lattice of points covers every county, each carrying the county's
customdata [county_code, numerator, denominator] and its hover text, and clicks and hovers land on
those (ui.county_click_callback reads customdata[0], as for the bar rankings).

No Streamlit here: the screen, the overview and the report draw it alike.
"""
from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import charts
from dashboard.metrics import DASH, Rate, count

# A lattice step of 1/48 of the map's longer side is 12-40 px from a laptop to a 4K screen; with
# the invisible markers' radius the whole of every county is within plotly's hover distance.
_LATTICE = 48
_HIT_MARKER_PX = 24
# Vertices closer than this fraction of the map's diagonal are merged: under a pixel on a 4K
# screen, and a bureau's detailed file need not be sent whole to the browser.
_THIN = 1 / 4000


@dataclass(frozen=True)
class MapStyle:
    paper: str           # the ground
    ink: str             # title, colour bar
    border: str          # county outlines
    border_width: float
    empty: str           # fill of a county without a value
    scale: tuple[str, ...]  # low -> high
    label_size: int      # px, county labels; the floor on a 1920-wide screen is 14
    title_size: int
    hover_size: int
    height: int


LIGHT = MapStyle(paper="white", ink="#212121", border="#6E6E6E", border_width=1.0, empty="#D9D9D9",
                 scale=("#FCE8E4", "#F2A490", "#D9463B", charts.RED), label_size=16, title_size=20,
                 hover_size=16, height=560)
# The meeting screen: deep red to gold on a near-black ground, type for the back of a room.
DARK = MapStyle(paper="#140A0A", ink="#F7E7C1", border="#E8C061", border_width=1.5, empty="#3E3A3A",
                scale=("#6E0F0F", "#A8201C", "#D9582A", "#F2C14E"), label_size=22, title_size=30,
                hover_size=22, height=820)
STYLES = {"light": LIGHT, "dark": DARK}
_BLACK, _WHITE = "#000000", "#FFFFFF"


# Geometry -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountyShape:
    code: str
    name: str
    xs: tuple          # longitudes of every ring, None between rings (plotly's gap)
    ys: tuple
    label: tuple[float, float]
    hits: tuple[tuple[float, float], ...]   # the invisible lattice points inside it


@dataclass(frozen=True)
class MapShapes:
    counties: tuple[CountyShape, ...]
    aspect: float      # y-axis pixels per degree over x-axis pixels per degree
    bounds: tuple[float, float, float, float]   # lon0, lat0, lon1, lat1


def prepare(geojson: dict) -> MapShapes:
    """The drawing of a FeatureCollection checked by maps.check_geojson: rings oriented so holes
    cut out, near-duplicate vertices merged, a label point inside each county and the lattice.
    Pure data, so data.py can cache it per boundary file."""
    polygons_by_county = []
    for feature in geojson["features"]:
        props = feature["properties"]
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        rings = [[_closed([(float(p[0]), float(p[1])) for p in ring]) for ring in polygon] for polygon in polygons]
        polygons_by_county.append((str(props["county_code"]), str(props.get("county_name") or props["county_code"]), rings))
    points = [pt for _, _, polys in polygons_by_county for poly in polys for pt in poly[0]]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    kx = math.cos(math.radians((lat0 + lat1) / 2))  # local x scale so distances are true
    thin = math.hypot((lon1 - lon0) * kx, lat1 - lat0) * _THIN

    counties = []
    step = max((lon1 - lon0) * kx, lat1 - lat0) / _LATTICE
    for code, name, polygons in polygons_by_county:
        xs, ys, all_rings = [], [], []
        for polygon in polygons:
            for k, ring in enumerate(polygon):
                ring = _thinned(ring, thin / kx, thin)
                if _signed_area(ring) * (1 if k == 0 else -1) < 0:  # exterior anticlockwise, holes clockwise
                    ring = ring[::-1]
                all_rings.append(ring)
                if xs:
                    xs.append(None)
                    ys.append(None)
                xs.extend(p[0] for p in ring)
                ys.extend(p[1] for p in ring)
        label = _label_point(all_rings, kx)
        # A county smaller than a lattice cell still gets one point: its label's.
        hits = tuple(_lattice_inside(all_rings, lon0, lat0, lon1, lat1, step / kx, step)) or (label,)
        counties.append(CountyShape(code, name, tuple(xs), tuple(ys), label, hits))
    return MapShapes(tuple(counties), 1 / kx, (lon0, lat0, lon1, lat1))


def _closed(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """GeoJSON repeats the first position last; a file that does not still means a closed ring."""
    return ring if ring[0] == ring[-1] else [*ring, ring[0]]


def _thinned(ring: list[tuple[float, float]], tol_x: float, tol_y: float) -> list[tuple[float, float]]:
    out = [ring[0]]
    for p in ring[1:-1]:
        if abs(p[0] - out[-1][0]) > tol_x or abs(p[1] - out[-1][1]) > tol_y:
            out.append(p)
    out.append(ring[-1])
    return out if len(out) >= 4 else ring


def _signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _crossings(rings, y: float) -> list[float]:
    """Where the horizontal line at y crosses the rings, sorted: inside between pairs."""
    xs = []
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            if (y0 <= y) != (y1 <= y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return sorted(xs)


def _lattice_inside(rings, lon0, lat0, lon1, lat1, dx, dy):
    y = lat0 + dy / 2
    while y < lat1:
        xs = _crossings(rings, y)
        for a, b in zip(xs[::2], xs[1::2]):
            x = lon0 + dx / 2 + math.ceil((a - lon0 - dx / 2) / dx) * dx  # on the map-wide lattice
            while x < b:
                yield round(x, 5), round(y, 5)
                x += dx
        y += dy


def _label_point(rings, kx: float) -> tuple[float, float]:
    """Nearly the point inside the county farthest from its border (where a label fits best):
    the midpoints of the inside runs of a few horizontal lines, best by distance to the border."""
    lat0 = min(p[1] for r in rings for p in r)
    lat1 = max(p[1] for r in rings for p in r)
    best, best_d = None, -1.0
    for i in range(1, 16):
        y = lat0 + (lat1 - lat0) * i / 16
        xs = _crossings(rings, y)
        for a, b in zip(xs[::2], xs[1::2]):
            c = ((a + b) / 2, y)
            d = _distance_to_border(c, rings, kx)
            if d > best_d:
                best, best_d = c, d
    return best or rings[0][0]


def _distance_to_border(c, rings, kx: float) -> float:
    cx, cy = c[0] * kx, c[1]
    best = math.inf
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            x0, x1 = x0 * kx, x1 * kx
            ex, ey = x1 - x0, y1 - y0
            t = max(0.0, min(1.0, ((cx - x0) * ex + (cy - y0) * ey) / ((ex * ex + ey * ey) or 1)))
            best = min(best, math.hypot(cx - x0 - t * ex, cy - y0 - t * ey))
    return best


# Colour ---------------------------------------------------------------------------------------------
def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(v):02X}" for v in rgb)


def colour_at(scale: tuple[str, ...], t: float) -> str:
    """The colour a fraction t (0-1) along the scale's stops."""
    t = min(1.0, max(0.0, t))
    pos = t * (len(scale) - 1)
    i = min(int(pos), len(scale) - 2)
    a, b = _rgb(scale[i]), _rgb(scale[i + 1])
    f = pos - i
    return _hex([a[k] + (b[k] - a[k]) * f for k in range(3)])


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on the fill: one of them always reaches 4.5:1."""
    return _BLACK if contrast(_BLACK, fill) >= contrast(_WHITE, fill) else _WHITE


# The figure -----------------------------------------------------------------------------------------
def county_map(boundaries: dict | MapShapes, values: Mapping[str, Rate | int | float | None], metric: str,
               *, unit: str = "", title: str | None = None, style: str = "light",
               names: Mapping[str, str] | None = None, value_range: tuple[float, float] | None = None,
               height: int | None = None) -> go.Figure:
    """The counties coloured by `metric`: a Rate per county (coloured by its value, labelled n/N and
    shown as "73.6%(335/455)" in the hover) or a count (labelled with `unit`). A county without a
    value, or with nothing to divide by, is grey with a dash. `names` (the extract's county names)
    win over the file's; `value_range` fixes the colour scale (else it spans the values shown)."""
    shapes = boundaries if isinstance(boundaries, MapShapes) else prepare(boundaries)
    st = STYLES[style]
    names = names or {}
    shown = {c.code: _shown(values.get(c.code), unit) for c in shapes.counties}
    defined = [v for v, _, _ in shown.values() if v is not None]
    lo, hi = value_range or ((min(defined), max(defined)) if defined else (0.0, 1.0))
    span = (hi - lo) or 1.0

    def fill_of(code: str) -> str:
        v = shown[code][0]
        return st.empty if v is None else colour_at(st.scale, (v - lo) / span if hi > lo else 1.0)

    fig = go.Figure()
    for c in shapes.counties:
        fig.add_trace(go.Scatter(
            x=c.xs, y=c.ys, mode="lines", fill="toself", fillcolor=fill_of(c.code),
            line=dict(color=st.border, width=st.border_width), name=names.get(c.code, c.name),
            meta=c.code, hoverinfo="skip", showlegend=False))

    # One lattice trace per county, so its hover text and colours are written once, not per point.
    custom = {c.code: _custom(c.code, values.get(c.code)) for c in shapes.counties}
    for c in shapes.counties:
        points, fill = c.hits, fill_of(c.code)
        fig.add_trace(go.Scatter(
            x=[p[0] for p in points], y=[p[1] for p in points], mode="markers",
            marker=dict(size=_HIT_MARKER_PX, opacity=0, color=fill),
            # A click selects its point; keep every point invisible whatever the selection.
            selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)),
            customdata=[custom[c.code]] * len(points),
            hovertext=f"<b>{_text(names.get(c.code, c.name))}</b><br>{metric}：{shown[c.code][2]}", hoverinfo="text",
            hoverlabel=dict(bgcolor=fill, bordercolor=st.border,
                            font=dict(family=charts.FONT, size=st.hover_size, color=text_colour(fill))),
            meta=c.code, name="county_hits", showlegend=False))

    # Labels in one trace per text colour, so a selection's dimming can be turned off per trace.
    for ink in (_BLACK, _WHITE):
        group = [c for c in shapes.counties if text_colour(fill_of(c.code)) == ink]
        if not group:
            continue
        fig.add_trace(go.Scatter(
            x=[c.label[0] for c in group], y=[c.label[1] for c in group], mode="text",
            text=[f"{_text(names.get(c.code, c.name))}<br>{shown[c.code][1]}" for c in group],
            textfont=dict(family=charts.FONT, size=st.label_size, color=ink),
            selected=dict(textfont=dict(color=ink)), unselected=dict(textfont=dict(color=ink)),
            customdata=[custom[c.code] for c in group], hoverinfo="skip",
            name="county_labels", showlegend=False))

    if defined:
        fig.add_trace(_colour_bar(st, lo, hi, metric, unit, shapes))

    lon0, lat0, lon1, lat1 = shapes.bounds
    pad_x, pad_y = (lon1 - lon0) * 0.02, (lat1 - lat0) * 0.02
    axis = dict(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    fig.update_layout(
        template=charts.TEMPLATE, height=height or st.height, paper_bgcolor=st.paper, plot_bgcolor=st.paper,
        font=dict(family=charts.FONT, color=st.ink, size=max(16, st.label_size - 4)),
        title=dict(text=title, font=dict(size=st.title_size, color=st.ink), pad=dict(l=12)) if title else None,
        margin=dict(l=10, r=10, t=(st.title_size * 2 + 20) if title else 10, b=10),
        xaxis=dict(axis, range=[lon0 - pad_x, lon1 + pad_x]),
        yaxis=dict(axis, range=[lat0 - pad_y, lat1 + pad_y], scaleanchor="x", scaleratio=shapes.aspect),
        hovermode="closest", dragmode=False, showlegend=False,
    )
    return fig


def _text(value: str) -> str:
    """A name as plain text: plotly reads <b>, <a href> and the like in labels as markup."""
    return html.escape(str(value), quote=False)


def _shown(value, unit: str) -> tuple[float | None, str, str]:
    """(colour value, label line, hover text)."""
    if isinstance(value, Rate):
        if not value.defined:
            return None, DASH, DASH
        return value.value, f"{value.num}/{value.den}", str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, DASH, DASH
    return float(value), count(value, unit), count(value, unit)


def _custom(code: str, value) -> list:
    if isinstance(value, Rate):
        return [code, value.num, value.den]
    return [code, None if value is None or (isinstance(value, float) and math.isnan(value)) else value, None]


def _colour_bar(st: MapStyle, lo: float, hi: float, metric: str, unit: str, shapes: MapShapes) -> go.Scatter:
    """A legend for the fills: a marker trace with the same scale, drawn nowhere visible."""
    n = len(st.scale)
    return go.Scatter(
        x=[shapes.bounds[0]] * 2, y=[shapes.bounds[1]] * 2, mode="markers", hoverinfo="skip",
        marker=dict(size=0.1, opacity=0, color=[lo, hi], cmin=lo, cmax=hi if hi > lo else lo + 1,
                    colorscale=[[i / (n - 1), c] for i, c in enumerate(st.scale)], showscale=True,
                    colorbar=dict(title=dict(text=metric, font=dict(size=st.label_size, color=st.ink)),
                                  tickfont=dict(size=max(14, st.label_size - 2), color=st.ink),
                                  ticksuffix=unit, thickness=max(14, st.label_size - 2), len=0.6,
                                  outlinewidth=0, x=1.0, xanchor="left", bgcolor="rgba(0,0,0,0)")),
        name="colour_bar", showlegend=False)
