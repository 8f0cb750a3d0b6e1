"""Organisational life (org_activities): the meetings each organisation held, month by month.

A 党支部 is held to 三会一课 as rules.ACTIVITY_REQUIREMENTS says (monthly 支部委员会, 党小组会 and
主题党日; quarterly 支部党员大会 and 党课; yearly 组织生活会 and 民主评议党员). A 党总支 or 党委 holds
its own committee's meetings (recorded as 支部委员会) every month, a 党课 a quarter, and the yearly
组织生活会 and 民主评议党员; a 党委's branches hold their own as branches.

Most organisations keep to the schedule; some fall behind a little (a quarter's 党课 or a month's
主题党日 missed), a few far behind; an organisation tends to stay as diligent as it was. An
organisation founded during a year meets from the month it was founded. One row per organisation,
year, month and kind held; some organisations also report the meetings they missed, as 0.
Drawn from its own random stream after every other table, which it leaves untouched.
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import contract, rules
from dashboard.demo import arrays
from dashboard.demo.codes import BRANCH

KINDS = contract.ACTIVITY_KINDS
K = len(KINDS)
_KIND = {k: i for i, k in enumerate(KINDS)}
_PERIOD = {r.kind: r.period for r in rules.ACTIVITY_REQUIREMENTS}
MONTHLY = np.array([_KIND[k] for k in KINDS if _PERIOD[k] == rules.MONTH])
QUARTERLY = np.array([_KIND[k] for k in KINDS if _PERIOD[k] == rules.QUARTER])
YEARLY = np.array([_KIND[k] for k in KINDS if _PERIOD[k] == rules.YEAR])
COMMITTEE_MEETING, LECTURE = _KIND["支部委员会"], _KIND["党课"]
# What a 党总支 or 党委 holds itself, and how often (the branch requirement of the same kind).
_LARGER_KINDS = np.array([COMMITTEE_MEETING, LECTURE, *YEARLY])

# Diligence: a persistent trait plus a year's luck; the quantiles give the shares far behind and behind.
_FAR_BEHIND, _BEHIND = 0.05, 0.22        # cumulative: 5 % far behind, 17 % behind, 78 % on schedule
_TRAIT_SD, _LUCK_SD = 1.0, 0.6
_FAR_HELD = 0.55                         # chance a far-behind organisation holds a due meeting
# Times held when held: 1, 2 or 3 with these chances (other kinds once).
_EXTRA_TIMES = {"支部委员会": (0.75, 0.25), "党小组会": (0.6, 0.3, 0.1), "党课": (0.85, 0.15)}
_REPORTS_ZEROS = 0.3                     # of organisations that missed a meeting, those writing 0 rows
_CHUNK = 100_000                         # organisation-years built at a time (bounds the memory)
_SD = float(np.hypot(_TRAIT_SD, _LUCK_SD))
_FAR_CUT, _BEHIND_CUT = (_SD * NormalDist().inv_cdf(p) for p in (_FAR_BEHIND, _BEHIND))
_CELLS = 12 * K                          # an organisation-year's cells: month-major, then kind
_MONTH_OF_CELL = (np.arange(_CELLS) // K + 1).astype(np.int8)
_KIND_OF_CELL = (np.arange(_CELLS) % K).astype(np.int8)
_IS = {name: np.isin(np.arange(K), kinds) for name, kinds in
       (("monthly", MONTHLY), ("quarterly", QUARTERLY), ("yearly", YEARLY), ("larger", _LARGER_KINDS))}
# Which meeting one that is behind misses: a quarter's meeting as often as any month's, a yearly one rarely.
_MISS_WEIGHT = np.tile(np.select([_IS["quarterly"], _IS["yearly"]], [4.0, 0.5], 1.0), 12)


def activities(rows: dict[str, np.ndarray], orgs, org_ids: np.ndarray, arng) -> pd.DataFrame:
    """org_activities for the organisation-year rows (`rows["org"]`, `rows["year"]`), in their order."""
    org, year = rows["org"], rows["year"]
    trait = arng.normal(0, _TRAIT_SD, len(orgs))
    est = orgs.established.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    larger = orgs.type[org] != BRANCH
    # Rows are written into buffers as large as every meeting due (each row held or reported 0 is
    # one), so the tens of millions of rows of a national extract are never copied to be joined;
    # the identifiers go in as fixed-width bytes, which become the string column without a copy.
    bound = int(np.where(larger, 12 + 4 + len(YEARLY), 12 * len(MONTHLY) + 4 * len(QUARTERLY) + len(YEARLY)).sum())
    ids = np.asarray(org_ids, dtype=object).astype(bytes)
    if len(ids) and (np.char.str_len(ids) != ids.dtype.itemsize).any():
        raise ValueError("organisation identifiers of unequal length")  # tables.org_ids makes them equal
    out_org, out_year = np.empty(bound, ids.dtype), np.empty(bound, np.int16)
    out_cell, out_times = np.empty(bound, np.int16), np.empty(bound, np.uint8)
    pos = 0
    for lo in range(0, len(org), _CHUNK):
        o, y = org[lo:lo + _CHUNK], year[lo:lo + _CHUNK]
        first_month = np.clip(est[o] - (y - 1970) * 12, 0, 11)  # 0-based month it first meets that year
        times, zeros = _chunk(first_month, larger[lo:lo + _CHUNK], trait[o], arng)
        keep = (times > 0) | zeros
        per_row = keep.sum(axis=1)
        end = pos + int(per_row.sum())
        out_cell[pos:end] = np.flatnonzero(keep) % _CELLS
        out_org[pos:end] = np.repeat(ids[o], per_row)
        out_year[pos:end] = np.repeat(y, per_row)
        out_times[pos:end] = times[keep]
        pos = end
    cell = out_cell[:pos]
    # Tens of millions of rows at national size: the numbers stay small integers (written as the
    # contract's int64), the identifiers and kinds are strings taken in Arrow.
    return pd.DataFrame({
        "org_id": _fixed_width_strings(out_org[:pos]),
        "year": out_year[:pos], "month": _MONTH_OF_CELL[cell],
        "kind": _strings(_KIND_OF_CELL[cell], KINDS),
        "times": out_times[:pos],
    }, copy=False)


def _str_series(array: pa.Array) -> pd.Series:
    """A string Series over an Arrow array, the type of the contract's other identifiers and labels."""
    return pd.Series(pd.array(array, dtype="str"), copy=False)


