"""Vectorised building blocks: apportionment, draws, ranks, dates and Arrow strings.

Names and identifiers are built as Arrow string arrays: concatenating and taking in Arrow is fast
on millions of rows, where Python strings would not be.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


# ---------------------------------------------------------------------------------------------
# Integers that add up

def alloc(total: int, weights) -> np.ndarray:
    """Largest-remainder apportionment: integers proportional to weights, summing to total exactly."""
    w = np.asarray(weights, dtype=float)
    q = total * w / w.sum()
    out = np.floor(q).astype(np.int64)
    rest = int(total - out.sum())
    if rest > 0:
        out[np.argsort(-(q - out), kind="stable")[:rest]] += 1
    return out


def alloc_bounded(total: int, weights, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Like alloc, within per-item bounds; the total is clipped to what the bounds allow."""
    total = int(np.clip(total, lo.sum(), hi.sum()))
    w = np.asarray(weights, dtype=float)
    q = total * w / max(w.sum(), 1e-9)
    out = np.clip(np.rint(q).astype(np.int64), lo, hi)
    while (diff := total - int(out.sum())) != 0:
        if diff > 0:
            cand = np.flatnonzero(out < hi)
            cand = cand[np.argsort(-(q - out)[cand], kind="stable")][:diff]
            out[cand] += 1
        else:
            cand = np.flatnonzero(out > lo)
            cand = cand[np.argsort((q - out)[cand], kind="stable")][:-diff]
            out[cand] -= 1
    return out


def fit_sum(x: np.ndarray, total: int, lo: int, hi: np.ndarray) -> np.ndarray:
    """Integers near x (scaled about lo), within [lo, hi], summing exactly to total."""
    x = np.asarray(x, dtype=float)
    hi = np.maximum(np.asarray(hi, dtype=float) * np.ones_like(x), lo)
    total = int(np.clip(total, lo * len(x), hi.sum()))
    y = x.copy()
    for _ in range(50):  # water-filling: scale the free part, clip, repeat
        free = (y > lo) & (y < hi)
        excess = total - y.sum()
        if abs(excess) < 0.5 or not free.any():
            break
        span = (y[free] - lo).sum()
        y[free] = lo + (y[free] - lo) * (1 + excess / max(span, 1e-9))
        y = np.clip(y, lo, hi)
    out = np.floor(y).astype(np.int64)
    rest = total - int(out.sum())
    order = np.argsort(-(y - out), kind="stable")
    if rest > 0:
        room = out < hi
        pick = order[room[order]][:rest]
        out[pick] += 1
    elif rest < 0:
        room = out > lo
        pick = order[::-1][room[order[::-1]]][:-rest]
        out[pick] -= 1
    return out


# ---------------------------------------------------------------------------------------------
# Draws

def draw(rng, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((u >= cum).sum(axis=1), probs.shape[1] - 1)


def weighted_pick(rng, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct positions, drawn without replacement with probability proportional to weights."""
    keys = rng.exponential(size=len(weights)) / np.maximum(weights, 1e-12)
    k = min(k, len(weights))
    return np.sort(np.argpartition(keys, k - 1)[:k]) if k > 0 else np.array([], dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Groups

def first_of_groups(groups: np.ndarray) -> np.ndarray:
    """Positions of the first row of each run in a sorted group array."""
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else groups.astype(np.int64)


def rank_in_groups(*keys: np.ndarray) -> np.ndarray:
    """0-based rank of each row within its group of equal keys, in row order."""
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return frame.groupby(list(frame.columns), sort=False).cumcount().to_numpy()


# ---------------------------------------------------------------------------------------------
# Dates (datetime64[D])

def jan1(years) -> np.ndarray:
    return (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def dec31(years) -> np.ndarray:
    return jan1(np.asarray(years, dtype=np.int64) + 1) - np.timedelta64(1, "D")


def random_day(rng, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """A uniformly random day in [start, end] (datetime64[D] arrays)."""
    span = (end - start).astype(np.int64) + 1
    return start + np.floor(rng.random(len(start)) * np.maximum(span, 1)).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Arrow strings

def _cn_numeral(i: int) -> str:
    digits = "零一二三四五六七八九"
    if i < 10:
        return digits[i]
    if i < 100:
        tens, units = divmod(i, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + ("" if units == 0 else digits[units])
    return str(i)


_CN = pa.array([_cn_numeral(i) for i in range(1000)])


def cn(i: np.ndarray) -> pa.Array:
    """Chinese numerals (一, 十二, …) for 0–999."""
    return at(_CN, np.clip(i, 0, len(_CN) - 1))


def to_pa(values) -> pa.Array:
    """Strings as an Arrow array."""
    if isinstance(values, pa.Array):
        return values
    return pa.array(np.asarray(values, dtype=object), type=pa.string())


def at(strings, idx) -> pa.Array:
    """strings[idx], with -1 giving a missing value."""
    idx = np.asarray(idx, dtype=np.int64)
    return pc.take(to_pa(strings), pa.array(idx, mask=idx < 0))


def cat(*parts) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and scalars."""
    return pc.binary_join_element_wise(*parts, "")


def compose(n: int, rules) -> pa.Array:
    """n strings from (mask, parts) rules; a later rule wins where masks overlap. Each rule
    concatenates only the rows it ends up owning."""
    owner = np.full(n, -1)
    for i, (mask, _) in enumerate(rules):
        owner[mask] = i
    if (owner < 0).any():
        raise ValueError("a row matches no naming rule")
    pieces, positions = [], []
    for i, (_, parts) in enumerate(rules):
        pos = np.flatnonzero(owner == i)
        if len(pos):
            sel = pa.array(pos)
            piece = cat(*(p if isinstance(p, str) else pc.take(p, sel) for p in parts))
            pieces.append(pa.repeat(piece, len(pos)) if isinstance(piece, pa.Scalar) else piece)
            positions.append(pos)
    values = pa.concat_arrays(pieces)
    return pc.take(values, pa.array(np.argsort(np.concatenate(positions), kind="stable")))


def str_series(values) -> pd.Series:
    """A string Series (Arrow-backed), the type the contract's identifiers and labels take."""
    return pd.Series(pd.array(to_pa(values), dtype="str"))


def labels(names, codes: np.ndarray) -> pd.Series:
    """The contract's Chinese values for an array of codes (indices into names; -1 is missing)."""
    return str_series(at(list(names), codes))


def numbered(prefix: str, n: int, width: int) -> np.ndarray:
    """"O0000001", "O0000002", …: identifiers numbered from 1."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
