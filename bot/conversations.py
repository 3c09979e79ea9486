"""Where each conversation stands, for the dispatcher: read, remembered, written.

- Read: a known citizen and their conversation come in one query; a new or moved
  identity takes the full way (noting the last contact). A sender without a citizen is a
  newcomer (bot/newcomers.py): nothing is created on reading; `enrol` creates the citizen
  in the turn that needs one.
- Remembered: who the citizen is and where the conversation stands stay in memory between
  messages, so most messages read nothing. That holds where several processes share
  PostgreSQL too: every turn writes its state with the version it remembers, so a turn run
  on a memory another process made out of date fails its write and runs again from the
  store. A conversation found out of date that way is read from the store before each turn
  for a while (a proxy that spreads one chat over several processes would otherwise make
  every turn run twice). An entry unused for a few minutes is read again (retention or an erasure on
  another channel may have changed the store), and the dispatcher drops it on any failure.
  A newcomer's conversation (greeted, the menu offered) lives only in memory where one
  process owns the store (SQLite); where processes share PostgreSQL it is also kept in
  the store for minutes (storage/newcomer_states.py), written with its version like a
  conversation's, so the next message may reach any process.
- Written: always with the row version the turn read, so an out-of-date memory or another
  process's write makes the write fail (`StaleConversation`) instead of losing an answer.
  A turn that wrote nothing else leaves its state to the group commit: the states of
  concurrent turns share one transaction, and each caller returns only once its own state
  is committed, so an answer is never sent for a state a crash could lose.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import ConversationKey, InboundMessage
from bot.newcomers import NEWCOMER
from flows.types import ConversationState
from storage import conversations, identities, newcomer_states
from storage.conversations import StaleConversation
from storage.identities import LAST_SEEN_PRECISION

REMEMBER_SECONDS = 300.0  # how long an idle conversation is trusted from memory
REMEMBER_MAX = 100_000  # conversations kept in memory (a few hundred bytes each)

Row = dict[str, Any]


@dataclass(frozen=True)
class Known:
    """Who writes (`NEWCOMER`: not a citizen yet) and where their conversation stands, as
    of row `version` (0: no row)."""

    citizen_id: int
    state: dict[str, Any]
    version: int
    seen: float = 0.0  # monotonic time of the last use, for memory
    newcomer_version: int = 0  # a newcomer's stored position's version (shared store)


class Conversations:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        shared: bool,
        default_language: str = "de",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._shared = shared  # other processes may write the same conversations
        self._default_language = default_language
        self._monotonic = monotonic
        self._known: OrderedDict[ConversationKey, Known] = OrderedDict()
        # conversations another process wrote lately: until when memory is not trusted
        self._contended: OrderedDict[ConversationKey, float] = OrderedDict()
        self._waiting: list[tuple[Row, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commits = 0  # transactions the group commit took, for benchmarks

    # memory

    def recall(self, key: ConversationKey) -> Known | None:
        until = self._contended.get(key)
        if until is not None:
            if self._monotonic() < until:
                return None
            del self._contended[key]
        known = self._fresh(key)
        if known is not None and known.citizen_id == NEWCOMER and not self._shared:
            # a turn on another channel may have made them a citizen meanwhile, and this
            # newcomer's turn writes nothing that would notice: `load` asks the store, and
            # finds the remembered position when they are still new. On a shared store the
            # position's versioned write notices.
            return None
        return known

    def _fresh(self, key: ConversationKey) -> Known | None:
        known = self._known.get(key)
        if known is None:
            return None
        if self._monotonic() - known.seen > REMEMBER_SECONDS:
            del self._known[key]
            return None
        return known

    def keep(
        self,
        key: ConversationKey,
        citizen_id: int,
        state: dict[str, Any],
        version: int,
        newcomer_version: int = 0,
    ) -> None:
        self._known[key] = Known(citizen_id, state, version, self._monotonic(), newcomer_version)
        self._known.move_to_end(key)
        if len(self._known) > REMEMBER_MAX:
            self._known.popitem(last=False)

    def forget(self, key: ConversationKey) -> None:
        self._known.pop(key, None)

    def distrust(self, key: ConversationKey) -> None:
        """Another process wrote this conversation while it was remembered here: read it
        from the store before its turns for a while."""
        self._known.pop(key, None)
        self._contended[key] = self._monotonic() + REMEMBER_SECONDS
        self._contended.move_to_end(key)
        if len(self._contended) > REMEMBER_MAX:
            self._contended.popitem(last=False)

    # reading

    async def load(self, session: AsyncSession, message: InboundMessage, now: datetime) -> Known:
        """Citizen and state from the store, inside the caller's transaction."""
        key = message.key
        found = await conversations.find_known(session, key.channel, key.chat, key.user)
        if found is not None and now - found.last_seen_at <= LAST_SEEN_PRECISION:
            state = found.state or ConversationState(language=found.language).to_json()
            return Known(found.citizen_id, state, found.version)
        citizen_id = await identities.find_citizen(
            session, key.channel, key.user, _own_address(message), now
        )
        if citizen_id is None:  # nothing more to read about someone who is not a citizen
            return await self._newcomer(session, message, now)
        stored = await conversations.find_state(session, key.channel, key.chat, key.user)
        if stored is not None:
            return Known(citizen_id, stored.state, stored.version)
        language = await identities.citizen_language(session, citizen_id) or "de"
        return Known(citizen_id, ConversationState(language=language).to_json(), 0)

    async def load_alone(self, message: InboundMessage, now: datetime) -> Known:
        """`load` in a short transaction of its own (it may note the citizen's visit)."""
        async with self._sessions() as session, session.begin():
            return await self.load(session, message, now)

    async def _newcomer(
        self, session: AsyncSession, message: InboundMessage, now: datetime
    ) -> Known:
        """Where a newcomer stands: in memory where one process owns the store, else in the
        store, so the next message may reach any process."""
        key = message.key
        language = message.language_hint or self._default_language
        language = language if language in ("de", "en") else "de"
        initial = ConversationState(language=language).to_json()
        if not self._shared:
            remembered = self._fresh(key)
            if remembered is not None and remembered.citizen_id == NEWCOMER:
                return remembered
            return Known(NEWCOMER, initial, 0)
        since = now - timedelta(seconds=REMEMBER_SECONDS)
        found = await newcomer_states.find(session, key.channel, key.chat, key.user, since)
        return Known(NEWCOMER, found.state or initial, 0, newcomer_version=found.version)

    async def keep_newcomer(
        self,
        session: AsyncSession | None,
        key: ConversationKey,
        state: dict[str, Any],
        known: Known,
        now: datetime,
    ) -> None:
        """Keep a newcomer's position after their turn, in the turn's transaction where it
        has one; `StaleConversation` when another process moved it on meanwhile."""
        if not self._shared:
            self.keep(key, NEWCOMER, state, 0)
            return
        conversation = (key.channel, key.chat, key.user)
        if session is not None:
            saved = await newcomer_states.save(
                session, conversation, state, known.newcomer_version, now
            )
        else:
            async with self._sessions() as own, own.begin():
                saved = await newcomer_states.save(
                    own, conversation, state, known.newcomer_version, now
                )
        if not saved:
            raise StaleConversation(f"newcomer {key.channel}/{key.chat} moved on")
        self.keep(key, NEWCOMER, state, 0, known.newcomer_version + 1)

    async def enrol(
        self, session: AsyncSession, message: InboundMessage, language: str, now: datetime
    ) -> int:
        """Make a newcomer a citizen, inside the turn's transaction; returns their id."""
        key = message.key
        if self._shared:
            await newcomer_states.forget(session, key.channel, key.chat, key.user)
        return await identities.create_citizen(
            session, key.channel, key.user, _own_address(message), language, now
        )

    # writing

    @staticmethod
    async def save(session: AsyncSession, row: Row) -> None:
        """Write one state inside the turn's own transaction."""
        if await conversations.save_states(session, [row]):
            raise StaleConversation(f"conversation {row['channel']}/{row['chat']} moved on")

    async def save_grouped(self, row: Row) -> None:
        """Write one state with other turns' states; returns once it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, done))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._commit(batch)
        finally:
            self._flushing = None

    async def _commit(self, batch: list[tuple[Row, asyncio.Future[None]]]) -> None:
        try:
            async with self._sessions() as session, session.begin():
                stale = await conversations.save_states(session, [row for row, _ in batch])
            self.commits += 1
        except Exception as error:
            if len(batch) > 1:
                # one bad row (a citizen erased meanwhile) must not fail the others
                for single in batch:
                    await self._commit([single])
                return
            _settle(batch[0][1], error)
            return
        for row, done in batch:
            conversation = (row["channel"], row["chat"], row["user_key"])
            moved_on = StaleConversation(f"conversation {row['channel']}/{row['chat']} moved on")
            _settle(done, moved_on if conversation in stale else None)


def _own_address(message: InboundMessage) -> str | None:
    """Where the citizen's own messages go; in a group the chat is the group's, so the
    address known stays (None)."""
    return None if message.group_chat else message.key.chat


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():  # the caller may have gone (a closed connection)
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
