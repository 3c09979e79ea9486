"""The subscriptions port over the store."""

from __future__ import annotations

import pytest

from tests.bot.civic.turns import (
    Clock,
    Sessions,
    new_citizen,
    services,
)


async def test_subscriptions_to_topics_consultations_and_ideas(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        assert await store.subscriptions.add(anna, "topic", "verkehr")
        assert not await store.subscriptions.add(anna, "topic", "Verkehr")
        assert await store.subscriptions.add(anna, "consultation", "radverkehrsplan")
        assert await store.subscriptions.add(anna, "idea", "i-1")
        with pytest.raises(ValueError):
            await store.subscriptions.add(anna, "topic", "no-such-topic")
        listed = await store.subscriptions.listed(anna, "en")
        assert await store.subscriptions.remove(anna, "topic", "verkehr")
        assert not await store.subscriptions.remove(anna, "topic", "verkehr")
        assert await store.subscriptions.remove(anna, "consultation", "radverkehrsplan")
        left = await store.subscriptions.listed(anna, "en")
    assert [(s.kind, s.label) for s in listed] == [
        ("topic", "Transport"),
        ("consultation", "Cycling plan 2030"),
        ("idea", "I-1: Fahrradständer am Bahnhof"),
    ]
    assert [s.target for s in left] == ["I-1"]
