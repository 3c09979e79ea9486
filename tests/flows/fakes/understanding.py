"""Messages the bot was unsure about, kept in a list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.ports.understanding import Unclear


@dataclass
class Recorded:
    unclear: Unclear
    chosen: str | None = None
    answered: bool = False


class FakeUnderstanding:
    def __init__(self) -> None:
        self.rows: list[Recorded] = []

    async def record(self, unclear: Unclear) -> int | None:
        self.rows.append(Recorded(unclear))
        return len(self.rows)

    async def chosen(self, record_id: int, intent: str | None, at: datetime) -> None:
        row = self.rows[record_id - 1]
        row.chosen, row.answered = intent, True
