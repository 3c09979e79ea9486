"""The one path of a message: serialise, dedupe, load, understand, advance the flow, store.

Every channel's message takes the same turn. Only the way the replies leave differs:
- `handle` queues them to the outbox in the turn's transaction (Telegram, Matrix, the
  terminal, conversation tests); the delivery worker sends them;
- `answer` returns them once the turn is committed (the web chat's HTTP request waits
  for them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversations import Conversations, Known
from bot.delivery.payloads import reply_to_payload
from bot.locks import KeyedLocks
from bot.messages import ConversationKey, InboundMessage, clean_text
from bot.newcomers import NEWCOMER, NewcomerServices, TurnServices
from bot.runtime import metrics
from flows import engine, opening
from flows.library import FlowLibrary
from flows.types import ConversationState, Option, Reply, TurnContext, UserInput
from nlu.decision import DecisionSettings
from nlu.types import IntentRecognizer
from storage import conversations, inbound, outbox, reachability
from storage.conversations import StaleConversation
from storage.session_writes import wrote

log = logging.getLogger(__name__)

# A chat message this long is already far beyond any platform's limit; the rest is cut so
# one oversized message cannot slow down recognition or bloat the store.
MAX_INBOUND_CHARS = 10_000

APOLOGY = {
    "de": "Entschuldigung, da ist bei uns etwas schiefgegangen. "
    "Bitte versuchen Sie es gleich noch einmal.",
    "en": "Sorry, something went wrong on our side. Please try again in a moment.",
}
MENU_OPTION = {"de": Option("Menü", "/hilfe"), "en": Option("Menu", "/help")}


@dataclass(frozen=True)
class DispatchSettings:
    default_language: str = "de"
    formal: bool = True
    variables: dict[str, str] = field(default_factory=dict)
    # when the engine acts on a recognised wish, asks which was meant, or falls back
    decision: DecisionSettings = field(default_factory=DecisionSettings)
    # channels that show options as a numbered list instead of buttons (terminal, Matrix):
    # there a typed "2" picks the second option even where free text is asked
    numbered_channels: frozenset[str] = frozenset()


ServicesFactory = Callable[[Callable[[], AsyncSession], str], TurnServices]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Outcome:
    replies: list[Reply]
    queued: list[int]  # outbox ids, on the outbox route


_DUPLICATE = _Outcome([], [])


class Dispatcher:
    """The one way into the bot."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        recognizer: IntentRecognizer,
        library: Callable[[], FlowLibrary],
        services: ServicesFactory,
        settings: DispatchSettings,
        *,
        conversations: Conversations | None = None,
        on_commit: Callable[[], None] = lambda: None,
        clock: Clock = _utcnow,
    ) -> None:
        self._sessions = sessions
        self._recognizer = recognizer
        self._library = library
        self._services = services
        self._settings = settings
        self.conversations = conversations or Conversations(
            sessions, shared=True, default_language=settings.default_language
        )
        self._on_commit = on_commit
        self._clock = clock
        self._locks = KeyedLocks()

    async def handle(self, message: InboundMessage) -> list[int]:
        """The outbox route: the replies are queued with the turn; returns their outbox ids
        (none for a message seen before)."""
        started = metrics.clock()
        queued = (await self._serialised(message, queue=True)).queued
        metrics.turn_done(message.key.channel, started)
        if queued:
            self._on_commit()
        return queued

    async def handle_and_forget(self, message: InboundMessage) -> None:
        """The sink channel adapters call: they need no reply ids, the outbox delivers."""
        await self.handle(message)

    async def answer(self, message: InboundMessage) -> list[Reply]:
        """The direct route: the replies, returned once the turn is committed."""
        started = metrics.clock()
        replies = (await self._serialised(message, queue=False)).replies
        metrics.turn_done(message.key.channel, started, len(replies))
        return replies

    async def _serialised(self, message: InboundMessage, *, queue: bool) -> _Outcome:
        key = message.key
        async with self._locks.hold(key):
            remembered = self.conversations.recall(key)
            try:
                return await self._turn(message, remembered, queue)
            except Exception as error:
                self.conversations.forget(key)
                if remembered is not None and isinstance(error, StaleConversation):
                    self.conversations.distrust(key)  # another process serves it too
                if remembered is not None or isinstance(error, StaleConversation):
                    # what this turn read was out of date (another process wrote, or the
                    # citizen was erased elsewhere); nothing of it was committed, so it runs
                    # once more from the store
                    log.info("running a turn from %s again from the store", key.channel)
                    try:
                        return await self._turn(message, None, queue)
                    except Exception:
                        log.exception("handling a message from %s failed", key.channel)
                else:
                    log.exception("handling a message from %s failed", key.channel)
                return await self._apologise(message, queue)

    async def _turn(self, message: InboundMessage, known: Known | None, queue: bool) -> _Outcome:
        # a session from the start where the turn surely writes: the dedupe claim and the
        # outbox rows commit together with the state; other turns open one only when needed
        eager = queue or message.platform_id is not None
        session = self._sessions() if eager else None
        try:
            return await self._advance(message, known, queue, session)
        finally:
            if session is not None:
                await session.close()

    async def _advance(
        self,
        message: InboundMessage,
        known: Known | None,
        queue: bool,
        eager: AsyncSession | None,
    ) -> _Outcome:
        key = message.key
        now = self._clock()
        platform_id = message.platform_id
        if eager is not None and platform_id is not None:
            claimed = await inbound.claim_inbound(eager, key.channel, platform_id, now)
            if not claimed:
                log.info("skipping a message %s/%s seen before", key.channel, platform_id)
                return _DUPLICATE
        if known is None:
            if eager is not None:
                known = await self.conversations.load(eager, message, now)
            else:
                known = await self.conversations.load_alone(message, now)
        elif eager is not None and not message.group_chat and known.citizen_id != NEWCOMER:
            # memory cannot know that a delivery found the chat blocked meanwhile; writing
            # to the bot directly proves it may write back
            await reachability.unblock_on_contact(eager, key.channel, key.user)
        text = clean_text(message.text[:MAX_INBOUND_CHARS])  # whatever the channel let through
        state = ConversationState.from_json(known.state)
        user_input = await self._understand(message, text, state)
        ctx = TurnContext(
            citizen_id=known.citizen_id,
            now=now,
            language_hint=message.language_hint,
            group_chat=message.group_chat,
            formal=self._settings.formal,
            numbered=key.channel in self._settings.numbered_channels,
            variables=self._settings.variables,
            decision=self._settings.decision,
        )
        services = self._services(lambda: eager or self._sessions(), key.channel)
        newcomer = None
        if known.citizen_id == NEWCOMER:
            # the citizen is created in this turn's transaction only if the turn needs one
            newcomer = NewcomerServices(
                services,
                lambda: eager or self._sessions(),
                lambda session, language: self.conversations.enrol(session, message, language, now),
                state,
                now,
            )
            services = newcomer
        try:
            turn = await engine.advance(state, user_input, ctx, self._library(), services)
            citizen_id = known.citizen_id
            if newcomer is not None:
                citizen_id = await newcomer.outcome(turn.state)
            session = services.opened_session or eager
            replies = list(turn.replies)
            if services.erased:
                # erased just now: nothing more is kept; the goodbye still goes out, unlinked
                self.conversations.forget(key)
                queued = await self._queue(session, key, None, replies, "reply") if queue else []
                if session is not None:
                    await session.commit()
                return _Outcome(replies, queued)
            new_state = turn.state.to_json()
            if citizen_id == NEWCOMER:
                # nothing worth keeping: no rows; the replies go to the chat's address
                queued = await self._queue(session, key, None, replies, "reply") if queue else []
                await self.conversations.keep_newcomer(eager, key, new_state, known, now)
                if eager is not None:
                    await eager.commit()  # the dedupe claim, the replies and the position
                return _Outcome(replies, queued)
            row = conversations.state_row(
                (key.channel, key.chat, key.user),
                citizen_id=citizen_id,
                state=new_state,
                now=now,
                read_version=known.version,
            )
            queued = []
            if session is not None and (eager is not None or wrote(session)):
                # the step wrote data, or the turn must: one commit for all of it
                await self.conversations.save(session, row)
                if queue:
                    queued = await self._queue(session, key, citizen_id, replies, "reply")
                await session.commit()
            else:
                if session is not None:
                    await session.close()  # the group commit needs the connection
                await self.conversations.save_grouped(row)
        finally:
            if services.opened_session is not None and services.opened_session is not eager:
                await services.opened_session.close()
        self.conversations.keep(key, citizen_id, new_state, known.version + 1)
        return _Outcome(replies, queued)

    async def _understand(
        self, message: InboundMessage, text: str, state: ConversationState
    ) -> UserInput:
        """A pressed button skips recognition. Typed text is always parsed: whether "2" picks
        an option or is the answer to a free-text question is the flow engine's call."""
        pressed = pressed_choice(message, text, state)
        if pressed is not None:
            return pressed
        if message.understood is not None:
            return UserInput(text=text, nlu=message.understood)
        if message.photo is not None:
            # a picture answers the step that asked for one; a caption is not a new wish
            return UserInput(text=text, location=message.location, photo=message.photo)
        if message.location is not None:
            # a shared position answers the step that asked for a place; its words (a
            # venue's name, a typed place with it) are that step's, not a new wish
            return UserInput(text=text, location=message.location)
        # "hallo, wann hat …?" is understood by its request, not by the greeting
        nlu = await opening.parse_past_greeting(self._recognizer, text, state.language)
        metrics.count_understanding(nlu, self._settings.decision)
        return UserInput(text=text, nlu=nlu)

    async def _queue(
        self,
        session: AsyncSession | None,
        key: ConversationKey,
        citizen_id: int | None,
        replies: Sequence[Reply],
        cause: str,
    ) -> list[int]:
        assert session is not None  # the outbox route always holds a session
        return await queue_replies(session, key, citizen_id, replies, cause)

    async def _apologise(self, message: InboundMessage, queue: bool) -> _Outcome:
        """Tell the citizen something went wrong; the message is not marked as processed."""
        sorry = apology(message, self._settings.default_language)
        if not queue:
            return _Outcome([sorry], [])
        try:
            async with self._sessions() as session, session.begin():
                queued = await queue_replies(session, message.key, None, [sorry], "error")
        except Exception:
            log.exception("could not even queue the apology")
            return _Outcome([sorry], [])
        return _Outcome([sorry], queued)


