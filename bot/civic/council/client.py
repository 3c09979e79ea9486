"""Reading an OParl server: single objects, paged lists, embedded or referenced objects.

Every failure becomes an OParlError whose message names the address and what went wrong,
in words an operator can act on. The HTTP side (checked addresses, size cap, decoding) is
in fetch.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from bot.civic.council.dates import oparl_timestamp
from bot.civic.council.errors import OParlError, Refused
from bot.civic.council.fetch import Reader, fetch

OParlObject = dict[str, Any]
MAX_PAGES = 10_000
REJECTED_FILTER = (
    400,
    422,
    501,
)  # a server whose `next` never ends must not keep the sync busy forever


def is_type(obj: Mapping[str, Any], name: str) -> bool:
    """True for both schema.oparl.org/1.0/NAME and /1.1/NAME (and vendor spellings)."""
    kind = obj.get("type")
    return isinstance(kind, str) and kind.rstrip("/").lower().endswith("/" + name.lower())


async def get_object(
    reader: Reader, url: str, params: Mapping[str, str] | None = None
) -> OParlObject:
    answer = await fetch(reader, url, params)
    if answer.status >= 400:
        raise OParlError(
            f"{url} answered HTTP {answer.status}{_error_detail(answer.text)}", answer.status
        )
    try:
        data = json.loads(answer.text)
    except (ValueError, RecursionError) as error:  # nesting too deep is a RecursionError
        raise OParlError(f"{url} did not answer with JSON") from error
    if not isinstance(data, dict):
        raise OParlError(f"{url} did not answer with a JSON object")
    return data


def _error_detail(body: str) -> str:
    """The message of an OParl error object, when the server sent one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return f" ({str(message)[:200]})" if message else ""


async def list_objects(
    reader: Reader, url: str, modified_since: datetime | None = None
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
            page = await get_object(reader, next_url, params)
        except OParlError as error:
            if params is None or error.status not in REJECTED_FILTER:
                raise
            # a few servers refuse the filter the specification requires: read everything
            params = None
            page = await get_object(reader, next_url)
        params = None
        items = page.get("data")
        if items is None and isinstance(page.get("items"), list):
            items = page["items"]  # some 1.0 servers still use the draft's name
        if not isinstance(items, list):
            raise OParlError(f"{next_url} is not an OParl list (no `data`)")
        yield [obj async for obj in resolve_all(reader, items)]
        next_url = _next_link(page, next_url)


def _next_link(page: Mapping[str, Any], current: str) -> str | None:
    links = page.get("links")
    candidate = links.get("next") if isinstance(links, dict) else None
    if candidate is None:
        candidate = page.get("next") or page.get("nextPage")  # pre-1.0 layouts
    if not isinstance(candidate, str) or not candidate.strip():
        return None
    return urljoin(current, candidate.strip())


async def resolve(reader: Reader, item: object) -> OParlObject | None:
    """An embedded object as it is, a referenced one fetched; anything else is skipped.

    A reference mitreden refuses to follow (another host, a special address) is skipped
    with a warning instead of stopping the list: the rest of the council's data still counts.
    """
    if isinstance(item, dict):
        return item
    if isinstance(item, str) and item.startswith(("http://", "https://")):
        try:
            return await get_object(reader, item)
        except Refused as error:
            reader.warn("references were skipped, their address is not asked", str(error))
    return None


async def resolve_all(reader: Reader, items: object) -> AsyncIterator[OParlObject]:
    if not isinstance(items, list):
        items = [items] if items else []
    for item in items:
        obj = await resolve(reader, item)
        if obj is not None and isinstance(obj.get("id"), str):
            yield obj


__all__ = [
    "OParlError",
    "OParlObject",
    "get_object",
    "is_type",
    "list_objects",
    "resolve",
    "resolve_all",
]
