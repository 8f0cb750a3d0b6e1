"""What a publish would change: schools and counties added or removed, and every table's totals
per year before and after, so the user confirms figures rather than files."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import contract

ROWS = "行数"
YEAR_COLUMN = {"school_years": "year", "orgs": "year", "member_flows": "year", "honors": "year_awarded"}


@dataclass
class Diff:
    schools_added: pd.DataFrame      # school_id, school_name, county_code
    schools_removed: pd.DataFrame
    schools_changed: pd.DataFrame    # school_id, school_name, 变化的列
    regions_added: pd.DataFrame
    regions_removed: pd.DataFrame
    totals: pd.DataFrame             # 数据表, 年度, 指标, 原值, 新值, 变化 (changed rows only)

    @property
    def unchanged(self) -> bool:
        return not any(len(x) for x in (self.schools_added, self.schools_removed, self.schools_changed,
                                        self.regions_added, self.regions_removed, self.totals))

    def lines(self, limit: int = 40) -> list[str]:
        if self.unchanged:
            return ["与当前数据相比没有任何变化"]
        out = [f"学校：新增 {len(self.schools_added)} 所，减少 {len(self.schools_removed)} 所，信息变化 {len(self.schools_changed)} 所"]
        for label, frame in (("新增", self.schools_added), ("减少", self.schools_removed)):
            if len(frame):
                names = "、".join(f"{n}({i})" for i, n in zip(frame["school_id"][:10], frame["school_name"][:10]))
                more = f" 等 {len(frame)} 所" if len(frame) > 10 else ""
                out.append(f"  {label}:{names}{more}")
        if len(self.regions_added) or len(self.regions_removed):
            out.append(f"县区：新增 {len(self.regions_added)} 个，减少 {len(self.regions_removed)} 个")
        shown = self.totals.head(limit)
        for r in shown.itertuples(index=False):
            year = "" if pd.isna(r.年度) else f"{int(r.年度)}年 "
            out.append(f"{r.数据表} {year}{r.指标}：{_n(r.原值)} → {_n(r.新值)}（{_signed(r.变化)}）")
        if len(self.totals) > limit:
            out.append(f"……另有 {len(self.totals) - limit} 项合计值变化，见页面或问题清单")
        return out


def _n(x) -> str:
    return "0" if pd.isna(x) else f"{int(x):,}"


def _signed(x) -> str:
    return f"{int(x):+,}"


def _keyed(df: pd.DataFrame, key: str) -> pd.DataFrame:
    return df.drop_duplicates(key).set_index(key)


def compare(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> Diff:
    empty = lambda t: pd.DataFrame(columns=contract.TABLES[t].names)
    old = {t: old.get(t, empty(t)) for t in contract.TABLES}
    new = {t: new.get(t, empty(t)) for t in contract.TABLES}

    o, n = _keyed(old["schools"], "school_id"), _keyed(new["schools"], "school_id")
    cols = ["school_name", "county_code"]
    added = n.loc[n.index.difference(o.index), cols].reset_index()
    removed = o.loc[o.index.difference(n.index), cols].reset_index()
    both = o.index.intersection(n.index)
    changed_cols = []
    attrs = [c for c in contract.SCHOOLS.names if c != "school_id"]
    diffs = pd.DataFrame(index=both)
    for c in attrs:
        a, b = o.loc[both, c].astype("str"), n.loc[both, c].astype("str")
        diffs[c] = ~((a == b) | (a.isna() & b.isna()))
    any_change = diffs.any(axis=1)
    if any_change.any():
        rows = diffs[any_change]
        labels = [contract.SCHOOLS.label_of(c) for c in attrs]
        changed_cols = ["、".join(l for l, hit in zip(labels, flags) if hit) for flags in rows.to_numpy()]
    changed = pd.DataFrame({"school_id": diffs.index[any_change],
                            "school_name": n.loc[diffs.index[any_change], "school_name"].to_numpy(),
                            "变化的列": changed_cols})

    ro, rn = _keyed(old["regions"], "county_code"), _keyed(new["regions"], "county_code")
    regions_added = rn.loc[rn.index.difference(ro.index), ["county_name"]].reset_index()
    regions_removed = ro.loc[ro.index.difference(rn.index), ["county_name"]].reset_index()
    return Diff(added, removed, changed, regions_added, regions_removed, totals(old, new))


def _measures(table: str) -> list[str]:
    t = contract.TABLES[table]
    return [c.name for c in t.columns if c.dtype == contract.INT and c.min_value == 0]


def _sums(df: pd.DataFrame, table: str) -> pd.DataFrame:
    year = YEAR_COLUMN.get(table)
    cols = _measures(table)
    frame = df[[year] + cols] if year else df[cols]
    if year:
        g = frame.groupby(year)
        out = g[cols].sum() if cols else pd.DataFrame(index=g.size().index)
        out.insert(0, ROWS, g.size())
    else:
        out = pd.DataFrame({ROWS: [len(frame)], **{c: [frame[c].sum()] for c in cols}}, index=pd.Index([pd.NA], name="year"))
    out.index.name = "年度"
    return out


def totals(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for name, t in contract.TABLES.items():
        if old[name].empty and new[name].empty:
            continue
        a, b = _sums(old[name], name), _sums(new[name], name)
        labels = {ROWS: ROWS, **{c: t.label_of(c) for c in _measures(name)}}
        a = a.rename(columns=labels).stack().rename("原值")
        b = b.rename(columns=labels).stack().rename("新值")
        both = pd.concat([a, b], axis=1).fillna(0)
        both["变化"] = both["新值"] - both["原值"]
        both = both[both["变化"] != 0].reset_index()
        both.columns = ["年度", "指标", "原值", "新值", "变化"]
        both.insert(0, "数据表", t.label)
        parts.append(both)
    out = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(columns=["数据表", "年度", "指标", "原值", "新值", "变化"]))
    for c in ("原值", "新值", "变化"):
        out[c] = out[c].astype("int64")
    return out
