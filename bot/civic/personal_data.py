"""The personal data port over the store: a citizen's contributions, their export, erasure."""

from __future__ import annotations

import json
from pathlib import Path

from bot.civic.consultations.port import participations_of
from bot.civic.ideas.port import summaries
from bot.civic.questions.port import questions_of
from bot.civic.turn_store import TurnStore
from flows.ports.personal_data import ContributionsView
from storage import citizens, ideas
from storage.citizen_export import citizen_data


class StorePersonalData:
    def __init__(self, store: TurnStore, photo_dir: Path | None = None) -> None:
        self._store = store
        self._photo_dir = photo_dir  # report photos: erased with the person

    async def contributions(self, citizen_id: int, language: str) -> ContributionsView:
        store = self._store
        own_ideas = await ideas.ideas_of(store.session, citizen_id)
        return ContributionsView(
            ideas=tuple(await summaries(store, own_ideas, language)),
            questions=tuple(await questions_of(store, citizen_id)),
            participations=tuple(await participations_of(store, citizen_id, language)),
        )

    async def export(self, citizen_id: int) -> str:
        data = await citizen_data(self._store.session, citizen_id, self._store.clock())
        return json.dumps(data, ensure_ascii=False, indent=2)

    async def erase(self, citizen_id: int) -> None:
        await citizens.erase_citizen(self._store.session, citizen_id, self._photo_dir)
        self._store.erased = True
