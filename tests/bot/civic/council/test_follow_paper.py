"""A citizen follows a council paper through the real bot, then hears of the decision."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.civic.council.sync import sync_council
from bot.civic.decisions import publish_decision
from bot.content.conversation_tests import Conversation
from flows.types import Reply
from nlu.types import TeachableRecognizer
from storage.models.civic import Decision, Subscription
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer


@pytest.fixture
async def bot(
    tmp_path: Path, oparl: OParlServer, recognizer: TeachableRecognizer
) -> AsyncIterator[Conversation]:
    settings = council_settings(oparl).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'bot.db'}",
            "demo_data": "true",
            "nlu_cache_dir": None,
        }
    )
    conversation = Conversation(settings, recognizer, build_app, None)
    await conversation.start()
    assert conversation.app is not None
    report = await sync_council(conversation.app.sessions, settings, NOW)
    assert report.ok, report.lines()
    try:
        yield conversation
    finally:
        await conversation.stop()


def _said(replies: Sequence[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


async def test_follow_a_synced_paper_and_hear_of_the_decision(bot: Conversation) -> None:
    replies = await bot.send("anna", "Ich möchte die Vorlage 2026/123 verfolgen")
    said = _said(replies)
    # only what the council data says: title, type, date, result and meeting
    assert "Vorlage 2026/123: Radwegebau an der Hauptstraße zwischen Markt und Bahnhof" in said
    assert "Art: Beschlussvorlage · Datum: 12.10.2026" in said
    assert (
        "Stand: Geändert beschlossen (Sitzung des Rates der Stadt Musterstadt, 26.11.2026)" in said
    )
    assert "Möchten Sie diese Vorlage verfolgen?" in said

    await bot.send("anna", "🔔 Verfolgen", choice=bot.option_value("anna", "Verfolgen"))
    # first the privacy notice, then the subscription
    replies = await bot.send("anna", "ja")
    assert "Sobald der Rat zur Vorlage 2026/123 etwas entscheidet" in _said(replies)

    replies = await bot.send("anna", "/abo")
    assert "2026/123: Radwegebau an der Hauptstraße" in _said(replies)

    assert bot.app is not None
    async with bot.app.sessions() as session, session.begin():
        follows = await session.scalars(
            select(Subscription.target).where(Subscription.kind == "paper")
        )
        assert list(follows) == ["2026/123"]
        draft = await session.scalar(select(Decision).where(Decision.paper_reference == "2026/123"))
        assert draft is not None
        assert await publish_decision(session, draft.id, by="clerk", now=NOW) == 1
    while await bot.app.worker.drain_once():
        pass
    news = _said(bot.channel.take("anna"))
    assert "📣 Neue Entscheidung zum Thema „Verkehr & Mobilität“" in news
    assert "Geändert beschlossen" in news


async def test_an_unknown_paper_is_never_described(bot: Conversation) -> None:
    replies = await bot.send("ben", "follow council paper 2031/999 please")
    said = _said(replies)
    assert "I don't have any details on council paper “2031/999”" in said
    assert "Status" not in said and "Type" not in said

    replies = await bot.send("ben", "No, thanks", choice=bot.option_value("ben", "No, thanks"))
    assert "I haven't saved anything" in _said(replies)


async def test_a_paper_number_is_asked_for_and_checked(bot: Conversation) -> None:
    replies = await bot.send("carla", "/vorlage")
    assert "Schreiben Sie mir ihre Nummer" in _said(replies)
    replies = await bot.send("carla", "die mit dem Radweg")
    said = _said(replies)
    assert "Eine Vorlagennummer enthält Ziffern" in said and "Schreiben Sie mir ihre Nummer" in said
    # the council writes "VO/2026/0456"; the citizen's short form finds it
    replies = await bot.send("carla", "2026/456")
    assert "Vorlage VO/2026/0456: Neubau einer Kita am Lindenweg" in _said(replies)


async def test_council_data_deleted_upstream_is_not_shown(
    bot: Conversation, oparl: OParlServer
) -> None:
    replies = await bot.send("dora", "Vorlage 2026/130")
    assert "Sanierung des Hallenbads" in _said(replies)
    assert "In den Ratsdaten steht noch kein Ergebnis." in _said(replies)

    oparl.delete_paper("1003", modified="2026-12-01T10:30:00+00:00")
    assert bot.app is not None
    settings = council_settings(oparl)
    await sync_council(bot.app.sessions, settings, NOW.replace(hour=11))
    replies = await bot.send("dora", "/vorlage")
    replies = await bot.send("dora", "2026/130")
    assert "Sanierung" not in _said(replies)
    assert "noch keine Angaben" in _said(replies)


async def test_a_result_from_a_closed_session_is_not_told_in_the_chat(
    bot: Conversation, oparl: OParlServer
) -> None:
    replies = await bot.send("emil", "Vorlage 2026/123")
    assert "Stand: Geändert beschlossen" in _said(replies)

    meeting = oparl.meeting("71")
    meeting["agendaItem"][0]["public"] = "false"
    meeting["modified"] = "2026-12-01T10:30:00+00:00"
    assert bot.app is not None
    await sync_council(bot.app.sessions, council_settings(oparl), NOW.replace(hour=11))
    await bot.send("emil", "/vorlage")
    said = _said(await bot.send("emil", "2026/123"))

    assert "Radwegebau an der Hauptstraße zwischen Markt und Bahnhof" in said  # the paper is public
    assert "Geändert beschlossen" not in said
    assert "In den Ratsdaten steht noch kein Ergebnis." in said
