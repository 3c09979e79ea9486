"""The web chat's way through the bot: the dispatcher's steps, lean enough for a busy site.

The same steps as `Dispatcher.handle` (serialise per conversation, identify, understand,
advance the flow, store), with five differences that make a message cheap:

- the replies are returned, not queued: they travel back in the HTTP answer, which is
  sent only after the conversation's new state is committed;
- a turn whose flow step wrote no other data has only its state to write; such writes
  of concurrent messages share one transaction (`bot/state_writer.py`, group commit);
- on SQLite, where one process owns the file, who the citizen is and where the
  conversation stands stay in memory between messages, so a message reads nothing;
  an entry unused for a few minutes is read again (the store may have changed meanwhile:
  retention, an erasure on another channel), and any failed write drops it;
- typed texts recognised in the last minute are not recognised again;
- a database session is opened only when the flow step asks the store for something.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import (
    MAX_INBOUND_CHARS,
    DispatchSettings,
    TurnServices,
    apology,
    pressed_choice,
)
from bot.locks import KeyedLocks
from bot.messages import ConversationKey, InboundMessage
from bot.state_writer import StateWriter
from flows import engine
from flows.library import FlowLibrary
from flows.types import ConversationState, Reply, TurnContext, UserInput
from nlu.types import IntentRecognizer, NluResult
from storage import conversations, identities
from storage.identities import LAST_SEEN_PRECISION
from storage.lean_conversations import find_known, state_row, upsert_states
from storage.session_writes import wrote

log = logging.getLogger(__name__)

REMEMBER_SECONDS = 300.0  # how long an idle conversation is trusted from memory
REMEMBER_MAX = 100_000  # conversations kept in memory (a few hundred bytes each)
PARSE_SECONDS = 60.0  # a newly trained model takes over cached texts within this time
PARSE_MAX = 20_000


class OnDemandServices(TurnServices, Protocol):
    """Services that open their session when a step first needs the store."""

    opened_session: AsyncSession | None


OnDemandServicesFactory = Callable[[Callable[[], AsyncSession], str], OnDemandServices]


@dataclass(frozen=True)
class _Known:
    citizen_id: int
    state: dict[str, Any]
    seen: float  # monotonic time of the last use


class DirectAnswers:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        recognizer: IntentRecognizer,
        library: Callable[[], FlowLibrary],
        services: OnDemandServicesFactory,
        settings: DispatchSettings,
        *,
        remember: bool,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._recognizer = recognizer
        self._library = library
        self._services = services
        self._settings = settings
        self._remember_states = remember
        self._clock = clock
        self._monotonic = monotonic
        self._locks = KeyedLocks()
        self._known: OrderedDict[ConversationKey, _Known] = OrderedDict()
        self._parses: OrderedDict[tuple[str, str], tuple[float, NluResult]] = OrderedDict()
        self.writer = StateWriter(sessions)

    async def answer(self, message: InboundMessage) -> list[Reply]:
        """Handle one message; its replies, once the new state is committed."""
        async with self._locks.hold(message.key):
            remembered = self._recall(message.key)
            try:
                return await self._answer(message, remembered)
            except Exception:
                if remembered is not None:
                    # memory may be out of date (the citizen was erased on another channel):
                    # nothing of this turn was committed, so it can run again from the store
                    self._known.pop(message.key, None)
                    log.info("retrying a web chat turn from the store")
                    with contextlib.suppress(Exception):
                        return await self._answer(message, None)
                log.exception("handling a message from %s failed", message.key.channel)
                self._known.pop(message.key, None)
                return [apology(message, self._settings.default_language)]

    async def _answer(self, message: InboundMessage, remembered: _Known | None) -> list[Reply]:
        key = message.key
        now = self._clock()
        text = message.text[:MAX_INBOUND_CHARS]
        known = remembered or await self._load(message, now)
        state = ConversationState.from_json(known.state)
        choice = pressed_choice(message, text, state)
        user_input = (
            UserInput(text=text, choice=choice)
            if choice is not None
            else UserInput(text=text, nlu=await self._parse(text, state.language))
        )
        ctx = TurnContext(
            citizen_id=known.citizen_id,
            now=now,
            language_hint=message.language_hint,
            group_chat=message.group_chat,
            formal=self._settings.formal,
            variables=self._settings.variables,
        )
        services = self._services(self._sessions, key.channel)
        try:
            turn = await engine.advance(state, user_input, ctx, self._library(), services)
            session = services.opened_session
            if services.erased and session is not None:
                await session.commit()
                self._known.pop(key, None)
                return list(turn.replies)
            new_state = turn.state.to_json()
            row = state_row(
                channel=key.channel,
                chat=key.chat,
                user_key=key.user,
                citizen_id=known.citizen_id,
                state=new_state,
                now=now,
            )
            if session is not None and wrote(session):
                # the step wrote data: one commit for its data and the state
                await upsert_states(session, [row])
                await session.commit()
            else:
                if session is not None:
                    await session.close()  # the group commit needs the connection
                await self.writer.write(row)
        finally:
            if services.opened_session is not None:
                await services.opened_session.close()
        if self._remember_states:
            self._keep(key, _Known(known.citizen_id, new_state, self._monotonic()))
        return list(turn.replies)

    def _recall(self, key: ConversationKey) -> _Known | None:
        known = self._known.get(key)
        if known is None:
            return None
        if self._monotonic() - known.seen > REMEMBER_SECONDS:
            del self._known[key]
            return None
        return known

    def _keep(self, key: ConversationKey, known: _Known) -> None:
        self._known[key] = known
        self._known.move_to_end(key)
        if len(self._known) > REMEMBER_MAX:
            self._known.popitem(last=False)

    async def _load(self, message: InboundMessage, now: datetime) -> _Known:
        """Citizen and state from the store: one query for a known citizen, the dispatcher's
        full way (creating the citizen, noting the last contact) otherwise."""
        key = message.key
        async with self._sessions() as session, session.begin():
            found = await find_known(session, key.channel, key.chat, key.user)
            if found is not None and now - found.last_seen_at <= LAST_SEEN_PRECISION:
                state = found.state or ConversationState(language=found.language).to_json()
                return _Known(found.citizen_id, state, self._monotonic())
            language = message.language_hint or self._settings.default_language
            language = language if language in ("de", "en") else "de"
            citizen_id, created = await identities.resolve_citizen(
                session, key.channel, key.user, key.chat, language, now
            )
            if created:  # nothing more to read about someone who just arrived
                state = ConversationState(language=language).to_json()
                return _Known(citizen_id, state, self._monotonic())
            stored = await conversations.find(session, key.channel, key.chat, key.user)
            if stored is not None:
                return _Known(citizen_id, dict(stored.state), self._monotonic())
            language = await identities.citizen_language(session, citizen_id) or "de"
            return _Known(
                citizen_id, ConversationState(language=language).to_json(), self._monotonic()
            )

    async def _parse(self, text: str, language: str) -> NluResult:
        cache_key = (text, language)
        cached = self._parses.get(cache_key)
        now = self._monotonic()
        if cached is not None and now - cached[0] <= PARSE_SECONDS:
            self._parses.move_to_end(cache_key)
            return cached[1]
        result = await self._recognizer.parse(text, language)
        self._parses[cache_key] = (now, result)
        self._parses.move_to_end(cache_key)
        if len(self._parses) > PARSE_MAX:
            self._parses.popitem(last=False)
        return result
