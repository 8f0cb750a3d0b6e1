"""The filters every query takes, as one small frozen value (no Streamlit here).

`visible_counties` is the set of counties the user may see (access control); it is always
explicit, so a query can never fall back to "everything" by forgetting it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Scope:
    year: int
    visible_counties: tuple[str, ...]
    county: str | None = None
    township: str | None = None
    stage: str | None = None
    ownership: str | None = None
    locale: str | None = None

    def params(self) -> dict:
        """The bound parameters of every query: $year, $county, …, $visible."""
        p = asdict(self)
        p["visible"] = list(p.pop("visible_counties"))
        return p

    def with_(self, **changes) -> "Scope":
        return replace(self, **changes)

    @property
    def is_citywide(self) -> bool:
        return not any((self.county, self.township, self.stage, self.ownership, self.locale))
