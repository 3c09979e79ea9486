"""OParl objects to the columns mitreden keeps, tolerant of what vendors leave out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.civic.council.dates import parse_date, parse_datetime


def text(value: object, limit: int) -> str | None:
    """A trimmed string, or None for missing, empty or non-text values."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit]


def keywords(value: object) -> list[str]:
    """`keyword` is a list of strings in OParl; some servers send one string."""
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",")]
    if not isinstance(value, list):
        return []
    return [word.strip()[:100] for word in value if isinstance(word, str) and word.strip()]


def reference_of(obj: Mapping[str, Any], key: str) -> str | None:
    """An attribute that holds another object: its URL, or the `id` of the embedded object."""
    value = obj.get(key)
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def paper_values(obj: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "external_id": obj["id"],
        "reference": text(obj.get("reference"), 100),
        "name": text(obj.get("name"), 1000) or "",
        "paper_type": text(obj.get("paperType"), 200),
        "paper_date": parse_date(obj.get("date")),
        "keywords": keywords(obj.get("keyword")),
        "web_url": text(obj.get("web"), 1000),
        "deleted": False,
        "modified": parse_datetime(obj.get("modified")),
        "synced_at": now,
    }


def deleted_values(obj: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A deleted object keeps only id, type and dates upstream; so does its row here."""
    return {
        "external_id": obj["id"],
        "deleted": True,
        "modified": parse_datetime(obj.get("modified")),
        "synced_at": now,
    }


def agenda_item_values(
    item: Mapping[str, Any], meeting: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "external_id": item["id"],
        "meeting_external_id": meeting["id"],
        "meeting_name": text(meeting.get("name"), 1000),
        "meeting_start": parse_datetime(meeting.get("start")),
        "number": text(item.get("number"), 50),
        "name": text(item.get("name"), 1000) or "",
        "result": text(item.get("result"), 1000),
        "resolution_text": text(item.get("resolutionText"), 20_000),
        "consultation_external_id": reference_of(item, "consultation"),
        "web_url": text(item.get("web"), 1000),
        "deleted": item.get("deleted") is True,
        "modified": parse_datetime(item.get("modified")) or parse_datetime(meeting.get("modified")),
        "synced_at": now,
    }