def _fixed_width_strings(values: np.ndarray) -> pd.Series:
    """Equal-length ASCII strings held as a numpy bytes array, as strings, sharing its buffer."""
    offsets = np.arange(len(values) + 1, dtype=np.int64) * values.dtype.itemsize
    array = pa.LargeStringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(values))
    return _str_series(array)


def _strings(codes: np.ndarray, values) -> pd.Series:
    """values[codes] as strings (a dictionary cast, which Arrow does fastest)."""
    dictionary = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(list(values), pa.large_string()))
    return _str_series(dictionary.cast(pa.large_string()))


def _chunk(first_month, larger, trait, arng):
    """(times, zeros), each (n, 12 × K): meetings held per month and kind, and cells reported as 0."""
    n = len(first_month)
    score = trait + arng.normal(0, _LUCK_SD, n)
    far = score < _FAR_CUT
    behind = ~far & (score < _BEHIND_CUT)
    live = np.arange(12)[None, :] >= first_month[:, None]             # (n, 12): it exists that month

    held = np.zeros((n, 12, K), bool)
    # Monthly: every month it exists; a 党总支 or 党委 holds only its committee's.
    held[:, :, _IS["monthly"]] = live[:, :, None]
    # Quarterly: in one month of each quarter it exists in, at random.
    for k in QUARTERLY:
        for q in range(4):
            start = np.maximum(3 * q, first_month)
            count = 3 * q + 3 - start
            has = np.flatnonzero(count > 0)
            m = start[has] + (arng.random(len(has)) * count[has]).astype(np.int64)
            held[has, m, k] = True
    # Yearly: 组织生活会 in January, February or December (the year's review), 民主评议党员 with it.
    m = np.array([0, 1, 11])[arrays.draw(arng, np.tile([0.35, 0.25, 0.40], (n, 1)))]
    m = np.where(m < first_month, 11, m)
    held[np.arange(n)[:, None], m[:, None], YEARLY[None, :]] = True
    held[larger] &= _IS["larger"]
    held = held.reshape(n, _CELLS)

    # Those that will report their misses as 0: what was due, before the misses.
    reporting = np.flatnonzero((behind | far) & (arng.random(n) < _REPORTS_ZEROS))
    due = held[reporting]
    # Behind: one or two requirements missed (a month's meeting or a quarter's one).
    for _ in range(2):
        rows = np.flatnonzero(behind & (arng.random(n) < 0.75))
        if len(rows):
            weight = held[rows] * _MISS_WEIGHT[None, :]
            held[rows, arrays.draw(arng, np.maximum(weight, 1e-12))] = False
    # Far behind: each due meeting held with some chance.
    fr = np.flatnonzero(far)
    held[fr] &= arng.random((len(fr), _CELLS)) < _FAR_HELD

    times = held.astype(np.int8)
    for kind, probs in _EXTRA_TIMES.items():
        cells = np.arange(_KIND[kind], _CELLS, K)
        u = arng.random((n, 12))
        extra = sum((u > c).astype(np.int8) for c in np.cumsum(probs)[:-1])
        times[:, cells] += np.where(held[:, cells], extra, 0).astype(np.int8)
    zeros = np.zeros((n, _CELLS), bool)
    zeros[reporting] = due & ~held[reporting]
    return times, zeros
