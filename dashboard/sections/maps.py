"""The county map as a section block: each county's figure for one metric, drawn on its boundary
(dashboard/maps.py, dashboard/map_chart.py). 总览 and the meeting screen use it alike.

The map's unit is the county, so it exists only where the view compares counties (ctx.level is
county) and every county compared has a boundary; otherwise county_map() returns None and the page
shows the ranking alone. No Streamlit here: the boundaries come through `shapes` (data.county_shapes
in the app, which caches them; maps.boundaries + map_chart.prepare in the tests)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Callable

from dashboard import map_chart
from dashboard.text import plain_html
from dashboard.map_chart import MapShapes
from dashboard.metrics import Rate
from dashboard.sections.blocks import Chart, count_of
from dashboard.sections.context import COUNTY, Context
from dashboard.sections.overview import RANKINGS, per_unit, ranking_values

UNCOVERED = "党组织未覆盖学校"
# Every metric a county can be coloured by: the overview's rankings and the screen's problem theme.
METRICS = (*RANKINGS, UNCOVERED)
Shapes = Callable[[Mapping[str, str]], MapShapes | None]


def unit_values(ctx: Context, metric: str) -> tuple[dict[str, Rate | int], dict[str, str], str]:
    """(unit code -> its figure, unit code -> its name, the unit of a count) at the view's level,
    every unit listed, in the query's order: the overview's rankings, and the schools not covered."""
    if metric == UNCOVERED:
        return *per_unit(ctx.by_unit("coverage_by_unit"), lambda r: count_of(r.schools) - count_of(r.org_covered)), "所"
    return ranking_values(ctx, metric)


def county_map(ctx: Context, metric: str, shapes: Shapes, style: str = "light",
               height: int | None = None) -> Chart | None:
    """The counties of the view coloured by `metric` (a Chart whose click drills into a county), or
    None when the view does not compare counties or some county compared has no boundary."""
    if ctx.level != COUNTY:
        return None
    values, names, unit = unit_values(ctx, metric)
    if not names:
        return None
    drawn = shapes(names)
    if drawn is None:
        return None
    title = f"{ctx.year}年{ctx.subject}各县区{metric}"

    def build():
        fig = map_chart.county_map(drawn, values, metric, unit=unit, title=plain_html(title), style=style,
                                   names=names, height=height)
        # Equal scales kept by narrowing the plot, not by widening the ranges: plotly writes a
        # widened range back into the figure, so a first draw at another size (a column still
        # settling, a scaled screen) would leave the map small for good.
        fig.update_xaxes(constrain="domain")
        fig.update_yaxes(constrain="domain")
        return fig
    return Chart("map", title, build, drill=ctx.level, report=False)
