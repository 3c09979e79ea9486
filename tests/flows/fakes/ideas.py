"""Ideas in memory: new ones unpublished, listed and supported only once published."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flows.ports.ideas import IdeaOrder, IdeaSummaryView, IdeaView, SupportOutcome
from tests.flows.fakes.memory import NOW, Idea, Memory


class FakeIdeas:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    async def create(
        self,
        citizen_id: int,
        title: str,
        description: str,
        topic_slug: str | None,
        place: str | None,
        language: str,
    ) -> str:
        rows = self._memory.idea_rows
        number = len(rows) + 1
        ref = f"I-{number}"
        rows[number] = Idea(
            number,
            ref,
            citizen_id,
            title,
            description,
            topic_slug,
            place,
            NOW + timedelta(minutes=number),
            published=False,
        )
        self._memory.subscribe(citizen_id, "idea", ref)
        return ref

    async def published(
        self,
        language: str,
        order: IdeaOrder = "newest",
        topic_slug: str | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Sequence[IdeaSummaryView]:
        chosen = [
            i
            for i in self._memory.idea_rows.values()
            if i.published and (topic_slug is None or i.topic == topic_slug)
        ]
        if order == "support":
            chosen.sort(key=lambda i: (-len(i.supporters), -i.id))
        else:
            chosen.sort(key=lambda i: -i.created_at.timestamp())
        return [self._memory.summary(i, language) for i in chosen[offset : offset + limit]]

    async def find(self, reference: str, citizen_id: int, language: str) -> IdeaView | None:
        for idea in self._memory.idea_rows.values():
            if reference.upper() in (idea.ref, str(idea.id)) and (
                idea.published or idea.author == citizen_id
            ):
                return IdeaView(
                    self._memory.summary(idea, language),
                    idea.description,
                    idea.place,
                    tuple(idea.history),
                    citizen_id in idea.supporters,
                    idea.author == citizen_id,
                )
        return None

    async def support(self, citizen_id: int, idea_id: int) -> str:
        idea = self._memory.idea_rows.get(idea_id)
        if idea is None or not idea.published:
            return SupportOutcome.NOT_FOUND
        if idea.author == citizen_id:
            return SupportOutcome.OWN_IDEA
        if citizen_id in idea.supporters:
            return SupportOutcome.ALREADY
        idea.supporters.add(citizen_id)
        return SupportOutcome.ADDED
