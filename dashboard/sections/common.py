"""Pieces several sections share: cards for a rate or a count, the stage order, per-unit charts."""
from __future__ import annotations

import pandas as pd

from dashboard import contract
from dashboard.metrics import DASH, Rate, change, count, rate_change, signed
from dashboard.sections.blocks import Card

UP, DOWN, NEITHER = 1, -1, 0


def rate_card(label: str, cur: Rate | None, prev: Rate | None, help_text: str | None = None,
              direction: int = NEITHER) -> Card:
    """A rate, the change on the year compared in points, and beneath it "73.6%（335/455）"."""
    delta = None
    if cur is not None and prev is not None and cur.defined and prev.defined:
        d = cur.rounded() - prev.rounded()
        # Percentages change in points; a per-100 figure changes in its own unit.
        delta = (f"{d:+}个百分点" if cur.unit == "%" else f"{d:+}") if d else None
    defined = cur is not None and cur.defined
    return Card(label, cur.pct if cur is not None else DASH, str(cur) if defined else "无可计算的分母",
                delta=delta, direction=direction, help=help_text, rate=cur)


def count_card(label: str, cur, prev, unit: str, help_text: str | None = None, direction: int = NEITHER,
               since: str = "上年") -> Card:
    """A count with its unit, the change on the year compared, and beneath it the change in words."""
    delta = None if prev is None or cur is None else int(cur) - int(prev)
    return Card(label, count(cur, unit), change(cur, prev, unit, since) or f"{since}无可比数据",
                delta=f"{signed(delta)}{unit}" if delta else None, direction=direction, help=help_text,
                count=None if cur is None else int(cur), unit=unit)


def stage_ordered(df: pd.DataFrame, column: str = "stage") -> pd.DataFrame:
    """Rows in the contract's order of stages (kindergarten first), for charts and tables."""
    order = {s: i for i, s in enumerate(contract.STAGES)}
    return df.assign(_o=df[column].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def type_ordered(df: pd.DataFrame, column: str = "org_type") -> pd.DataFrame:
    """Rows in the contract's order of organisation types (党委, 党总支, 党支部)."""
    order = {t: i for i, t in enumerate(contract.ORG_TYPES)}
    return df[df[column].isin(order)].assign(_o=df[column].map(order)).sort_values("_o").drop(
        columns="_o").reset_index(drop=True)


def span(years) -> str:
    """"2018—2024年": the span a trend covers."""
    return f"{int(min(years))}—{int(max(years))}年"


__all__ = ["rate_card", "count_card", "stage_ordered", "type_ordered", "span", "rate_change", "change",
           "UP", "DOWN", "NEITHER"]
