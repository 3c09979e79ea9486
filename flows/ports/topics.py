"""The topics port: the town's subject areas that ideas, consultations and subscriptions use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str
    keywords: tuple[str, ...] = ()  # words citizens may use for it ("Radweg", "bike")


class TopicPort(Protocol):
    async def listed(self, language: str) -> Sequence[TopicView]: ...
