"""One web server for everything `mitreden run` offers over HTTP, on one port.

Each area (health check, staff app, web chat) contributes its routes here; the running
bot is reachable from every request as `request.app.state.mitreden` (bot/web/parts.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from bot.web.admin.area import routes as admin_content_routes
from bot.web.auth import StaffGate
from bot.web.chat.direct_route import answer_chat_message, is_chat_message
from bot.web.chat.routes import routes as chat_routes
from bot.web.civic.area import routes as civic_routes
from bot.web.client_address import (
    Network,
    forwarded_scheme,
    is_trusted_peer,
    parse_networks,
    real_client,
)
from bot.web.errors import exception_handlers, refuse
from bot.web.layout import served_paths
from bot.web.open311.routes import routes as open311_routes
from bot.web.ops.health import healthz, readyz
from bot.web.ops.metrics_page import metrics_page
from bot.web.parts import Running
from bot.web.request_limits import http_for
from bot.web.staff.area import routes as staff_routes

log = logging.getLogger(__name__)


def area_routes() -> list[BaseRoute]:
    """Every area's routes; an area adds its own line here."""
    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_page),
        *chat_routes(),  # first: the busiest routes, matched with the fewest comparisons
        *staff_routes(),
        *civic_routes(),
        *admin_content_routes(),
        *open311_routes(),
    ]


class _WebApp(Starlette):
    trusted_proxies: tuple[Network, ...] = ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.trusted_proxies and scope["type"] == "http" and scope.get("client"):
            _behind_proxy(scope, self.trusted_proxies)
        if is_chat_message(scope):  # the busiest route, public: past the staff app's layers
            scope["app"] = self
            await answer_chat_message(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _behind_proxy(scope: Scope, trusted: tuple[Network, ...]) -> None:
    """The client's own address (and scheme) where a trusted proxy names them, so every
    route, limit and log sees the citizen rather than the proxy."""
    peer = scope["client"][0]
    client = real_client(peer, scope["headers"], trusted)
    if client != peer:
        scope["client"] = (client, 0)
    if is_trusted_peer(peer, trusted):
        scheme = forwarded_scheme(scope["headers"])
        if scheme is not None:
            scope["scheme"] = scheme


def create_web_app(app: Running) -> Starlette:
    """The server; the staff gate (login, roles, CSRF) stands in front of every route but
    the web chat's messages."""
    web = _WebApp(
        routes=area_routes(),
        middleware=[Middleware(StaffGate, refuse=refuse)],
        exception_handlers=exception_handlers(),  # type: ignore[arg-type]
    )
    web.trusted_proxies = parse_networks(app.settings.trusted_proxies)
    web.state.mitreden = app
    web.state.chat = app.chat
    web.state.served_paths = served_paths(list(web.routes))  # for the navigation
    return web


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # `mitreden run` owns SIGINT and SIGTERM and stops the server itself


class WebServer:
    """uvicorn inside the bot's own event loop, so routes share the bot with the channels."""

    def __init__(self, asgi: Starlette, host: str, port: int) -> None:
        config = uvicorn.Config(
            asgi,
            host=host,
            port=port,
            lifespan="off",
            log_level="warning",
            access_log=False,
            proxy_headers=False,  # which proxies to believe is MITREDEN_TRUSTED_PROXIES' job
            http=http_for(asgi),  # cuts off slow or huge requests (bot/web/request_limits.py)
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():  # the port is taken, say: raise what uvicorn saw
                self._task.result()
                raise OSError("the web server could not start")
            await asyncio.sleep(0.01)

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0 in tests)."""
        for server in self._server.servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        raise RuntimeError("the web server is not listening")

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
