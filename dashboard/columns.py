"""Values checked against their column's declaration in the contract: the one interpreter of
contract.Column (dtype, nullable, allowed, digits, min_value, max_value).

validate runs it on each column of an extract; the import's cleaning runs it on each column of a
sheet, after turning what people type (full-width digits, “2023年”, synonyms, Excel date numbers…)
into the contract's own spelling. Both get the same rules and the same Chinese messages here.

Accepted input per type: text columns take strings; integer columns take integers, whole floats
and integer text ("12", "-3", "12.0"); date columns take dates, timestamps and ISO text
("2021-03-01", optionally with a time, which is dropped). A blank string counts as missing.

Vectorised: a national extract has millions of rows, so a rule's messages are formatted only for
the rows that are reported, and only when asked for.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import contract
from dashboard.contract import DATE, INT, STRING

TYPE, NULL, DIGITS, ALLOWED, RANGE = "type", "null", "digits", "allowed", "range"
TYPE_LABELS = {STRING: "文本", INT: "整数", DATE: "日期"}
NULL_TEXT = "（空）"
REQUIRED = "必填，不能为空"
DATE_EXAMPLE = "2021-03-01"

_INT_TEXT = r"^[+-]?[0-9]{1,15}(\.0*)?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?$"


@dataclass(frozen=True)
class Violation:
    """One rule broken by some values of a column: which ones, and what to say about each."""
    rule: str                                       # TYPE, NULL, DIGITS, ALLOWED or RANGE
    mask: np.ndarray                                # bool, one per value
    texts: Callable[[np.ndarray], list[str]] = field(repr=False)   # messages for row positions

    @property
    def count(self) -> int:
        return int(self.mask.sum())

    def messages(self, rows: np.ndarray) -> list[str]:
        """The Chinese message for each of these row positions (all within the mask)."""
        return list(self.texts(np.asarray(rows, dtype=np.int64)))


@dataclass
class Checked:
    values: pd.Series            # the contract's type (str, Int64, datetime64), NA where missing or unusable
    violations: list[Violation]  # at most one per value; each non-empty
    wrong_dtype: str | None = None   # the whole column was of another type (e.g. numbers for text)


def check(col: contract.Column, values: pd.Series, shown: pd.Series | None = None, *,
          cell: bool = False) -> Checked:
    """`values` checked against `col`. Messages quote `shown` (the values as written, aligned with
    `values`; by default `values` themselves). `cell`: phrase them for a spreadsheet cell someone
    typed (the import lists the allowed values as an instruction) rather than for an extract."""
    shown = values if shown is None else shown
    quote = _quoter(shown)
    if col.dtype == STRING:
        return _string(col, values, quote, cell)
    if col.dtype == INT:
        return _int(col, values, quote)
    return _date(col, values, quote)


# ---------------------------------------------------------------------------------------------
# Types

def _string(col: contract.Column, raw: pd.Series, quote, cell: bool) -> Checked:
    n = len(raw)
    missing = raw.isna().to_numpy()
    wrong = None
    bad = np.zeros(n, bool)
    s = raw
    if not (isinstance(s.dtype, pd.StringDtype) or s.dtype == object):
        wrong = str(s.dtype)
        s = s.map(fmt, na_action="ignore")
    elif s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        bad = np.fromiter((not isinstance(x, str) for x in s), bool, n) & ~missing
        s = s.where(~bad, None)
    s = s.astype("str")
    # A blank cell is how spreadsheets say "empty": missing, not a value.
    blank = s.str.strip().eq("").fillna(False).to_numpy(bool)
    out = [_v(TYPE, bad, lambda r: [f"应为文本，实为“{q}”" for q in quote(r)])]
    if not col.nullable:
        out.append(_v(NULL, missing | blank, _same(REQUIRED)))
    ok = ~missing & ~blank & ~bad
    if col.digits:
        n_digits = col.digits
        wrong_digits = ok & ~s.str.fullmatch(f"[0-9]{{{n_digits}}}").fillna(False).to_numpy(bool)

        def digits_text(r):
            return [f"“{q}”应为 {n_digits} 位数字（半角 0–9）" + (f"，实为 {k} 位" if k != n_digits else "")
                    for q, k in zip(quote(r), s.iloc[r].str.len().tolist())]

        out.append(_v(DIGITS, wrong_digits, digits_text))
    if col.allowed:
        choices = "、".join(col.allowed)
        not_allowed = ok & ~s.isin(col.allowed).to_numpy(bool)
        if cell:
            out.append(_v(ALLOWED, not_allowed, lambda r: [f"“{q}”不是允许的值，应为：{choices}" for q in quote(r)]))
        else:
            out.append(_v(ALLOWED, not_allowed, lambda r: [f"取值“{q}”不在允许范围（{choices}）内" for q in quote(r)]))
    values = s.where(~blank) if blank.any() else s
    return Checked(values, [v for v in out if v is not None], wrong)


def _int(col: contract.Column, raw: pd.Series, quote) -> Checked:
    n = len(raw)
    missing = raw.isna().to_numpy()
    bad = np.zeros(n, bool)
    if pd.api.types.is_integer_dtype(raw):
        typed = raw.astype("Int64")
    elif pd.api.types.is_bool_dtype(raw):
        typed, bad = _ints(np.full(n, np.nan), raw.index), ~missing
    elif pd.api.types.is_numeric_dtype(raw):
        typed, bad = _whole(raw.to_numpy("float64", na_value=np.nan), missing, raw.index)
    else:
        arr = np.full(n, np.nan)
        is_text = _is_text(raw)
        if is_text.any():
            ints, ok, blank = _int_text(raw[is_text] if not is_text.all() else raw)
            arr[is_text] = ints
            bad[is_text] = ~ok & ~blank & ~missing[is_text]
            missing = missing | _spread(blank, is_text)
        others = ~is_text & ~missing
        if others.any():
            objs = raw[others]
            flags = np.fromiter((isinstance(x, (bool, np.bool_)) for x in objs), bool, len(objs))
            num = pd.to_numeric(objs.where(~flags), errors="coerce").to_numpy("float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                whole = np.isfinite(num) & (np.floor(num) == num)
            arr[others] = np.where(whole, num, np.nan)
            bad[others] = ~whole
        typed = _ints(arr, raw.index)
    is_year = col.min_value == contract.MIN_YEAR
    what = "不是年份（应为四位数字，如 2023）" if is_year else "不是整数"
    out = [_v(TYPE, bad, lambda r: [f"“{q}”{what}" for q in quote(r)])]
    if not col.nullable:
        out.append(_v(NULL, missing, _same(REQUIRED)))
    if col.min_value is not None or col.max_value is not None:
        arr = typed.to_numpy("float64", na_value=np.nan)
        lo = col.min_value if col.min_value is not None else -np.inf
        hi = col.max_value if col.max_value is not None else np.inf
        with np.errstate(invalid="ignore"):
            outside = ~np.isnan(arr) & ((arr < lo) | (arr > hi))
        if col.max_value is None:
            rule = "不能为负数" if col.min_value == 0 else f"应不小于 {col.min_value}"
        elif col.min_value is None:
            rule = f"应不大于 {col.max_value}"
        else:
            rule = f"应在 {col.min_value}–{col.max_value} 之间"
        out.append(_v(RANGE, outside, lambda r: [f"“{q}”超出范围，{rule}" for q in quote(r)]))
        # Reported once here; the rules across tables then treat the value as unknown.
        if outside.any():
            typed = typed.mask(outside)
    return Checked(typed, [v for v in out if v is not None])


def _date(col: contract.Column, raw: pd.Series, quote) -> Checked:
    n = len(raw)
    missing = raw.isna().to_numpy()
    bad = np.zeros(n, bool)
    looks_like_date = np.zeros(n, bool)  # written as a date, but no such day ("2005-02-30")
    if pd.api.types.is_datetime64_any_dtype(raw):
        d = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
    else:
        d = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
        is_text = _is_text(raw)
        if is_text.any():
            stamps, ok, iso, blank = _date_text(raw[is_text] if not is_text.all() else raw)
            d[is_text] = stamps
            bad[is_text] = ~ok & ~blank & ~missing[is_text]
            looks_like_date[is_text] = iso & ~ok
            missing = missing | _spread(blank, is_text)
        others = ~is_text & ~missing
        if others.any():
            objs = raw[others]
            kind = pd.api.types.infer_dtype(objs, skipna=True)
            if kind in ("date", "datetime", "datetime64"):
                converted = pd.to_datetime(objs, errors="coerce")
            else:
                converted = pd.Series(pd.NaT, index=objs.index)
            if getattr(converted.dt, "tz", None) is not None:
                converted = converted.dt.tz_localize(None)
            d[others] = converted.astype("datetime64[s]")
            bad[others] = converted.isna().to_numpy()

    def type_text(r):
        return [f"“{q}”不是有效日期" if like else f"“{q}”不是日期，请按 {DATE_EXAMPLE} 的格式填写"
                for q, like in zip(quote(r), looks_like_date[r])]

    out = [_v(TYPE, bad, type_text)]
    if not col.nullable:
        out.append(_v(NULL, missing, _same(REQUIRED)))
    years = d.dt.year.to_numpy("float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        outside = (years < contract.MIN_YEAR) | (years > contract.MAX_YEAR)
    out.append(_v(RANGE, outside, lambda r: [
        f"“{q}”超出范围，年份应在 {contract.MIN_YEAR}–{contract.MAX_YEAR} 之间" for q in quote(r)]))
    if outside.any():
        d = d.where(~outside)
    return Checked(d, [v for v in out if v is not None])


# ---------------------------------------------------------------------------------------------
# Text to values, in Arrow

def _int_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer text: values (float64, NaN where not an integer), which parsed, which were blank."""
    t = pa.array(s, type=pa.string(), from_pandas=True)
    plain = pc.match_substring_regex(t, r"^-?[0-9]{1,15}$")
    if pc.all(pc.or_kleene(plain, pc.is_null(t))).as_py():  # most columns: no need for the rest
        n = len(t)
        return (np.asarray(pc.cast(t, pa.int64()).to_numpy(zero_copy_only=False), dtype="float64"),
                _np(plain), np.zeros(n, bool))
    t = pc.utf8_trim_whitespace(t)
    blank = _np(pc.equal(t, ""))
    ok = _np(pc.match_substring_regex(t, _INT_TEXT))
    digits = pc.replace_substring_regex(pc.replace_substring_regex(t, r"\.0*$", ""), r"^\+", "")
    digits = pc.if_else(pa.array(ok), digits, pa.scalar(None, pa.string()))
    ints = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    return np.asarray(ints, dtype="float64"), ok, blank


