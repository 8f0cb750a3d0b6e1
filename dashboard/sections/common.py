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




def _ranks(values: dict) -> dict:
    """1 for the highest value; equal values share a rank; units without a value have none."""
    first: dict = {}   # value -> the place of its first unit (a nation's 2,000 counties: no list scans)
    for place, v in enumerate(sorted((v for v in values.values() if v is not None), reverse=True), start=1):
        first.setdefault(v, place)
    return {k: first[v] for k, v in values.items() if v is not None}


def _value(x):
    if isinstance(x, Rate):
        return float(x.rounded()) if x.defined else None
    return None if x is None else int(x)


def change_cells(codes: list, now: list, before: dict, unit: str) -> tuple[list[str], list[str]]:
    """For each unit (by code), its change on the year compared and the change of its rank among
    the units ("↑2位"): what a leader asks of a ranking table. `now` holds each unit's value (a
    Rate or a count) in `codes` order, `before` the same for the year compared."""
    cur = {c: _value(v) for c, v in zip(codes, now)}
    old = {c: _value(v) for c, v in before.items()}
    rank_now, rank_before = _ranks(cur), _ranks({c: old.get(c) for c in codes})
    deltas, moves = [], []
    for c in codes:
        a, b = cur.get(c), old.get(c)
        if a is None or b is None:
            deltas.append(DASH)
        elif a == b:
            deltas.append("持平")
        elif unit == "%":
            deltas.append(f"{a - b:+.1f}个百分点")
        else:
            deltas.append(f"{a - b:+g}{unit}")
        r, q = rank_now.get(c), rank_before.get(c)
        moves.append(DASH if r is None or q is None else "持平" if r == q else f"↑{q - r}位" if r < q else f"↓{r - q}位")
    return deltas, moves


__all__ = ["rate_card", "count_card", "stage_ordered", "type_ordered", "span", "rate_change", "change",
           "change_cells", "UP", "DOWN", "NEITHER"]
