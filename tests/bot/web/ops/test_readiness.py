"""`/healthz` says the process lives, `/readyz` whether it should get traffic: the database
answers and has the schema this version needs. Both need no login."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import text

from bot.app import App, build_app
from bot.config import Settings
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage.migrate import head_revisions
from tests.bot.web.chat.chat_server import running_chat


async def _change(app: App, statement: str, **values: str) -> None:
    async with app.sessions() as session, session.begin():
        await session.execute(text(statement), values)


async def test_ready_when_the_schema_is_current(db_url: str, recognizer: IntentRecognizer) -> None:
    async with running_chat(db_url, recognizer) as server, server.client() as client:
        ready = await client.get("/readyz")
        alive = await client.get("/healthz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "schema": "current"}
    assert alive.status_code == 200


async def test_not_ready_while_migrations_are_missing(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    head = sorted(head_revisions())[-1]
    async with running_chat(sqlite_url, recognizer) as server, server.client() as client:
        # the newest migration of one branch has not run
        await _change(server.app, "DELETE FROM alembic_version WHERE version_num = :r", r=head)
        behind = await client.get("/readyz")
        alive = await client.get("/healthz")
        # a later version's migration ran on top of it
        await _change(server.app, "INSERT INTO alembic_version VALUES ('9999_later')")
        newer = await client.get("/readyz")
    assert behind.status_code == 503
    assert behind.json()["status"] == "not ready"
    assert "mitreden db upgrade" in behind.json()["reason"]
    assert alive.status_code == 200  # alive all the same: restarting would not help
    # a later version's migrations only add, so this version keeps serving while it rolls out
    assert newer.status_code == 200
    assert newer.json()["schema"] == "newer"


async def test_not_ready_without_a_database(tmp_path: Path, recognizer: IntentRecognizer) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", demo_data="false")
    app = await build_app(settings, {}, recognizer)
    web = create_web_app(app)
    await app.engine.dispose()
    (tmp_path / "bot.db").unlink()
    (tmp_path / "bot.db").mkdir()  # the file is gone and cannot come back
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/readyz")
    await app.close()
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reason": "database unreachable"}
