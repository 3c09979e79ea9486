"""The map of reports on the staff pages: the markers' data, whether the map library is
installed, and the tile server the town configured, which the page's policy must allow.

The map library (Leaflet) is served from /static/vendor/leaflet/ (scripts/install-web-assets
puts it there); without it the pages show the list and a note instead of the map."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.web.i18n import translate
from bot.web.templating import SECURITY_HEADERS
from storage.models.reports import Report
from storage.reports.listing import Area

log = logging.getLogger(__name__)

LEAFLET = Path(__file__).parent.parent / "static" / "vendor" / "leaflet"
# host[:port], where "{s}" may stand for the first label (tile servers with a, b, c hosts)
_HOST = re.compile(r"(?:\{s\}\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?")


def leaflet_installed() -> bool:
    return (LEAFLET / "leaflet.js").is_file() and (LEAFLET / "leaflet.css").is_file()


@cache
def tile_source(tiles: str) -> str | None:
    """The origin the tiles come from, as the page's img-src names it ("{s}." becomes
    "*."); None when unset or not an http(s) address, which leaves the map without tiles."""
    if not tiles.strip():
        return None
    parts = urlsplit(tiles.strip())
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc):
        log.warning("MITREDEN_MAP_TILES is not an http(s) address of a tile server: %r", tiles)
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}.', '*.', 1)}"


def page_headers(tiles: str) -> dict[str, str]:
    """The staff pages' policy, with the tile server allowed for images."""
    source = tile_source(tiles)
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    if source is None:
        return {}
    directives = [part.strip() for part in policy.split(";")]
    allowed = [f"{part} {source}" if part.startswith("img-src") else part for part in directives]
    return {"Content-Security-Policy": "; ".join(allowed)}


def points(
    rows: Iterable[Report], categories: Mapping[str, str], language: str
) -> list[dict[str, Any]]:
    """One marker per report that has a position: where, and what its popup says."""
    return [
        {
            "ref": row.ref or "",
            "url": f"/reports/{row.ref}",
            "lat": row.latitude,
            "lon": row.longitude,
            "category": categories.get(row.category_code, row.category_code),
            "status": translate(language, f"reports.state.{row.status}"),
        }
        for row in rows
        if row.latitude is not None and row.longitude is not None
    ]


def map_context(
    rows: Iterable[Report],
    categories: Mapping[str, str],
    language: str,
    tiles: str,
    attribution: str,
    *,
    single: bool = False,
    area: Area | None = None,
) -> dict[str, Any]:
    """What the map partial (staff/_report_map.html) needs; `single` for a report's page
    (no area button there), `area` the box the list is limited to, which the map then fits."""
    source = tile_source(tiles)
    return {
        "label": translate(language, "report_map.label_one" if single else "report_map.label"),
        "area_button": "" if single else translate(language, "report_map.area_button"),
        "area": [area.south, area.west, area.north, area.east] if area is not None else [],
        "installed": leaflet_installed(),
        "points": points(rows, categories, language),
        "tiles": tiles.strip() if source is not None else "",
        "attribution": attribution.strip() if source is not None else "",
    }
