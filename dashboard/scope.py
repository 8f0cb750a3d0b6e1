"""The filters every query takes, as one small frozen value (no Streamlit here).

`visible_counties` is the set of counties the user may see (access control); it is always
explicit, so a query can never fall back to "everything" by forgetting it. `all_visible` says
that set is the whole extract: the queries then get `$visible = null` and skip a per-row check
that costs a quarter of DuckDB's time at national size (2,000 counties).
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, fields, replace

# Names of the filters, in the order of the filter bar and of the URL.
FILTERS = ("year", "city", "county", "township", "stage", "ownership", "locale")


@dataclass(frozen=True)
class Scope:
    year: int
    visible_counties: tuple[str, ...]
    county: str | None = None
    township: str | None = None
    stage: str | None = None
    ownership: str | None = None
    locale: str | None = None
    city: str | None = None          # chosen only when the extract spans several cities
    all_visible: bool = False        # visible_counties is every county of the extract

    @functools.cached_property
    def _params(self) -> dict:
        p = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("visible_counties", "all_visible")}
        p["visible"] = None if self.all_visible else list(self.visible_counties)
        return p

    def params(self) -> dict:
        """The bound parameters of every query: $year, $county, …, $visible. Built once per
        scope; callers must not change the dict (data.query copies it)."""
        return self._params

    @functools.cached_property
    def key(self) -> str:
        """A short stand-in for the parameters in cache keys: hashing a nation's 2,000 visible
        counties element by element on every query cost ~10 ms."""
        visible = "*" if self.all_visible else hashlib.sha1("\x1f".join(self.visible_counties).encode()).hexdigest()
        return repr(tuple(getattr(self, f) for f in FILTERS)) + visible

    def with_(self, **changes) -> "Scope":
        return replace(self, **changes)

    @property
    def is_citywide(self) -> bool:
        return not any((self.city, self.county, self.township, self.stage, self.ownership, self.locale))
