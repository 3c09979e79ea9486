"""Fetching a picture from a media repository that misbehaves: a small HTTP server on
127.0.0.1 answers as a homeserver in trouble would (403, 500, silence, a lying size)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from nio import AsyncClient

from bot.channels.matrix.photos import MEDIA_DOWNLOAD, ImageFile, fetch_image

TOKEN = "syt_bot_token"
PICTURE = b"\xff\xd8\xff picture bytes"
LIMIT = 1_000


class MediaRepository:
    """Serves /_matrix/client/v1/media/download/localhost/<id> and notes every request."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.forever = asyncio.Event()

    async def download(self, request: web.Request) -> web.StreamResponse:
        media_id = request.match_info["media_id"]
        self.requests.append(media_id)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"errcode": "M_MISSING_TOKEN"}, status=401)
        if media_id == "forbidden":
            return web.json_response({"errcode": "M_FORBIDDEN"}, status=403)
        if media_id == "broken":
            return web.Response(status=500, text="Internal Server Error")
        if media_id == "silent":
            await self.forever.wait()  # never answers, until the server shuts down
        if media_id == "endless":
            # no Content-Length: only counting what arrives can stop it
            response = web.StreamResponse()
            await response.prepare(request)
            for _ in range(100):
                await response.write(b"x" * 100)
            await response.write_eof()
            return response
        if media_id == "picture":
            return web.Response(body=PICTURE, content_type="image/jpeg")
        return web.json_response({"errcode": "M_NOT_FOUND"}, status=404)


@pytest.fixture
async def repository() -> AsyncIterator[tuple[MediaRepository, AsyncClient]]:
    media = MediaRepository()
    app = web.Application()
    app.router.add_get(MEDIA_DOWNLOAD + "/localhost/{media_id}", media.download)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    client = AsyncClient(f"http://127.0.0.1:{port}", "@bot:localhost")
    client.access_token = TOKEN
    try:
        yield media, client
    finally:
        media.forever.set()
        await client.close()
        await runner.cleanup()


def image(media_id: str, size: int | None = None) -> ImageFile:
    return ImageFile(f"mxc://localhost/{media_id}", "image/jpeg", "foto.jpg", size)


async def test_a_picture_is_fetched_with_the_bots_token(
    repository: tuple[MediaRepository, AsyncClient],
) -> None:
    _, client = repository
    assert await fetch_image(client, image("picture", len(PICTURE)), LIMIT) == PICTURE


async def test_a_homeserver_that_refuses_fails_or_is_silent_makes_it_unavailable(
    repository: tuple[MediaRepository, AsyncClient],
) -> None:
    media, client = repository
    for media_id in ("forbidden", "broken", "gone"):
        assert await fetch_image(client, image(media_id), LIMIT) == "unavailable", media_id
    silent = await fetch_image(client, image("silent"), LIMIT, seconds=0.5)
    assert silent == "unavailable"
    assert media.requests == ["forbidden", "broken", "gone", "silent"]


async def test_too_big_is_known_before_or_while_fetching(
    repository: tuple[MediaRepository, AsyncClient],
) -> None:
    media, client = repository
    assert await fetch_image(client, image("picture", LIMIT + 1), LIMIT) == "too_big"
    assert media.requests == [], "the event said so: nothing was fetched"
    assert await fetch_image(client, image("endless", 10), LIMIT) == "too_big"


async def test_an_address_that_is_no_mxc_uri_is_not_fetched(
    repository: tuple[MediaRepository, AsyncClient],
) -> None:
    media, client = repository
    for url in ("https://example.org/foto.jpg", "mxc://localhost/../../admin", ""):
        unusable = ImageFile(url, "image/jpeg", "foto.jpg", None)
        assert await fetch_image(client, unusable, LIMIT) == "unavailable"
    assert media.requests == []
