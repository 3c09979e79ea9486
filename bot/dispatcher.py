"""Handles one inbound message: dedupe, lock, understand, advance the flow, store, queue replies."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.payloads import reply_to_payload
from bot.locks import KeyedLocks
from bot.messages import ConversationKey, InboundMessage
from flows import engine
from flows.library import FlowLibrary
from flows.services import Services
from flows.types import ConversationState, Option, Reply, TurnContext, UserInput
from nlu.types import IntentRecognizer
from storage import conversations, identities, inbound, outbox

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


class TurnServices(Services, Protocol):
    """Services as the dispatcher holds them: it must know whether the citizen was erased."""

    erased: bool


ServicesFactory = Callable[[AsyncSession, str], TurnServices]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    """The one way into the bot. Every channel hands its messages to `handle`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        recognizer: IntentRecognizer,
        library: Callable[[], FlowLibrary],
        services: ServicesFactory,
        settings: DispatchSettings,
        on_commit: Callable[[], None] = lambda: None,
        clock: Clock = _utcnow,
    ) -> None:
        self._sessions = sessions
        self._recognizer = recognizer
        self._library = library
        self._services = services
        self._settings = settings
        self._on_commit = on_commit
        self._clock = clock
        self._locks = KeyedLocks()

    async def handle(self, message: InboundMessage) -> list[int]:
        """Handle one message; returns the ids of the replies it queued (empty for a duplicate)."""
        async with self._locks.hold(message.key):
            try:
                queued = await self._handle_locked(message)
            except Exception:
                log.exception("handling a message from %s failed", message.key.channel)
                queued = await self._apologise(message)
        if queued:
            self._on_commit()
        return queued

    async def handle_and_forget(self, message: InboundMessage) -> None:
        """The sink adapters call: they need no reply ids, the outbox delivers."""
        await self.handle(message)

    async def _handle_locked(self, message: InboundMessage) -> list[int]:
        key = message.key
        now = self._clock()
        text = message.text[:MAX_INBOUND_CHARS]
        async with self._sessions() as session, session.begin():
            if message.platform_id is not None and not await inbound.claim_inbound(
                session, key.channel, message.platform_id, now
            ):
                log.info("skipping a message %s/%s seen before", key.channel, message.platform_id)
                return []
            language = message.language_hint or self._settings.default_language
            # in a group the chat is the group's; the citizen's own address must not change
            citizen_id, _ = await identities.resolve_citizen(
                session,
                key.channel,
                key.user,
                None if message.group_chat else key.chat,
                language if language in ("de", "en") else "de",
                now,
            )
            stored = await conversations.find(session, key.channel, key.chat, key.user)
            state = (
                ConversationState.from_json(stored.state)
                if stored is not None
                else ConversationState(
                    language=await identities.citizen_language(session, citizen_id) or "de"
                )
            )
            user_input = await self._understand(text, pressed_choice(message, text, state), state)
            ctx = TurnContext(
                citizen_id=citizen_id,
                now=now,
                language_hint=message.language_hint,
                group_chat=message.group_chat,
                formal=self._settings.formal,
                variables=self._settings.variables,
            )
            services = self._services(session, key.channel)
            turn = await engine.advance(state, user_input, ctx, self._library(), services)
            if not services.erased:
                conversations.store_state(
                    session,
                    stored,
                    channel=key.channel,
                    chat=key.chat,
                    user_key=key.user,
                    citizen_id=citizen_id,
                    state=turn.state.to_json(),
                    now=now,
                )
                recipient: int | None = citizen_id
            else:
                recipient = None  # erased just now: the goodbye still goes out, unlinked
            return await _queue_replies(session, key, recipient, turn.replies, "reply")

    async def _understand(
        self, text: str, choice: str | None, state: ConversationState
    ) -> UserInput:
        """A pressed button skips recognition. Typed text is always parsed: whether "2" picks
        an option or is the answer to a free-text question is the flow engine's call."""
        if choice is not None:
            return UserInput(text=text, choice=choice)
        return UserInput(text=text, nlu=await self._recognizer.parse(text, state.language))

    async def _apologise(self, message: InboundMessage) -> list[int]:
        """Tell the citizen something went wrong; the message is not marked as processed."""
        try:
            async with self._sessions() as session, session.begin():
                return await _queue_replies(
                    session,
                    message.key,
                    None,
                    [apology(message, self._settings.default_language)],
                    "error",
                )
        except Exception:
            log.exception("could not even queue the apology")
            return []


def apology(message: InboundMessage, default_language: str) -> Reply:
    """Said when handling a message failed: what happened and the way back to the menu."""
    language = message.language_hint if message.language_hint in APOLOGY else default_language
    return Reply(
        APOLOGY.get(language, APOLOGY["de"]), (MENU_OPTION.get(language, MENU_OPTION["de"]),)
    )


def pressed_choice(message: InboundMessage, text: str, state: ConversationState) -> str | None:
    """The option pressed: given by the channel, or a button's payload sent back as text."""
    if message.choice is not None or not message.payload_choices:
        return message.choice
    return next((option.value for option in state.options if option.value == text), None)


async def _queue_replies(
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
