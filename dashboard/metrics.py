"""Rates, counts and year-on-year changes as the reports write them (no Streamlit here).

A rate is always carried with its numerator and denominator, shown with one decimal
("73.6%（335/455）"), rounded half up as people round, and shown as a dash when there is
nothing to divide by, never as NaN or "0.0%（0/0）". Numbers are written as GB/T 15835 writes
them: Arabic numerals, no thousands separators; Chinese punctuation is full-width.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

DASH = "—"


@dataclass(frozen=True)
class Rate:
    num: int
    den: int
    per: int = 100  # 100 for a percentage; also "per 100 staff"
    unit: str = "%"  # "" for a per-100 figure, which is not a percentage

    @property
    def defined(self) -> bool:
        return self.den > 0

    @property
    def value(self) -> float | None:
        return self.num * self.per / self.den if self.defined else None

    def rounded(self) -> Decimal | None:
        if not self.defined:
            return None
        return (Decimal(self.num) * self.per / Decimal(self.den)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def pct(self) -> str:
        """"73.6%", or a dash."""
        r = self.rounded()
        return DASH if r is None else f"{r}{self.unit}"

    def __str__(self) -> str:
        """"73.6%（335/455）", or a dash when the denominator is 0."""
        return DASH if not self.defined else f"{self.pct}（{self.num}/{self.den}）"


def count(n, unit: str = "") -> str:
    """"455个", "12345名" (no thousands separator); a dash for a missing figure."""
    if n is None or pd.isna(n):
        return DASH
    return f"{int(n)}{unit}"


def change(cur, prev, unit: str, since: str = "上年") -> str:
    """"较上年增加12名" / "较2020年减少3个" / "与上年持平"; empty when there is nothing to compare."""
    if prev is None or cur is None or pd.isna(prev) or pd.isna(cur):
        return ""
    d = int(cur) - int(prev)
    if d == 0:
        return f"与{since}持平"
    return f"较{since}{'增加' if d > 0 else '减少'}{abs(d)}{unit}"


def rate_change(cur: Rate | None, prev: Rate | None, since: str = "上年") -> str:
    """"较上年提高1.2个百分点" (a per-100 figure: "增加0.8名"); empty when either year has no rate."""
    if cur is None or prev is None or not cur.defined or not prev.defined:
        return ""
    d = cur.rounded() - prev.rounded()
    if d == 0:
        return f"与{since}持平"
    if cur.unit != "%":
        return f"较{since}{'增加' if d > 0 else '减少'}{abs(d)}名"
    return f"较{since}{'提高' if d > 0 else '下降'}{abs(d)}个百分点"


def signed(n) -> str:
    """"+12" / "-3" / "0" for deltas in cards and tables."""
    if n is None or pd.isna(n):
        return DASH
    return f"{int(n):+d}" if int(n) else "0"


def row_for_year(df: pd.DataFrame, year: int) -> dict | None:
    """The row of a by-year frame for one year, as a dict of Python ints; None when absent."""
    rows = df[df["year"] == year]
    if rows.empty:
        return None
    return {k: (None if pd.isna(v) else (int(v) if isinstance(v, (int, float)) or hasattr(v, "item") else v))
            for k, v in rows.iloc[0].items()}
