"""The personal data port over the store: a citizen's contributions, their export, erasure."""

from __future__ import annotations

import json
from pathlib import Path

from bot.civic.consultations.port import participations_of
from bot.civic.ideas.port import summaries
from bot.civic.questions.port import questions_of
from bot.civic.reports import category_name
from bot.civic.turn_store import TurnStore
from flows.ports.personal_data import ContributionsView
from flows.ports.reports import ReportView
from storage import citizens, ideas, reports
from storage.citizen_export import citizen_data
from storage.models.reports import Report
from storage.photo_store import PhotoStore


class StorePersonalData:
    def __init__(self, store: TurnStore, photo_dir: Path | PhotoStore | None = None) -> None:
        self._store = store
        self._photo_dir = photo_dir  # report photos: erased with the person

    async def contributions(self, citizen_id: int, language: str) -> ContributionsView:
        store = self._store
        own_ideas = await ideas.ideas_of(store.session, citizen_id)
        return ContributionsView(
            ideas=tuple(await summaries(store, own_ideas, language)),
            questions=tuple(await questions_of(store, citizen_id)),
            participations=tuple(await participations_of(store, citizen_id, language)),
            reports=tuple(
                await self._reports(await reports.reports_of(store.session, citizen_id), language)
            ),
            followed_reports=tuple(
                await self._reports(await reports.followed_by(store.session, citizen_id), language)
            ),
        )

    async def _reports(self, rows: list[Report], language: str) -> list[ReportView]:
        names = {
            category.code: category
            for category in await reports.categories(self._store.session, active_only=False)
        }
        return [
            ReportView(
                ref=row.ref or "",
                category=category_name(names.get(row.category_code), row.category_code, language),
                description=row.description,
                place=row.place,
                status=row.status,
            )
            for row in rows
        ]

    async def export(self, citizen_id: int) -> str:
        data = await citizen_data(self._store.session, citizen_id, self._store.clock())
        return json.dumps(data, ensure_ascii=False, indent=2)

    async def erase(self, citizen_id: int) -> None:
        await citizens.erase_citizen(self._store.session, citizen_id, self._photo_dir)
        self._store.erased = True
