"""The subscriptions port: what a citizen follows (topics, consultations, ideas, council papers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

SubscriptionKind = Literal["topic", "consultation", "idea", "paper"]


@dataclass(frozen=True)
class SubscriptionView:
    kind: SubscriptionKind
    target: str  # topic slug, consultation id, idea ref or council paper reference
    label: str  # what the citizen sees, e.g. the topic's name


class SubscriptionPort(Protocol):
    async def add(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        """True if new, False if it already existed."""
        ...

    async def listed(self, citizen_id: int, language: str) -> Sequence[SubscriptionView]: ...
    async def remove(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        """True if there was such a subscription."""
        ...
