"""What a section returns, as plain values the pages, the Word document, the workbook and the
meeting screen all draw: cards, charts, tables and paragraphs. No Streamlit here."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Callable

import plotly.graph_objects as go

from dashboard.metrics import Rate

# How a table column's cells are typed, so each writer formats them its own way (a RATE is
# "73.6%(335/455)" in Word and on a page, a number with a % format in Excel).
TEXT, COUNT, RATE, NUMBER, DATE = "text", "count", "rate", "number", "date"


@dataclass(frozen=True)
class Card:
    """One headline figure: the value in large type, and beneath it what makes it checkable
    (the rate with its numerator and denominator, or the change in words)."""
    label: str
    value: str
    detail: str
    delta: str | None = None
    # +1: up is good (coverage), -1: down is good (vacancies), 0: policy gives no direction.
    direction: int = 0
    help: str | None = None
    rate: Rate | None = None
    count: int | None = None
    unit: str = ""


@dataclass
class Chart:
    """A chart's title (also its caption and file name) and how to draw it: figures are built
    only when drawn, as building a dozen plotly figures costs more than the queries."""
    key: str
    title: str
    build: Callable[[], go.Figure]
    drill: str | None = None  # the level of the units drawn: a click on one goes one level down
    report: bool = True      # also drawn in the report pack

    @functools.cached_property
    def figure(self) -> go.Figure:
        return self.build()


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = COUNT
    unit: str = ""
    # A RATE column names the columns holding its numerator and denominator, if the table has them.
    of: tuple[str, str] | None = None

    @property
    def title(self) -> str:
        """The header as a table prints it, with its unit: "学校数（所）"."""
        return f"{self.header}（{self.unit}）" if self.unit and self.unit != "%" else self.header


@dataclass
class Table:
    """Rows of typed cells (int, str, Rate, float, date or None) under typed columns."""
    key: str
    title: str
    columns: list[Col]
    rows: list[list]
    note: str = ""
    doc_columns: list[str] | None = None    # the keys that fit on a portrait page
    doc_max_rows: int | None = None         # long name lists: the document shows the first ones
    report: bool = True
    links: list[str] | None = None          # per row, the school a click on the row opens
    total: bool = False                     # the last row is a 合计 row

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    def values(self, key: str) -> list:
        i = self.keys.index(key)
        return [r[i] for r in self.rows]


@dataclass
class Section:
    key: str
    heading: str
    cards: list[Card] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    empty: str = ""          # set when the scope gives this section nothing to show

    def add_chart(self, chart: Chart) -> Chart:
        self.charts[chart.key] = chart
        return chart

    def add_table(self, table: Table) -> Table:
        self.tables[table.key] = table
        return table


def with_total(rows: list[list], columns: list[Col], label: str = "合计") -> list[list]:
    """The rows and a 合计 row: counts summed; a rate recomputed from the summed numerators and
    denominators (never an average of rates); text and dates left empty."""
    total: list = [label]
    for j, col in enumerate(columns[1:], start=1):
        cells = [r[j] for r in rows]
        if col.kind == RATE:
            rates = [c for c in cells if isinstance(c, Rate)]
            unit = rates[0].unit if rates else "%"
            total.append(Rate(sum(r.num for r in rates), sum(r.den for r in rates), unit=unit))
        elif col.kind == COUNT:
            total.append(sum(c for c in cells if isinstance(c, int)))
        else:
            total.append(None)
    return [*rows, total]


def plain(v):
    """A query cell as a plain Python value for the writers."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


def count_of(v) -> int:
    """A count from a query cell; a missing aggregate is zero of that thing."""
    v = plain(v)
    return 0 if v is None else int(v)
