"""Counties of the cities the product already knows, so a bureau need not type its own regions,
and the lookup that turns a county written by name into its code."""
from __future__ import annotations

import unicodedata

import pandas as pd

from dashboard import contract

# GB/T 2260 codes as published (domain.md). Order is the order the bureaus list them in.
BUILTIN_CITIES = {
    ("611000", "商洛市"): (
        ("611002", "商州区"), ("611021", "洛南县"), ("611022", "丹凤县"), ("611023", "商南县"),
        ("611024", "山阳县"), ("611025", "镇安县"), ("611026", "柞水县"),
    ),
    ("370800", "济宁市"): (
        ("370811", "任城区"), ("370812", "兖州区"), ("370826", "微山县"), ("370827", "鱼台县"),
        ("370828", "金乡县"), ("370829", "嘉祥县"), ("370830", "汶上县"), ("370831", "泗水县"),
        ("370832", "梁山县"), ("370881", "曲阜市"), ("370883", "邹城市"),
    ),
}


def builtin_regions() -> pd.DataFrame:
    rows = [(county, name, city, city_name, i)
            for (city, city_name), counties in BUILTIN_CITIES.items()
            for i, (county, name) in enumerate(counties, start=1)]
    return pd.DataFrame(rows, columns=contract.REGIONS.names)


def _norm(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split())


class CountyLookup:
    """County name -> code, from the regions a bureau already has plus the built-in cities.

    A name is accepted as written ("山阳县") or with its city before it ("商洛市山阳县"). A name
    that two counties share is not resolved: the row is rejected rather than placed by chance.
    """

    def __init__(self, *regions: pd.DataFrame):
        candidates: dict[str, set[str]] = {}
        for frame in (*regions, builtin_regions()):
            if frame is None or frame.empty:
                continue
            for code, name, city_name in frame[["county_code", "county_name", "city_name"]].itertuples(index=False):
                if pd.isna(code) or pd.isna(name):
                    continue
                for key in {_norm(name), _norm(f"{city_name}{name}") if not pd.isna(city_name) else None} - {None}:
                    candidates.setdefault(key, set()).add(str(code))
        self._candidates = candidates

    def lookup(self, name: str) -> tuple[str | None, str | None]:
        """(code, None) when the name names one county, else (None, the Chinese reason)."""
        codes = self._candidates.get(_norm(name))
        if not codes:
            return None, f"县区“{name}”不在行政区划中,请填写 6 位县区代码或先导入行政区划表"
        if len(codes) > 1:
            return None, f"县区名称“{name}”对应多个代码({'、'.join(sorted(codes))}),请填写县区代码"
        return next(iter(codes)), None
