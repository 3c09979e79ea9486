"""The staff list's filters as the address carries them: status, category, text, age and a
box on the map. Whatever does not parse is left out, so a wrong address still shows a list."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from storage import reports
from storage.reports.listing import Area, StaffFilter

STATUSES = ("open", "all", *reports.STATUSES)
# what staff triage by: what has been waiting long, and what came in lately
AGES = ("", "older_7", "older_30", "older_90", "newer_7")
_AREA_KEYS = ("south", "west", "north", "east")
_MAX_NUMBER = 32  # characters; a coordinate needs far fewer


@dataclass(frozen=True)
class ListFilters:
    status: str = "open"
    category: str = ""
    text: str = ""
    age: str = ""
    area: Area | None = None

    def storage_filter(self, now: datetime) -> StaffFilter:
        before = after = None
        if self.age.startswith("older_"):
            before = now - timedelta(days=int(self.age.removeprefix("older_")))
        elif self.age.startswith("newer_"):
            after = now - timedelta(days=int(self.age.removeprefix("newer_")))
        return StaffFilter(
            status=self.status,
            category=self.category,
            text=self.text,
            received_before=before,
            received_after=after,
            area=self.area,
        )

    def query(self, *, with_area: bool = True) -> str:
        """The address's query for these filters (without the page), for links."""
        pairs = [("status", self.status), ("category", self.category), ("q", self.text)]
        if self.age:
            pairs.append(("age", self.age))
        if self.area is not None and with_area:
            pairs += [(key, _number(getattr(self.area, key))) for key in _AREA_KEYS]
        return urlencode(pairs)


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _coordinate(raw: str | None, limit: float) -> float | None:
    if raw is None or len(raw) > _MAX_NUMBER:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def area_from(params: Mapping[str, str]) -> Area | None:
    """The map box, when all four edges are numbers in range and south/west lie below
    north/east; else no box at all (half a box would surprise)."""
    south, north = (_coordinate(params.get(key), 90) for key in ("south", "north"))
    west, east = (_coordinate(params.get(key), 180) for key in ("west", "east"))
    if south is None or north is None or west is None or east is None:
        return None
    if south > north or west > east:
        return None
    return Area(south=south, west=west, north=north, east=east)


def filters_from(params: Mapping[str, str], categories: Mapping[str, str]) -> ListFilters:
    status = params.get("status", "open")
    category = params.get("category", "")
    age = params.get("age", "")
    return ListFilters(
        status=status if status in STATUSES else "open",
        category=category if category in categories else "",
        text=params.get("q", "")[:200],
        age=age if age in AGES else "",
        area=area_from(params),
    )
