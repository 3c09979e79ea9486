"""Open reports that may be the same problem: same category, and within a radius of the
position or, for places typed without a position, a place text that reads alike."""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report
from storage.reports import OPEN_STATUSES

EARTH_RADIUS_M = 6_371_000.0
# open reports of one category compared in Python; a town has far fewer at once
SEARCHED = 500
_WORD = re.compile(r"[a-z0-9]+")
# words that say where without naming the place
_FILLER_WORDS = (
    "in im am an der die das dem den beim bei vor vorm hinter hinterm neben gegenuber "
    "ecke hohe nahe nah near at the of on by opposite corner outside nr no nummer haus"
)
_FILLER = frozenset(_FILLER_WORDS.split())
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s"})
# "Lindenstr." and "Lindenstraße" name the same street
_STREET = re.compile(r"(?:strasse|strase|str)\b\.?")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _place_words(text: str) -> list[str]:
    folded = _STREET.sub("strasse", text.lower().replace("ß", "ss")).translate(_FOLD)
    return [w for w in _WORD.findall(folded) if w not in _FILLER and (len(w) >= 3 or w.isdigit())]


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 5 and longer.startswith(shorter):
        return True
    return len(shorter) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.85


def similar_place(first: str, second: str) -> bool:
    """Whether two typed places name the same spot: every name word of the shorter one
    (house numbers aside) has its match in the other, allowing typos and "Str."."""
    words_a, words_b = _place_words(first), _place_words(second)
    names_a = [w for w in words_a if not w.isdigit()]
    names_b = [w for w in words_b if not w.isdigit()]
    if not names_a or not names_b:
        return False
    fewer, more = sorted((names_a, names_b), key=len)
    return all(any(_alike(word, other) for other in more) for word in fewer)


async def possible_duplicates(
    session: AsyncSession,
    category_code: str,
    *,
    latitude: float | None,
    longitude: float | None,
    place: str | None,
    radius_m: float,
    limit: int = 3,
) -> list[Report]:
    """Open reports of the category at the same spot, nearest (or newest) first."""
    query = (
        select(Report)
        .where(Report.category_code == category_code, Report.status.in_(OPEN_STATUSES))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(SEARCHED)
    )
    candidates = list((await session.scalars(query)).all())
    found: list[tuple[float, int, Report]] = []
    for order, report in enumerate(candidates):
        measured = latitude is not None and longitude is not None
        if measured and report.latitude is not None and report.longitude is not None:
            assert latitude is not None and longitude is not None
            away = distance_m(latitude, longitude, report.latitude, report.longitude)
            if away <= radius_m:
                found.append((away, order, report))
            continue
        if place and report.place and similar_place(place, report.place):
            # a typed place has no distance; keep them after those measured, newest first
            found.append((radius_m + 1, order, report))
    found.sort(key=lambda item: (item[0], item[1]))
    return [report for _, _, report in found[:limit]]
