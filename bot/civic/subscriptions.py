"""The subscriptions port over the store: targets are stored in one form (topic slug,
consultation id, idea ref, council reference key) whatever form the citizen typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from bot.civic.turn_store import TurnStore
from flows.ports.subscriptions import SubscriptionKind, SubscriptionView
from storage import consultations, council, ideas, subscriptions


class StoreSubscriptions:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def _target(self, kind: SubscriptionKind, target: str) -> str | None:
        """The stored form of a target, None if unknown. A paper may be followed before the
        council data has it."""
        session = self._store.session
        if kind == "paper":
            paper = await council.find_paper(session, target)
            key = council.reference_key(paper.reference if paper and paper.reference else target)
            return key or None
        if kind == "topic":
            topic = await self._store.topic(target)
            return topic.slug if topic is not None else None
        if kind == "consultation":
            consultation = await consultations.find_consultation(session, target)
            return str(consultation.id) if consultation is not None else None
        idea = await ideas.find_idea(session, target)
        return idea.ref if idea is not None else None

    async def _label(self, kind: str, target: str, language: str) -> str:
        session = self._store.session
        if kind == "topic":
            topic = await self._store.topic(target)
            return topic.name(language) if topic is not None else target
        if kind == "consultation":
            consultation = await consultations.find_consultation(session, target)
            if consultation is not None:
                return consultations.localized(consultation, language)[0]
            return target
        if kind == "paper":
            paper = await council.find_paper(session, target)
            if paper is not None and paper.reference:
                return f"{paper.reference}: {paper.name}" if paper.name else paper.reference
            return target
        idea = await ideas.find_idea(session, target)
        return f"{idea.ref}: {idea.title}" if idea is not None else target

    async def add(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        stored = await self._target(kind, target)
        if stored is None:
            raise ValueError(f"nothing to subscribe to: {kind} {target!r}")
        store = self._store
        return await subscriptions.subscribe(store.session, citizen_id, kind, stored, store.clock())

    async def listed(self, citizen_id: int, language: str) -> Sequence[SubscriptionView]:
        rows = await subscriptions.subscriptions_of(self._store.session, citizen_id)
        return [
            SubscriptionView(
                cast(SubscriptionKind, row.kind),
                row.target,
                await self._label(row.kind, row.target, language),
            )
            for row in rows
        ]

    async def remove(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        stored = await self._target(kind, target) or target
        return await subscriptions.unsubscribe(self._store.session, citizen_id, kind, stored)
