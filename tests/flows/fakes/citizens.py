"""Citizens in memory: consent and language."""

from __future__ import annotations

from flows.ports.citizens import CitizenView
from tests.flows.fakes.memory import NOW, Memory


class FakeCitizens:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    async def get(self, citizen_id: int) -> CitizenView:
        data = self._memory.citizen(citizen_id)
        return CitizenView(citizen_id, str(data["language"]), data["consent"] is not None, NOW)

    async def record_consent(self, citizen_id: int, notice_version: str) -> None:
        self._memory.calls.append("record_consent")
        self._memory.citizen(citizen_id)["consent"] = notice_version

    async def set_language(self, citizen_id: int, language: str) -> None:
        self._memory.citizen(citizen_id)["language"] = language
