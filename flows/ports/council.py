"""The council port: papers from the synced council data, which citizens can look up and follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class CouncilPaperView:
    """What the synced council data says about a paper; None fields are not known."""

    reference: str
    title: str
    paper_type: str | None
    date: str | None  # ISO date
    result: str | None  # the latest result, as the council wrote it
    meeting: str | None  # the latest meeting that dealt with it
    meeting_start: datetime | None
    link: str | None


class CouncilPort(Protocol):
    async def paper(self, reference: str) -> CouncilPaperView | None:
        """A paper by its reference; None when the council data does not know it."""
        ...
