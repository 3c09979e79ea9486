"""A report's status change reaches the reporter and every follower, each in their language,
through the outbox; the chat's port stores reports and finds the same problem nearby."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.report_news import change_report_status
from bot.civic.services import StoreServices
from flows.ports.reports import NewReport
from storage.citizens import set_language
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]
LAMP = NewReport("street_lighting", "Die Laterne ist dunkel.", "Lindenstraße 5", "de")


async def _citizen(session: AsyncSession, chat: str, language: str) -> int:
    citizen, _ = await resolve_citizen(session, "telegram", chat, chat, language, NOW)
    await set_language(session, citizen, language)
    return citizen


async def _texts(sessions: Sessions) -> dict[str, list[str]]:
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.address, []).append(row.payload["text"])
    return found


async def test_a_status_change_reaches_reporter_and_follower(db_sessions: Sessions) -> None:
    async with db_sessions() as session, session.begin():
        reporter = await _citizen(session, "anna", "de")
        follower = await _citizen(session, "ben", "en")
        services = StoreServices(session, "telegram", clock=lambda: NOW)
        ref = await services.reports.create(reporter, LAMP)
        same = await services.reports.possible_duplicates(
            "street_lighting", "Lindenstr. 7", None, None, "en"
        )
        assert [(view.ref, view.category) for view in same] == [(ref, "Street lighting")]
        assert await services.reports.follow(follower, ref)
        assert not await services.reports.follow(follower, ref)
    async with db_sessions() as session, session.begin():
        queued = await change_report_status(
            session,
            ref,
            "in_progress",
            note_de="Der Bauhof tauscht die Lampe diese Woche.",
            note_en="The depot will replace the lamp this week.",
            staff="Frau Meier",
            now=NOW,
        )
    assert queued == 2
    texts = await _texts(db_sessions)
    (german,) = texts["anna"]
    (english,) = texts["ben"]
    assert german.startswith(f"Neuigkeiten zu Meldung {ref} (Straßenbeleuchtung, Lindenstraße 5)")
    assert "Stand: in Bearbeitung" in german and "Bauhof tauscht" in german
    assert "Status: in progress" in english and "replace the lamp" in english


async def test_a_duplicate_tells_its_people_and_hands_them_on(db_sessions: Sessions) -> None:
    async with db_sessions() as session, session.begin():
        first = await _citizen(session, "anna", "de")
        second = await _citizen(session, "ben", "de")
        services = StoreServices(session, "telegram", clock=lambda: NOW)
        original = await services.reports.create(first, LAMP)
        repeat = await services.reports.create(second, LAMP)
    async with db_sessions() as session, session.begin():
        await change_report_status(
            session,
            repeat,
            "duplicate",
            note_de="",
            note_en="",
            staff="a",
            now=NOW,
            duplicate_of=original,
        )
        with pytest.raises(LookupError):
            await change_report_status(
                session, "M-999", "done", note_de="", note_en="", staff="a", now=NOW
            )
    async with db_sessions() as session, session.begin():
        await change_report_status(
            session, original, "done", note_de="Repariert.", note_en="", staff="a", now=NOW
        )
    texts = await _texts(db_sessions)
    assert f"als {original} weiter bearbeitet" in texts["ben"][0]
    assert "Stand: erledigt" in texts["ben"][1] and "Repariert." in texts["ben"][1]
    assert len(texts["anna"]) == 1 and "Stand: erledigt" in texts["anna"][0]
