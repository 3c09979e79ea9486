"""Reading an OParl server: single objects, paged lists, embedded or referenced objects.

Every failure becomes an OParlError whose message names the address and what went wrong,
in words an operator can act on.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import aiohttp

from bot.civic.council.dates import oparl_timestamp

OParlObject = dict[str, Any]
MAX_PAGES = 10_000
REJECTED_FILTER = (
    400,
    422,
    501,
)  # a server whose `next` never ends must not keep the sync busy forever


class OParlError(Exception):
    """The server could not be read; the message says where and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when the server answered with an error


def is_type(obj: Mapping[str, Any], name: str) -> bool:
    """True for both schema.oparl.org/1.0/NAME and /1.1/NAME (and vendor spellings)."""
    kind = obj.get("type")
    return isinstance(kind, str) and kind.rstrip("/").lower().endswith("/" + name.lower())


def is_deleted(obj: Mapping[str, Any]) -> bool:
    return obj.get("deleted") is True or str(obj.get("deleted")).lower() == "true"


async def get_object(
    http: aiohttp.ClientSession, url: str, params: Mapping[str, str] | None = None
) -> OParlObject:
    try:
        async with http.get(url, params=params, headers={"Accept": "application/json"}) as answer:
            body = await answer.text()
            if answer.status >= 400:
                raise OParlError(
                    f"{url} answered HTTP {answer.status}{_error_detail(body)}", answer.status
                )
    except TimeoutError as error:
        raise OParlError(f"{url} did not answer in time") from error
    except aiohttp.ClientError as error:
        raise OParlError(f"{url} could not be reached: {error or type(error).__name__}") from error
    try:
        data = json.loads(body)
    except ValueError as error:
        raise OParlError(f"{url} did not answer with JSON") from error
    if not isinstance(data, dict):
        raise OParlError(f"{url} did not answer with a JSON object")
    return data


def _error_detail(body: str) -> str:
    """The message of an OParl error object, when the server sent one."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return f" ({str(message)[:200]})" if message else ""


async def list_objects(
    http: aiohttp.ClientSession, url: str, modified_since: datetime | None = None
) -> AsyncIterator[list[OParlObject]]:
    """The pages of an external list, following `links.next`, as lists of objects.

    Objects given only by their URL are fetched. The filter goes on the first page only;
    the server keeps it in its `next` links, as the specification asks.
    """
    params = {"modified_since": oparl_timestamp(modified_since)} if modified_since else None
    next_url: str | None = url
    seen: set[str] = set()
    while next_url is not None:
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise OParlError(f"{url}: the list's pages lead in a circle at {next_url}")
        seen.add(next_url)
        try:
            page = await get_object(http, next_url, params)
        except OParlError as error:
            if params is None or error.status not in REJECTED_FILTER:
                raise
            # a few servers refuse the filter the specification requires: read everything
            params = None
            page = await get_object(http, next_url)
        params = None
        items = page.get("data")
        if items is None and isinstance(page.get("items"), list):
            items = page["items"]  # some 1.0 servers still use the draft's name
        if not isinstance(items, list):
            raise OParlError(f"{next_url} is not an OParl list (no `data`)")
        yield [obj async for obj in resolve_all(http, items)]
        next_url = _next_link(page, next_url)


def _next_link(page: Mapping[str, Any], current: str) -> str | None:
    links = page.get("links")
    candidate = links.get("next") if isinstance(links, dict) else None
    if candidate is None:
        candidate = page.get("next") or page.get("nextPage")  # pre-1.0 layouts
    if not isinstance(candidate, str) or not candidate.strip():
        return None
    return urljoin(current, candidate.strip())


async def resolve(http: aiohttp.ClientSession, item: object) -> OParlObject | None:
    """An embedded object as it is, a referenced one fetched; anything else is skipped."""
    if isinstance(item, dict):
        return item
    if isinstance(item, str) and item.startswith(("http://", "https://")):
        return await get_object(http, item)
    return None


async def resolve_all(http: aiohttp.ClientSession, items: object) -> AsyncIterator[OParlObject]:
    if not isinstance(items, list):
        items = [items] if items else []
    for item in items:
        obj = await resolve(http, item)
        if obj is not None and isinstance(obj.get("id"), str):
            yield obj


def client_session(timeout_seconds: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        headers={"User-Agent": "mitreden (council data sync)"},
    )


__all__ = [
    "OParlError",
    "OParlObject",
    "client_session",
    "get_object",
    "is_deleted",
    "is_type",
    "list_objects",
    "resolve",
    "resolve_all",
]
