"""One web server for everything `mitreden run` offers over HTTP, on one port.

Each area (health check, staff app, web chat) contributes its routes here; the running
bot is reachable from every request as `request.app.state.mitreden` (bot/web/parts.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any

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
from bot.web.listening import close_listeners, open_listeners
from bot.web.open311.routes import routes as open311_routes
from bot.web.ops.health import healthz, readyz
from bot.web.ops.metrics_page import metrics_page
from bot.web.parts import Running
from bot.web.public_photos import routes as public_photo_routes
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
        *public_photo_routes(),
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


# After the listening sockets close, connections taken in last have their request read
# before the server closes the connections that carry none (idle kept-alive ones).
SETTLE_SECONDS = 0.2


def _settings_value(asgi: Starlette, name: str, default: float) -> float:
    settings = getattr(getattr(asgi.state, "mitreden", None), "settings", None)
    return float(getattr(settings, name, default))


class WebServer:
    """uvicorn inside the bot's own event loop, so routes share the bot with the channels.

    Stopping: the listening sockets close first (new connections are refused, and a proxy
    tries another process), `/readyz` answers 503, requests under way are answered, for at
    most `web_shutdown_timeout` seconds."""

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
            timeout_graceful_shutdown=round(_settings_value(asgi, "web_shutdown_timeout", 30)),
        )
        self._asgi = asgi
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[socket.socket] = []
        self._adopting: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        config = self._server.config
        self._listeners = open_listeners(config.host, config.port, config.backlog)
        self._asgi.state.stopping = False
        # uvicorn gets copies: closing them does not close the sockets themselves, which
        # `stop_listening` closes once their queues are empty
        copies = [listener.dup() for listener in self._listeners]
        self._task = asyncio.create_task(self._server.serve(sockets=copies))
        while not self._server.started:
            if self._task.done():  # raise what uvicorn saw
                for listener in self._listeners:
                    listener.close()
                self._listeners = []
                self._task.result()
                raise OSError("the web server could not start")
            await asyncio.sleep(0.01)

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0 in tests)."""
        for listener in self._listeners:
            return int(listener.getsockname()[1])
        for server in self._server.servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        raise RuntimeError("the web server is not listening")

    def mark_stopping(self) -> None:
        """`/readyz` answers 503 from now on."""
        self._asgi.state.stopping = True

    async def stop_listening(self, delay: float = 0.0) -> None:
        """Refuse new connections (after `delay` seconds of `/readyz` answering 503).
        Connections already taken in are answered."""
        self.mark_stopping()
        if delay > 0:
            await asyncio.sleep(delay)
        if not self._listeners:
            return
        for server in getattr(self._server, "servers", []):
            server.close()  # uvicorn's copies: no longer watched
        waiting = close_listeners(self._listeners)
        self._listeners = []
        loop = asyncio.get_running_loop()
        for connection in waiting:
            task = asyncio.create_task(loop.connect_accepted_socket(self._protocol, connection))
            self._adopting.add(task)
            task.add_done_callback(self._adopting.discard)
        await asyncio.sleep(SETTLE_SECONDS)

    def _protocol(self) -> asyncio.Protocol:
        """uvicorn's HTTP protocol for a connection, as its own server makes it."""
        server, config = self._server, self._server.config
        protocol: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=server.server_state, app_state=server.lifespan.state
        )
        return protocol

    async def stop(self) -> None:
        """Stop listening, answer the requests under way (for at most
        `web_shutdown_timeout` seconds), then end."""
        if self._task is None:
            return
        await self.stop_listening()
        if self._adopting:
            await asyncio.wait(set(self._adopting))
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
