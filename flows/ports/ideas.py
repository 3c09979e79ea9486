"""The ideas port: citizens' proposals, their status history and support."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from flows.ports.topics import TopicView

IdeaStatus = Literal["submitted", "in_review", "accepted", "rejected", "implemented"]
IdeaOrder = Literal["newest", "support"]


@dataclass(frozen=True)
class IdeaSummaryView:
    id: int
    ref: str
    title: str
    topic: TopicView | None
    status: IdeaStatus
    support_count: int
    created_at: datetime


@dataclass(frozen=True)
class StatusChangeView:
    status: IdeaStatus
    note: str
    at: datetime


@dataclass(frozen=True)
class IdeaView:
    summary: IdeaSummaryView
    description: str
    place: str | None
    history: tuple[StatusChangeView, ...]
    supported_by_me: bool
    mine: bool


class SupportOutcome:
    """Possible answers of `IdeaPort.support`."""

    ADDED = "added"
    ALREADY = "already"
    OWN_IDEA = "own_idea"
    NOT_FOUND = "not_found"


class IdeaPort(Protocol):
    async def create(
        self,
        citizen_id: int,
        title: str,
        description: str,
        topic_slug: str | None,
        place: str | None,
        language: str,
    ) -> str:
        """Stores an idea with status submitted, subscribes its author, returns its reference."""
        ...

    async def published(
        self,
        language: str,
        order: IdeaOrder = "newest",
        topic_slug: str | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Sequence[IdeaSummaryView]: ...
    async def find(self, reference: str, citizen_id: int, language: str) -> IdeaView | None:
        """A published idea, or the citizen's own, by id or reference number."""
        ...

    async def support(self, citizen_id: int, idea_id: int) -> str:
        """One of SupportOutcome's values."""
        ...
