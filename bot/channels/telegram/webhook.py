"""Webhook mode: Telegram posts updates to us (behind a reverse proxy) instead of us polling."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class WebhookConfig:
    """`url` is the public HTTPS address Telegram calls; we listen on `listen`:`port`."""

    url: str
    secret: str
    listen: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        return urlparse(self.url).path or "/"


def derived_secret(token: str) -> str:
    """A secret every bot process derives alike from the token, when the operator set none."""
    return hashlib.sha256(f"mitreden-webhook:{token}".encode()).hexdigest()


UpdateReceiver = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookReceiver:
    """A small aiohttp server that checks Telegram's secret header and hands updates on."""

    def __init__(self, config: WebhookConfig, receive: UpdateReceiver) -> None:
        self._config = config
        self._receive = receive
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._config.secret.encode()):
            log.warning("refused a webhook call without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            update = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="not json")
        if not isinstance(update, dict):
            return web.Response(status=400, text="not an update")
        # answered only once the update is handed over: a failure makes Telegram send it again
        await self._receive(update)
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self._config.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._config.listen, self._config.port)
        await site.start()

    @property
    def port(self) -> int:
        """The port actually bound (differs from the configured one when that was 0)."""
        if self._runner is None:
            return self._config.port
        for address in self._runner.addresses:
            return int(address[1])
        return self._config.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
