"""Open reports that may be the same problem: same category, and within a radius of the
position or, for places typed without a position, a place text that reads alike."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from difflib import SequenceMatcher

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report
from storage.reports import OPEN_STATUSES

EARTH_RADIUS_M = 6_371_000.0
# the most open reports of one category compared in Python at once: those in the radius's
# box, and the newest typed places (a town has far fewer open at one spot)
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


def _place_names(text: str) -> list[str]:
    """The words that name the place: no filler words, no house numbers."""
    folded = _STREET.sub("strasse", text.lower().replace("ß", "ss")).translate(_FOLD)
    return [
        w for w in _WORD.findall(folded) if w not in _FILLER and len(w) >= 3 and not w.isdigit()
    ]


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 5 and longer.startswith(shorter):
        return True
    return len(shorter) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.85


def place_matcher(place: str) -> Callable[[str], bool]:
    """Whether another typed place names the same spot as `place`: every name word of the
    shorter one (house numbers aside) has its match in the other, allowing typos and
    "Str.". A town's places repeat, so within one matcher each text is split, and each
    pair of words compared, only once (nothing is kept beyond the matcher)."""
    names = _place_names(place)
    split: dict[str, list[str]] = {}
    compared: dict[tuple[str, str], bool] = {}

    def alike(word: str, other: str) -> bool:
        if (word, other) not in compared:
            compared[word, other] = _alike(word, other)
        return compared[word, other]

    def matches(other_place: str) -> bool:
        if other_place not in split:
            split[other_place] = _place_names(other_place)
        others = split[other_place]
        if not names or not others:
            return False
        fewer, more = sorted((names, others), key=len)
        return all(any(alike(word, other) for other in more) for word in fewer)

    return matches


def similar_place(first: str, second: str) -> bool:
    """Whether two typed places name the same spot (see `place_matcher`)."""
    return place_matcher(first)(second)


def bounding_box(
    latitude: float, longitude: float, radius_m: float
) -> tuple[tuple[float, float], tuple[float, float] | None]:
    """The latitude and longitude ranges that hold every point within `radius_m`; no
    longitude range near a pole or across the date line, where it would wrap."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    latitudes = (latitude - dlat, latitude + dlat)
    farthest = abs(latitude) + dlat  # the longitude span is widest on the box's pole side
    if farthest >= 89.0:
        return latitudes, None
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(farthest))))
    if longitude - dlon < -180.0 or longitude + dlon > 180.0:
        return latitudes, None
    return latitudes, (longitude - dlon, longitude + dlon)


async def _within(
    session: AsyncSession, category_code: str, latitude: float, longitude: float, radius_m: float
) -> list[tuple[float, Report]]:
    """Open reports of the category with a position within the radius; the box's ranges
    use the index on category, latitude and longitude, the exact distance is computed here."""
    latitudes, longitudes = bounding_box(latitude, longitude, radius_m)
    query = select(Report).where(
        Report.category_code == category_code,
        Report.status.in_(OPEN_STATUSES),
        Report.latitude.between(*latitudes),
    )
    if longitudes is not None:
        query = query.where(Report.longitude.between(*longitudes))
    else:
        query = query.where(Report.longitude.is_not(None))
    found = []
    for report in (await session.scalars(query.limit(SEARCHED))).all():
        assert report.latitude is not None and report.longitude is not None
        away = distance_m(latitude, longitude, report.latitude, report.longitude)
        if away <= radius_m:
            found.append((away, report))
    return found


async def _same_place(
    session: AsyncSession, category_code: str, place: str, *, unmeasured_only: bool
) -> list[Report]:
    """Open reports of the category whose typed place names the same spot: the newest
    SEARCHED places are compared, and only the matching reports are loaded whole."""
    query = (
        select(Report.id, Report.place)
        .where(Report.category_code == category_code, Report.status.in_(OPEN_STATUSES))
        .where(Report.place.is_not(None))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(SEARCHED)
    )
    if unmeasured_only:  # those with a position were compared by distance
        query = query.where(or_(Report.latitude.is_(None), Report.longitude.is_(None)))
    rows = (await session.execute(query)).all()
    same = place_matcher(place)
    matching = [report_id for report_id, other in rows if same(other or "")]
    if not matching:
        return []
    return list((await session.scalars(select(Report).where(Report.id.in_(matching)))).all())


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
    """Open reports of the category at the same spot, nearest (or newest) first. Two
    positions are compared by distance; where either report has none, by the typed place."""
    measured = latitude is not None and longitude is not None
    found: list[tuple[float, Report]] = []
    if latitude is not None and longitude is not None:
        found = await _within(session, category_code, latitude, longitude, radius_m)
    if place:
        # a typed place has no distance; those come after the measured ones, newest first
        alike = await _same_place(session, category_code, place, unmeasured_only=measured)
        found += [(radius_m + 1, report) for report in alike]
    found.sort(key=lambda item: (item[0], -item[1].created_at.timestamp(), -item[1].id))
    return [report for _, report in found[:limit]]
