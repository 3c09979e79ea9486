"""The backup and restore docs/operating.md describes, done: pg_dump while the bot runs,
pg_restore into an empty database, and the bot serves on from it."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from nlu.types import IntentRecognizer
from storage.models.civic import Idea
from tests.storage.postgres_cluster import binaries, create_database, drop_database


async def say(app: App, text: str) -> str:
    replies = await app.dispatcher.answer(InboundMessage(ConversationKey("web", "b", "b"), text))
    return "\n".join(reply.text for reply in replies)


def tool(name: str) -> str:
    """The PostgreSQL client tool of the server's version where a private cluster runs."""
    found = binaries()
    return str(found / name) if found is not None and (found / name).exists() else name


async def run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(*command)
    assert await process.wait() == 0, command


def plain(url: str) -> str:
    """The libpq form of an async SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_a_dump_restored_into_an_empty_database_continues_every_conversation(
    postgres_url: str, postgres_admin_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    settings = Settings(database_url=postgres_url, demo_data="true", nlu_cache_dir=None)
    app = await build_app(settings, {}, recognizer)
    try:
        await say(app, "/idee")
        await say(app, "ja")
        assert "Beschreiben Sie" in await say(app, "Bücherschrank am Weiher")
        async with app.sessions() as session:
            ideas = await session.scalar(select(func.count()).select_from(Idea))
        dump = tmp_path / "mitreden.dump"
        # while the bot runs, as the docs say
        await run(tool("pg_dump"), "--format=custom", f"--file={dump}", plain(postgres_url))
    finally:
        await app.close()

    restored = f"mitreden_restored_{uuid.uuid4().hex[:10]}"
    await create_database(postgres_admin_url, restored)
    try:
        target = make_url(postgres_admin_url).set(database=restored)
        url = plain(target.render_as_string(hide_password=False))
        await run(tool("pg_restore"), "--no-owner", f"--dbname={url}", str(dump))
        async_url = target.set(drivername="postgresql+asyncpg")
        settings = Settings(
            database_url=async_url.render_as_string(hide_password=False),
            demo_data="true",
            nlu_cache_dir=None,
        )
        app = await build_app(settings, {}, recognizer)
        try:
            # the conversation goes on where it stood, and nothing was seeded twice
            assert "Zu welchem Thema" in await say(app, "Ein Schrank mit Büchern zum Tauschen.")
            async with app.sessions() as session:
                assert await session.scalar(select(func.count()).select_from(Idea)) == ideas
        finally:
            await app.close()
    finally:
        await drop_database(postgres_admin_url, restored)
