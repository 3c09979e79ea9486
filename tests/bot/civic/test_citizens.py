"""The citizens port over the store: consent and language."""

from __future__ import annotations

import pytest

from storage.models.civic import (
    ConsentRecord,
)
from tests.bot.civic.turns import (
    Clock,
    Sessions,
    count,
    new_citizen,
    services,
)


async def test_consent_and_language_are_remembered(sessions: Sessions, clock: Clock) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        before = await store.citizens.get(anna)
        await store.citizens.record_consent(anna, "2026-01")
        await store.citizens.set_language(anna, "en")
        same_turn = await store.citizens.get(anna)  # the citizen read before shows the change
    async with services(sessions, clock) as store:
        after = await store.citizens.get(anna)
    assert (before.consent_given, before.language) == (False, "de")
    assert (same_turn.consent_given, same_turn.language) == (True, "en")
    assert (after.consent_given, after.language) == (True, "en")
    assert await count(sessions, ConsentRecord, citizen_id=anna, notice_version="2026-01") == 1


async def test_consent_for_an_unknown_citizen_is_refused(sessions: Sessions, clock: Clock) -> None:
    with pytest.raises(LookupError):
        async with services(sessions, clock) as store:
            await store.citizens.record_consent(999_999, "2026-01")
    assert await count(sessions, ConsentRecord, citizen_id=999_999) == 0
