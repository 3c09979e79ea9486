"""Council papers in memory."""

from __future__ import annotations

from flows.ports.council import CouncilPaperView
from tests.flows.fakes.memory import Memory


class FakeCouncil:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    async def paper(self, reference: str) -> CouncilPaperView | None:
        wanted = reference.strip().lower()
        return next((p for p in self._memory.papers if p.reference.lower() == wanted), None)
