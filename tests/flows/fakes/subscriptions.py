"""Subscriptions in memory, labelled the way the store labels them."""

from __future__ import annotations

from collections.abc import Sequence

from flows.ports.subscriptions import SubscriptionKind, SubscriptionView
from tests.flows.fakes.memory import Memory


class FakeSubscriptions:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    async def add(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        return self._memory.subscribe(citizen_id, kind, target)

    def _label(self, kind: SubscriptionKind, target: str, language: str) -> str:
        memory = self._memory
        if kind == "topic":
            topic = memory.topic(target, language)
            return topic.name if topic else target
        if kind == "consultation" and int(target) in memory.consultation_rows:
            return memory.consultation_rows[int(target)].view.title
        if kind == "paper":
            paper = next((p for p in memory.papers if p.reference == target), None)
            return f"{paper.reference}: {paper.title}" if paper else target
        if kind == "idea":
            return next((i.title for i in memory.idea_rows.values() if i.ref == target), target)
        return target

    async def listed(self, citizen_id: int, language: str) -> Sequence[SubscriptionView]:
        return [
            SubscriptionView(kind, target, self._label(kind, target, language))
            for kind, target in sorted(self._memory.subs.get(citizen_id, set()))
        ]

    async def remove(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        mine = self._memory.subs.get(citizen_id, set())
        if (kind, target) not in mine:
            return False
        mine.discard((kind, target))
        return True