def apology(message: InboundMessage, default_language: str) -> Reply:
    """Said when handling a message failed: what happened and the way back to the menu."""
    language = message.language_hint if message.language_hint in APOLOGY else default_language
    return Reply(
        APOLOGY.get(language, APOLOGY["de"]), (MENU_OPTION.get(language, MENU_OPTION["de"]),)
    )


def pressed_choice(
    message: InboundMessage, text: str, state: ConversationState
) -> UserInput | None:
    """A button press, as only the channel can tell (typed text equal to an option's value
    stays text). Its text is the option's label where the option is still offered, so a
    step reads the button's words, not its value ("yes")."""
    if message.choice is None:
        return None
    choice = clean_text(message.choice)
    label = next((option.label for option in state.options if option.value == choice), text)
    return UserInput(text=label, choice=choice)


async def queue_replies(
    session: AsyncSession,
    key: ConversationKey,
    citizen_id: int | None,
    replies: Sequence[Reply],
    cause: str,
) -> list[int]:
    """Write the replies to the outbox, ahead of bulk sends; returns their ids in order."""
    queued = []
    for reply in replies:
        message_id = await outbox.enqueue_returning_id(
            session,
            channel=key.channel,
            address=key.chat,
            citizen_id=citizen_id,
            payload=reply_to_payload(reply),
            priority=0,
            cause=cause,
        )
        if message_id is not None:  # replies carry no dedupe key, so this always holds
            queued.append(message_id)
    return queued
