"""The citizens port: who writes, whether they agreed to the privacy notice, their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class CitizenView:
    id: int
    language: str
    consent_given: bool
    created_at: datetime


class CitizenPort(Protocol):
    async def get(self, citizen_id: int) -> CitizenView:
        """Raises LookupError for an unknown citizen."""
        ...

    async def record_consent(self, citizen_id: int, notice_version: str) -> None: ...
    async def set_language(self, citizen_id: int, language: str) -> None: ...
