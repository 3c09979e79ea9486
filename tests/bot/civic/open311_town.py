"""A town's own Open311 GeoReport v2 system on 127.0.0.1: it takes requests, keeps their
status, and answers with the faults a test asks for (time-out, 429, 500, 403, garbage)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BASE = "/open311/v2"
SLOW_SECONDS = 5.0  # longer than the client's time-out in the tests


@dataclass
class TownServer:
    port: int = 0
    posted: list[dict[str, str]] = field(default_factory=list)
    asked: list[dict[str, str]] = field(default_factory=list)
    # what the next POSTs meet, first first: "timeout", "429", "500", "403", "garbage", …
    faults: list[str] = field(default_factory=list)
    list_faults: list[str] = field(default_factory=list)  # the same for GET requests.json
    answers_with_tokens: bool = False
    requests: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE}"

    def set_status(self, number: int, status: str, notes: str) -> None:
        """The town's staff change request `number` (1 for the first one taken)."""
        self.requests[f"S{number}"] = {"status": status, "status_notes": notes}

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(BASE + "/requests.json", self._post)
        app.router.add_get(BASE + "/requests.json", self._list)
        app.router.add_get(BASE + "/tokens/{token}.json", self._token)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self.runner.addresses[0][1])

    async def _post(self, request: web.Request) -> web.StreamResponse:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.posted.append(form)
        if self.faults:
            return await _fault(self.faults.pop(0))
        number = len(self.requests) + 1
        request_id = f"S{number}"
        self.requests[request_id] = {"status": "open", "status_notes": ""}
        if self.answers_with_tokens:
            self.tokens[f"tok-{number}"] = request_id
            return web.json_response([{"token": f"tok-{number}"}])
        return web.json_response([{"service_request_id": request_id, "service_notice": ""}])

    async def _list(self, request: web.Request) -> web.StreamResponse:
        self.asked.append(dict(request.query))
        if self.list_faults:
            return await _fault(self.list_faults.pop(0))
        wanted = request.query.get("service_request_id", "").split(",")
        found: list[dict[str, Any]] = [
            {"service_request_id": number, **self.requests[number]}
            for number in wanted
            if number in self.requests
        ]
        return web.json_response(found)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        return web.json_response([{"token": token, "service_request_id": self.tokens.get(token)}])


async def _fault(how: str) -> web.StreamResponse:
    if how == "timeout":
        await asyncio.sleep(SLOW_SECONDS)
    if how == "429":
        return web.json_response([], status=429, headers={"Retry-After": "3600"})
    if how in ("400", "403", "404"):
        errors = [{"code": int(how), "description": "api_key ist ungültig"}]
        return web.json_response(errors, status=int(how))
    if how == "garbage":
        return web.Response(body=b"<html>\x00\xff Wartung", content_type="application/json")
    if how == "wrong charset":
        # Windows-1252 bytes while the header says UTF-8
        body = json.dumps([{"service_request_id": "Ä1"}], ensure_ascii=False).encode("cp1252")
        return web.Response(body=body, content_type="application/json", charset="utf-8")
    return web.json_response([{"code": 500, "description": "Datenbank weg"}], status=500)


@asynccontextmanager
async def town_system() -> AsyncIterator[TownServer]:
    server = TownServer()
    await server.start()
    try:
        yield server
    finally:
        assert server.runner is not None
        await server.runner.cleanup()