def _date_text(s: pd.Series):
    """ISO date text: stamps (datetime64[s]), which parsed, which looked like a date, which were blank."""
    t = pc.utf8_trim_whitespace(pa.array(s, type=pa.string(), from_pandas=True))
    blank = _np(pc.equal(t, ""))
    iso = _np(pc.match_substring_regex(t, _ISO_DATE))
    long = pc.greater(pc.utf8_length(t), 10)
    day = pc.utf8_slice_codeunits(t, 0, 10) if pc.any(long).as_py() else t
    stamps = pc.strptime(day, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2005-02-30 over to 2005-03-02; a date must read back as written.
    same = _np(pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), day))
    ok = iso & same
    stamps = pc.if_else(pa.array(ok), stamps, pa.scalar(None, stamps.type))
    return stamps.to_numpy(zero_copy_only=False), ok, iso, blank


def _is_text(raw: pd.Series) -> np.ndarray:
    if isinstance(raw.dtype, pd.StringDtype):
        return np.ones(len(raw), bool)
    if pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        return raw.notna().to_numpy() | True
    return np.fromiter((isinstance(x, str) for x in raw), bool, len(raw))


def _spread(sub: np.ndarray, where: np.ndarray) -> np.ndarray:
    out = np.zeros(len(where), bool)
    out[where] = sub
    return out


