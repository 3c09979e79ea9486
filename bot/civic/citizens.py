"""The citizens port over the store: consent is recorded with the channel it was given on."""

from __future__ import annotations

from bot.civic.turn_store import TurnStore
from flows.ports.citizens import CitizenView
from storage import citizens


class StoreCitizens:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def get(self, citizen_id: int) -> CitizenView:
        found = await citizens.get_citizen(self._store.session, citizen_id)
        if found is None:
            raise LookupError(f"no citizen {citizen_id}")
        return CitizenView(found.id, found.language, found.consent_at is not None, found.created_at)

    async def record_consent(self, citizen_id: int, notice_version: str) -> None:
        store = self._store
        await citizens.record_consent(
            store.session, citizen_id, notice_version, store.channel, store.clock()
        )

    async def set_language(self, citizen_id: int, language: str) -> None:
        await citizens.set_language(self._store.session, citizen_id, language)
