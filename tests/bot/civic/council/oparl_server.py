"""A small OParl server on 127.0.0.1 for tests, serving the fixtures in ./fixtures.

It pages lists (two objects a page) with `links.next`, honours `modified_since`, serves
referenced objects at their own URL, records every request, and can be told to answer
a request with HTTP 500 or not in time. For the edge cases of real servers it can also
send a path's answers in another encoding (with or without naming the charset), redirect
a path, or answer a path with a large body (`edge.json` holds the matching council).
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_SIZE = 2


@dataclass
class Fault:
    path: str
    page: int | None
    how: str  # "500" or "timeout"
    times: int


@dataclass
class OParlServer:
    flavour: str  # "v11" or "v10"
    relative_next: bool = False  # some 1.0 servers link pages relatively
    port: int = 0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    slow_seconds: float = 5.0
    rejects_filters: bool = False  # answer 400 to `modified_since`, as a few servers do
    # path -> (encoding of the body, charset named in Content-Type or None)
    encodings: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location
    raw: dict[str, bytes] = field(default_factory=dict)  # path -> body sent as it is
    # path -> (bytes to send, whether Content-Length announces them); `sent` counts them
    large: dict[str, tuple[int, bool]] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    _data: dict[str, Any] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def system_url(self) -> str:
        return str(self._data["system"]["id"])

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        raw = (FIXTURES / f"{self.flavour}.json").read_text(encoding="utf-8")
        self._data = json.loads(raw.replace("{base}", self.base))

    def use(self, data: dict[str, Any]) -> None:
        """Serve these objects instead of the fixture file ("{base}" is replaced)."""
        self._data = json.loads(json.dumps(data).replace("{base}", self.base))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests change -------------------------------------------------------------

    def fail(self, path: str, *, page: int | None = None, how: str = "500", times: int = 1) -> None:
        self.faults.append(Fault(path, page, how, times))

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = self._data["bodies"][0]
        return body

    def paper(self, paper_id: str) -> dict[str, Any]:
        return next(p for p in self._data["papers"] if p["id"].endswith(paper_id))

    def meeting(self, meeting_id: str) -> dict[str, Any]:
        return next(m for m in self._data["meetings"] if m["id"].endswith(meeting_id))

    def add_meeting(self, meeting: dict[str, Any]) -> None:
        self._data["meetings"].append(meeting)

    def delete_paper(self, paper_id: str, modified: str) -> None:
        paper = self.paper(paper_id)
        kept: dict[str, Any] = {k: paper[k] for k in ("id", "type", "created") if k in paper}
        paper.clear()
        paper.update(kept, modified=modified, deleted=True)

    def list_requests(self, path_end: str) -> list[dict[str, str]]:
        return [query for path, query in self.requests if path.endswith(path_end)]

    # --- serving -------------------------------------------------------------------------

    def _lists(self) -> dict[str, list[dict[str, Any]]]:
        body = self._data["bodies"][0]
        return {
            self._data["system"]["body"]: self._data["bodies"],
            body["paper"]: self._data["papers"],
            body["meeting"]: self._data["meetings"],
        }

    def _objects(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {self._data["system"]["id"]: self._data["system"]}
        for key in ("bodies", "papers", "meetings", "standalone"):
            for obj in self._data.get(key, []):
                found[obj["id"]] = obj
        return found

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.requests.append((request.path, query))
        page = int(query.get("page", "1"))
        for fault in self.faults:
            if fault.times > 0 and request.path == fault.path and fault.page in (None, page):
                fault.times -= 1
                if fault.how == "timeout":
                    await asyncio.sleep(self.slow_seconds)
                else:
                    return web.json_response(
                        {
                            "type": "https://schema.oparl.org/1.1/Error",
                            "message": "Interner Serverfehler",
                        },
                        status=500,
                    )
        if self.rejects_filters and "modified_since" in query:
            return web.json_response({"message": "unknown parameter"}, status=400)
        if request.path in self.redirects:
            raise web.HTTPFound(self.redirects[request.path])
        if request.path in self.large:
            return await self._large(request)
        if request.path in self.raw:
            return web.Response(body=self.raw[request.path], content_type="application/json")
        url = f"{self.base}{request.path}"
        lists = self._lists()
        if url in lists:
            return self._json(request.path, self._page(url, lists[url], query, page))
        obj = self._objects().get(url)
        if obj is None:
            return web.json_response({"message": "not found"}, status=404)
        return self._json(request.path, obj)

    def _json(self, path: str, data: dict[str, Any]) -> web.Response:
        encoding, charset = self.encodings.get(path, ("utf-8", "utf-8"))
        content_type = "application/json" + (f"; charset={charset}" if charset else "")
        body = json.dumps(data, ensure_ascii=False).encode(encoding)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _large(self, request: web.Request) -> web.StreamResponse:
        """A JSON list padded to the size asked for, sent in 64 KiB chunks while the client
        reads; a client that stops reading ends it."""
        size, announced = self.large[request.path]
        answer = web.StreamResponse(headers={"Content-Type": "application/json"})
        if announced:
            answer.content_length = size
        await answer.prepare(request)
        self.sent[request.path] = 0
        head, tail = b'{"data": [], "padding": "', b'"}'
        chunks = [head, *[b"x" * 65536] * ((size - len(head) - len(tail)) // 65536)]
        chunks.append(b"x" * (size - len(tail) - sum(map(len, chunks))) + tail)
        try:
            for chunk in chunks:
                await answer.write(chunk)
                self.sent[request.path] += len(chunk)
        except (ConnectionResetError, RuntimeError):
            return answer  # the client hung up: what it refused to read stays unsent
        await answer.write_eof()
        return answer

    def _page(
        self, url: str, items: list[dict[str, Any]], query: dict[str, str], page: int
    ) -> dict[str, Any]:
        since = query.get("modified_since")
        if since is not None:
            moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
            items = [
                item
                for item in items
                if "modified" not in item
                or datetime.fromisoformat(item["modified"].replace("Z", "+00:00")) >= moment
            ]
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        links: dict[str, str] = {}
        if page * PAGE_SIZE < len(items):
            params = {**({"modified_since": since} if since else {}), "page": str(page + 1)}
            next_query = "?" + urlencode(params)
            links["next"] = next_query if self.relative_next else url + next_query
        return {
            "data": copy.deepcopy(chunk),
            "pagination": {"elementsPerPage": PAGE_SIZE, "currentPage": page},
            "links": links,
        }


@asynccontextmanager
async def serving(flavour: str, relative_next: bool = False) -> AsyncIterator[OParlServer]:
    """The server for one fixture file, answering until the block ends."""
    server = OParlServer(flavour, relative_next=relative_next)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
