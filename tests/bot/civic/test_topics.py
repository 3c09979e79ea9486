"""The topics port over the store."""

from __future__ import annotations

from tests.bot.civic.turns import (
    Clock,
    Sessions,
    services,
)


async def test_topics_come_in_the_language_asked_for(sessions: Sessions, clock: Clock) -> None:
    async with services(sessions, clock) as store:
        english = {t.slug: t.name for t in await store.topics.listed("en")}
        german = {t.slug: t.name for t in await store.topics.listed("de")}
    assert len(english) == 8
    assert english["verkehr"] == "Transport"
    assert german["digitales"] == "Digitales & Verwaltung"
