"""Talking to the town's own Open311 GeoReport v2 system: its settings, and one call.

Every failure becomes `TryLater` (the system is away, busy, broken or answers garbage: the
report waits and is sent again) or `Refused` (the system said no, HTTP 4xx: sending the same
again would not help, staff and the operator must look). Their messages name what went
wrong in words an operator can act on.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from bot.config import Settings

MAX_BYTES = 2 * 1024 * 1024
CHUNK = 64 * 1024
CODES_SETTING = "MITREDEN_OPEN311_TOWN_SERVICE_CODES"


class TryLater(Exception):
    """Send again later; `retry_after` is the wait in seconds the system asked for."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Refused(Exception):
    """The system refused; the same request would be refused again."""


class BadSettings(Exception):
    """The operator's settings cannot be read."""


@dataclass(frozen=True)
class TownSystem:
    url: str  # the base address, without the trailing slash
    api_key: str
    jurisdiction: str
    service_codes: Mapping[str, str]
    timeout: float

    def mark(self) -> str:
        """Changes whenever a setting that decides what the town accepts changes."""
        codes = ",".join(f"{ours}={theirs}" for ours, theirs in sorted(self.service_codes.items()))
        seen = "\n".join((self.url, self.api_key, self.jurisdiction, codes))
        return hashlib.sha256(seen.encode()).hexdigest()[:32]

    def with_jurisdiction(self, fields: dict[str, str]) -> dict[str, str]:
        return {**fields, "jurisdiction_id": self.jurisdiction} if self.jurisdiction else fields


def town_system(settings: Settings) -> TownSystem | None:
    """The configured system, None when forwarding is off. Raises BadSettings."""
    url = (settings.open311_town_url or "").strip().rstrip("/")
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise BadSettings(f"MITREDEN_OPEN311_TOWN_URL must start with https:// (got {url!r})")
    key = settings.open311_town_api_key
    return TownSystem(
        url=url,
        api_key=key.get_secret_value() if key else "",
        jurisdiction=settings.open311_town_jurisdiction.strip(),
        service_codes=parse_service_codes(settings.open311_town_service_codes),
        timeout=settings.open311_town_timeout,
    )


def parse_service_codes(setting: str) -> dict[str, str]:
    """ "road_damage=001, street_lighting=002" → {"road_damage": "001", …}."""
    codes: dict[str, str] = {}
    for entry in (part.strip() for part in setting.split(",")):
        if not entry:
            continue
        ours, equals, theirs = entry.partition("=")
        if not equals or not ours.strip() or not theirs.strip():
            raise BadSettings(
                f"{CODES_SETTING}: {entry!r} is not category=service_code "
                "(write e.g. road_damage=001,street_lighting=002)"
            )
        codes[ours.strip()] = theirs.strip()
    return codes


@asynccontextmanager
async def open_session(system: TownSystem) -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=system.timeout, connect=min(10.0, system.timeout))
    async with aiohttp.ClientSession(
        timeout=timeout, headers={"User-Agent": "mitreden (Open311 forwarding)"}
    ) as http:
        yield http


async def call(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    form: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> Any:
    """The JSON the system answered with. Raises TryLater or Refused."""
    try:
        async with http.request(
            method,
            url,
            data=form,
            params=params,
            headers={"Accept": "application/json"},
            allow_redirects=False,  # a redirected POST would lose its form
        ) as answer:
            body = await _read_capped(answer, url)
            status, charset = answer.status, answer.charset
            retry_after = answer.headers.get("Retry-After")
            location = answer.headers.get("Location", "")
    except TimeoutError as error:
        raise TryLater(f"{url} did not answer in time") from error
    except aiohttp.ClientError as error:
        raise TryLater(f"{url} could not be reached: {error or type(error).__name__}") from error
    except ValueError as error:  # an address aiohttp cannot use
        raise Refused(f"{url} is not a valid address: {error}") from error
    if status == 429:
        raise TryLater(f"{url} is busy (HTTP 429)", _seconds(retry_after))
    if status >= 500:
        raise TryLater(f"{url} answered HTTP {status}{_detail(body)}", _seconds(retry_after))
    if 300 <= status < 400:
        raise Refused(f"{url} redirects to {location[:200]}; set MITREDEN_OPEN311_TOWN_URL to it")
    if status >= 400:
        raise Refused(f"HTTP {status}{_detail(body)}")
    try:
        return json.loads(_text(body, charset))
    except (ValueError, RecursionError) as error:
        raise TryLater(f"{url} did not answer with JSON (HTTP {status})") from error


async def _read_capped(answer: aiohttp.ClientResponse, url: str) -> bytes:
    too_large = f"{url} sent more than {MAX_BYTES // 1024 // 1024} MiB"
    if answer.content_length is not None and answer.content_length > MAX_BYTES:
        raise TryLater(too_large)
    body = bytearray()
    async for chunk in answer.content.iter_chunked(CHUNK):
        if len(body) + len(chunk) > MAX_BYTES:
            raise TryLater(too_large)
        body += chunk
    return bytes(body)


def _text(body: bytes, declared: str | None) -> str:
    """Decoded by the declared charset, else as UTF-8; ValueError when neither fits."""
    if declared:
        try:
            return body.decode(codecs.lookup(declared).name).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            pass  # servers often declare a charset they do not use: try UTF-8 still
    return body.decode("utf-8-sig")


def _detail(body: bytes) -> str:
    """The description of a GeoReport error (`[{"code": 403, "description": …}]`)."""
    try:
        data = json.loads(_text(body, None))
    except (ValueError, RecursionError):
        return ""
    first = data[0] if isinstance(data, list) and data else data
    described = first.get("description") if isinstance(first, dict) else None
    return f": {str(described)[:300]}" if described else ""


def _seconds(retry_after: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds to wait: a number, or an HTTP date."""
    if not retry_after:
        return None
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def first_item(data: Any) -> dict[str, Any]:
    """GeoReport answers a list of one; some systems send the object alone."""
    first = data[0] if isinstance(data, list) and data else data
    return first if isinstance(first, dict) else {}


def text_of(value: Any) -> str:
    """An id or note as text: systems send ids as numbers or strings."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()
