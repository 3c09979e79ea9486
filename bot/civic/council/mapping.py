"""OParl objects to the columns mitreden keeps, tolerant of what vendors leave out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.civic.council.dates import parse_date, parse_datetime


def text(value: object, limit: int) -> str | None:
    """A trimmed string, or None for missing, empty or non-text values."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()  # PostgreSQL keeps no NUL in text
    return value[:limit] or None


def flag(value: object) -> bool | None:
    """An OParl boolean as servers write it: true/false or the strings "true"/"false" (in
    any case); None when absent or unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def is_deleted(obj: Mapping[str, Any]) -> bool:
    """The same reading for every object type: only true (or "true") deletes."""
    return flag(obj.get("deleted")) is True


def is_public(item: Mapping[str, Any]) -> bool:
    """An agenda item is public when it says so or says nothing (the attribute is optional);
    false, "false" or anything unreadable keeps it from citizens."""
    return item.get("public") is None or flag(item.get("public")) is True


def web_link(value: object) -> str | None:
    """An http(s) address for people to open, or None: `javascript:` and other schemes never
    reach a page or a chat."""
    address = text(value, 1000)
    if address is None:
        return None
    parts = urlsplit(address)
    return address if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def keywords(value: object) -> list[str]:
    """`keyword` is a list of strings in OParl; some servers send one string."""
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",")]
    if not isinstance(value, list):
        return []
    words = (text(word, 100) for word in value)
    return [word for word in words if word]


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
        "web_url": web_link(obj.get("web")),
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
    """An item's columns. A non-public item keeps only its number and flags: what was said
    behind closed doors (a property matter naming a person) is not stored at all."""
    public = is_public(item)
    return {
        "external_id": item["id"],
        "meeting_external_id": meeting["id"],
        "meeting_name": text(meeting.get("name"), 1000),
        "meeting_start": parse_datetime(meeting.get("start")),
        "meeting_cancelled": flag(meeting.get("cancelled")) is True,
        "public": public,
        "number": text(item.get("number"), 50),
        "name": (text(item.get("name"), 1000) or "") if public else "",
        "result": text(item.get("result"), 1000) if public else None,
        "resolution_text": text(item.get("resolutionText"), 20_000) if public else None,
        "consultation_external_id": reference_of(item, "consultation"),
        "web_url": web_link(item.get("web")) if public else None,
        "deleted": is_deleted(item),
        "modified": parse_datetime(item.get("modified")) or parse_datetime(meeting.get("modified")),
        "synced_at": now,
    }
