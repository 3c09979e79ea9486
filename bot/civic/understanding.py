"""The understanding port over the store: messages the bot asked about or did not get."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from bot.civic.turn_store import TurnStore
from flows.ports.understanding import Unclear, UnderstandingPort
from storage import unclear_messages


class StoreUnderstanding:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def record(self, unclear: Unclear) -> int | None:
        return await unclear_messages.record(
            self._store.session,
            citizen_id=unclear.citizen_id,
            text=unclear.text,
            language=unclear.language,
            guessed=unclear.guessed,
            ranking=unclear.ranking,
            outcome=unclear.outcome,
            now=unclear.at,
        )

    async def chosen(self, record_id: int, intent: str | None, at: datetime) -> None:
        await unclear_messages.note_choice(self._store.session, record_id, intent, at)


class Enrolling(Protocol):
    """A turn's sender who may not be a citizen yet (bot/newcomers.py)."""

    citizen_id: int

    async def citizen(self) -> int: ...


class NewcomerUnderstanding:
    """The port for a sender the store has no citizen for yet. A clarifying question keeps
    the conversation, so the citizen is created now and the message linked to them; a
    message not understood from someone who left nothing else is not kept at all."""

    def __init__(self, port: UnderstandingPort, sender: Enrolling) -> None:
        self._port = port
        self._sender = sender

    async def record(self, unclear: Unclear) -> int | None:
        if unclear.citizen_id > 0:  # a citizen of the store already
            return await self._port.record(unclear)
        if unclear.outcome != "asked" and self._sender.citizen_id <= 0:
            return None
        return await self._port.record(replace(unclear, citizen_id=await self._sender.citizen()))

    async def chosen(self, record_id: int, intent: str | None, at: datetime) -> None:
        await self._port.chosen(record_id, intent, at)
