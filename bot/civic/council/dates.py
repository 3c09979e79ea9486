"""Dates as council systems really write them, turned into UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# OParl means local German time where a server leaves the zone out
COUNCIL_ZONE = ZoneInfo("Europe/Berlin")
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(value: object) -> datetime | None:
    """ "2026-11-30T18:00:00+01:00", "…Z", "… 18:00:00", "2026-11-30", "30.11.2026 18:00",
    fractions of a second and "+0100" all work; anything else gives None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    german = _GERMAN.match(text)
    if german:
        day, month, year, hour, minute, second = german.groups()
        local = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
        return local.replace(tzinfo=COUNCIL_ZONE).astimezone(UTC)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", text) if "T" in text or " " in text else text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            day_only = date.fromisoformat(text[:10])
        except ValueError:
            return None
        parsed = datetime(day_only.year, day_only.month, day_only.day)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=COUNCIL_ZONE)
    return parsed.astimezone(UTC)


def parse_date(value: object) -> str | None:
    """An ISO date ("2026-11-30") from a date or date-time in any of the forms above."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    parsed = parse_datetime(value)
    return parsed.astimezone(COUNCIL_ZONE).date().isoformat() if parsed else None


def oparl_timestamp(moment: datetime) -> str:
    """How mitreden writes a moment into `modified_since` (full date-time with zone)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()