def _np(a: pa.Array) -> np.ndarray:
    return a.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def _whole(arr: np.ndarray, missing: np.ndarray, index) -> tuple[pd.Series, np.ndarray]:
    with np.errstate(invalid="ignore"):
        bad = ~missing & (~np.isfinite(arr) | (np.floor(arr) != arr))
    return _ints(np.where(bad, np.nan, arr), index), bad


def _ints(arr: np.ndarray, index) -> pd.Series:
    return pd.Series(pd.array(arr, dtype="Float64"), index=index).astype("Int64")


# ---------------------------------------------------------------------------------------------
# Messages

def _v(rule: str, mask: np.ndarray, texts) -> Violation | None:
    mask = np.asarray(mask, dtype=bool)
    return Violation(rule, mask, texts) if mask.any() else None


def _same(text: str):
    return lambda r: [text] * len(r)


def _quoter(shown: pd.Series):
    return lambda rows: [fmt(x) for x in shown.iloc[rows].tolist()]


def isna(x) -> bool:
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def fmt(x) -> str:
    """One value as a person would write it: whole numbers without ".0", dates without a time."""
    if isinstance(x, str):
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return NULL_TEXT if x != x else str(int(x)) if x.is_integer() else str(x)
    if x is None or x is pd.NA or isna(x):
        return NULL_TEXT
    if isinstance(x, pd.Timestamp):
        try:
            return x.date().isoformat() if x == x.normalize() else x.isoformat(sep=" ")
        except (NotImplementedError, ValueError, OverflowError):  # beyond Python's dates
            return str(x)
    return str(x)


def texts(values) -> list[str]:
    """fmt over a whole column at once, vectorised for whole numbers (counts, years)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        a = s.to_numpy("float64", na_value=np.nan)
        whole = np.isfinite(a) & (np.floor(a) == a)
        if whole.all():
            return a.astype(np.int64).astype(str).tolist()
    return [fmt(x) for x in s.tolist()]
