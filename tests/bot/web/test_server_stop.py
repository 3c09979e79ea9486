"""How the web server stops on SIGTERM: new connections are refused at once (a proxy may
retry them on another process), everything already taken in is answered, /readyz says so."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.app import build_app
from bot.channels.web import WebChannel
from bot.config import Settings
from bot.web.server import WebServer, create_web_app
from nlu.types import IntentRecognizer


def slow_app(release: asyncio.Event, arrived: asyncio.Event) -> Starlette:
    async def slow(request: Request) -> Response:
        arrived.set()
        await release.wait()
        return PlainTextResponse("done")

    async def quick(request: Request) -> Response:
        return PlainTextResponse("quick")

    return Starlette(routes=[Route("/slow", slow), Route("/quick", quick)])


async def test_a_request_under_way_is_answered_while_new_connections_are_refused() -> None:
    release, arrived = asyncio.Event(), asyncio.Event()
    server = WebServer(slow_app(release, arrived), "127.0.0.1", 0)
    await server.start()
    url = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient() as client:
        under_way = asyncio.create_task(client.get(f"{url}/slow"))
        await arrived.wait()
        await server.stop_listening()
        stopping = asyncio.create_task(server.stop())
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient() as fresh:
                await fresh.get(f"{url}/quick")
        release.set()
        answer = await under_way
        await stopping
    assert answer.status_code == 200
    assert answer.text == "done"


async def test_a_connection_waiting_to_be_taken_in_when_listening_stops_is_answered() -> None:
    """Closing a listening socket resets the connections still in its queue: a proxy that
    already sent a POST there could neither get an answer nor send it again elsewhere."""
    server = WebServer(slow_app(asyncio.Event(), asyncio.Event()), "127.0.0.1", 0)
    await server.start()
    # connected and sent while the event loop does not run: the connection still waits
    # in the kernel's queue when listening stops
    waiting = socket.create_connection(("127.0.0.1", server.port))
    waiting.sendall(b"GET /quick HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
    await server.stop_listening()
    waiting.setblocking(False)
    loop = asyncio.get_running_loop()
    received = b""
    try:
        while chunk := await loop.sock_recv(waiting, 4096):
            received += chunk
    finally:
        waiting.close()
        await server.stop()
    assert received.startswith(b"HTTP/1.1 200")
    assert received.endswith(b"quick")


async def test_readiness_says_shutting_down_as_soon_as_the_stop_begins(
    tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", demo_data="false")
    app = await build_app(settings, {}, recognizer)
    server = WebServer(create_web_app(app), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            assert (await client.get("/readyz")).status_code == 200
            server.mark_stopping()  # what SIGTERM does first
            response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "not ready", "reason": "shutting down"}
    finally:
        await server.stop()
        await app.close()


async def test_an_event_stream_opened_after_streams_were_ended_ends_at_once() -> None:
    """Its request came in just before listening stopped: it must not hold the stop up."""
    channel = WebChannel()
    channel.end_streams()
    with channel.open_stream("late-page") as stream:
        assert await stream.get() is None
