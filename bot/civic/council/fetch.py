"""One answer of the council's server: every address and redirect checked, the size capped,
the text decoded by what the server declared, else as UTF-8, else as Windows-1252 with a
warning. Every failure becomes an OParlError naming the address."""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin

import aiohttp

from bot.civic.council.errors import OParlError, Refused
from bot.civic.council.guard import GuardedResolver, Policy, RefusedAddress, check_url

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
NOT_UTF8 = (
    "answers that are not UTF-8 and name no charset were read as Windows-1252 (Latin-1); "
    "OParl asks for UTF-8, so please tell the server's vendor"
)


@dataclass
class Reader:
    """The HTTP session with the rules it follows, and what looked wrong while reading."""

    http: aiohttp.ClientSession
    policy: Policy
    max_bytes: int
    # a problem, and where it occurred (an address, or the refusal naming it)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def warn(self, problem: str, where: str) -> None:
        self.warnings.setdefault(problem, []).append(where)

    def take_warnings(self) -> str | None:
        """The warnings since the last call, in one text for the sync state; then forgets them."""
        lines = []
        for problem, urls in self.warnings.items():
            where = f"{len(urls)} times, first: {urls[0]}" if len(urls) > 1 else urls[0]
            lines.append(f"{problem} ({where})")
        self.warnings = {}
        return "; ".join(lines) or None


@asynccontextmanager
async def open_reader(
    policy: Policy, *, total_seconds: float, connect_seconds: float, max_bytes: int
) -> AsyncIterator[Reader]:
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy.networks))
    timeout = aiohttp.ClientTimeout(total=total_seconds, connect=connect_seconds)
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        headers={"User-Agent": "mitreden (council data sync)"},
    ) as http:
        yield Reader(http, policy, max_bytes)


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


async def fetch(reader: Reader, url: str, params: Mapping[str, str] | None = None) -> Answer:
    """GET `url`, following up to MAX_REDIRECTS redirects that pass the same checks."""
    address = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            check_url(address, reader.policy)
        except Refused as error:
            if address == url:
                raise
            raise Refused(f"{url} redirects: {error}") from error
        try:
            async with reader.http.get(
                address,
                params=params,
                headers={"Accept": "application/json"},
                allow_redirects=False,
            ) as answer:
                location = answer.headers.get("Location") if answer.status in REDIRECTS else None
                if location is None:
                    body = await _read_capped(answer, reader.max_bytes, url)
                    return Answer(answer.status, _decode(body, answer.charset, url, reader))
                address, params = urljoin(str(answer.url), location.strip()), None
        except aiohttp.ConnectionTimeoutError as error:
            raise OParlError(f"{url} could not be connected to in time") from error
        except TimeoutError as error:
            raise OParlError(f"{url} did not answer in time") from error
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, RefusedAddress):
                raise Refused(f"{url}: {error.os_error}") from error
            raise OParlError(f"{url} could not be reached: {error}") from error
        except aiohttp.ClientError as error:
            raise OParlError(
                f"{url} could not be reached: {error or type(error).__name__}"
            ) from error
        except ValueError as error:  # an address aiohttp cannot use
            raise OParlError(f"{url} is not a valid address: {error}") from error
    raise OParlError(f"{url} redirects more than {MAX_REDIRECTS} times")


async def _read_capped(answer: aiohttp.ClientResponse, limit: int, url: str) -> bytes:
    """The body, read in chunks and abandoned as soon as it is larger than `limit`."""
    too_large = (
        f"{url} sent more than {_size(limit)}, the limit set by MITREDEN_OPARL_MAX_BYTES; "
        "the answer was not read"
    )
    if answer.content_length is not None and answer.content_length > limit:
        raise OParlError(too_large)
    body = bytearray()
    async for chunk in answer.content.iter_chunked(CHUNK):
        if len(body) + len(chunk) > limit:
            raise OParlError(too_large)
        body += chunk
    return bytes(body)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MiB" if count >= 1024 * 1024 else f"{count / 1024:g} KiB"


def _decode(body: bytes, declared: str | None, url: str, reader: Reader) -> str:
    if declared:
        try:
            return body.decode(codecs.lookup(declared).name).removeprefix("\ufeff")
        except LookupError:
            reader.warn(f"the server named an unknown charset {declared!r}", url)
        except UnicodeDecodeError:
            reader.warn(f"answers said they were {declared} but were not", url)
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        reader.warn(NOT_UTF8, url)
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return body.decode("latin-1")  # the five bytes Windows-1252 leaves undefined


__all__ = ["Answer", "Reader", "fetch", "open_reader"]
