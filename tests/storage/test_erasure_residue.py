"""An erased citizen leaves no copy in the SQLite files, while the bot is still running."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import Pool

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from nlu.types import TeachableRecognizer

WHO = "hannah-7f3c9a2e"  # the platform's id of the citizen's chat, as a channel stores it
NAME = "Hannah Musterfrau"  # typed half-way through an idea, so far only in the conversation


def _content(database: Path) -> dict[str, bytes]:
    """The bytes of the database file and its WAL file, as a copy of them would hold."""
    files = (database, Path(f"{database}-wal"))
    return {path.name: path.read_bytes() if path.exists() else b"" for path in files}


def _secure_delete_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA secure_delete=OFF")


@pytest.fixture
def sqlite_without_secure_delete() -> Iterator[None]:
    """SQLite as many systems build it, leaving deleted rows readable in free space. This
    machine's build overwrites them by default, which would hide a connection that does
    not ask for it. Listeners on the Pool class run before those of one engine."""
    event.listen(Pool, "connect", _secure_delete_off)
    try:
        yield
    finally:
        event.remove(Pool, "connect", _secure_delete_off)


async def test_an_erased_citizen_leaves_no_trace_in_the_database_or_its_wal_file(
    sqlite_url: str,
    recognizer: TeachableRecognizer,
    tmp_path: Path,
    sqlite_without_secure_delete: None,
) -> None:
    database = Path(str(make_url(sqlite_url).database))
    settings = Settings(database_url=sqlite_url, demo_data="true", nlu_cache_dir=tmp_path / "nlu")
    app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    try:

        async def say(text: str) -> str:
            message = InboundMessage(ConversationKey("test", WHO, WHO), text)
            return "\n".join(reply.text for reply in await app.dispatcher.answer(message))

        await say("Hallo")
        await say("/idee")
        assert "Wie soll sie heißen" in await say("ja")
        assert "Beschreiben Sie" in await say(f"Bücherschrank vor dem Haus von {NAME}")
        stored = b"".join(_content(database).values())
        assert WHO.encode() in stored and NAME.encode() in stored  # the test sees them
        await say("/loeschen")
        assert "gelöscht" in await say("Ja, alles löschen")

        # the engine is still open: what a copy of the files would show right now
        for name, content in _content(database).items():
            assert WHO.encode() not in content, name
            assert NAME.encode() not in content, name
    finally:
        await app.close()
