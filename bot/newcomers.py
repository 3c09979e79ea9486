"""A sender the store has no citizen for yet: their turn runs without one.

Someone who only says hello, looks at the menu or reads the open consultations leaves
nothing the town needs, so nothing about them is stored. The citizen and their channel
identity are created in the turn's own transaction at the first moment the turn needs
them:
- a port is asked to store or read something of the person (consent, a contribution, a
  subscription, their data): the port gets the new citizen's id;
- at the end of the turn, the conversation must be kept (a step waits for an answer), or
  the person chose a language.
Until then the turn's citizen id is `NEWCOMER`.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.civic.understanding import NewcomerUnderstanding
from flows.ports import Ports
from flows.ports.citizens import CitizenPort, CitizenView
from flows.ports.consultations import ConsultationPort
from flows.ports.council import CouncilPort
from flows.ports.ideas import IdeaPort
from flows.ports.personal_data import PersonalDataPort
from flows.ports.questions import QuestionPort
from flows.ports.reports import ReportPort
from flows.ports.subscriptions import SubscriptionPort
from flows.ports.topics import TopicPort
from flows.types import ConversationState
from storage.conversations import StaleConversation

NEWCOMER = 0  # the citizen id of a turn whose citizen does not exist (stored ids start at 1)

Enrol = Callable[[AsyncSession, str], Awaitable[int]]  # (session, language) -> new citizen id


class TurnServices(Ports, Protocol):
    """The store for one turn: it opens its session on first use, and tells whether the
    citizen was erased in this turn (their conversation must not be saved again)."""

    erased: bool
    opened_session: AsyncSession | None


def keeps_conversation(state: ConversationState) -> bool:
    """Whether a conversation holds more than any newcomer's: a flow waits for an answer,
    carries what was typed so far, or "Did you mean …?" waits (the menu after a greeting
    is everyone's)."""
    return state.flow_id is not None or bool(state.slots) or state.asked is not None


class NewcomerServices:
    """The turn's ports for a sender without a citizen (a `TurnServices`)."""

    def __init__(
        self,
        services: TurnServices,
        open_session: Callable[[], AsyncSession],
        enrol: Enrol,
        state: ConversationState,
        now: datetime,
    ) -> None:
        self._services = services
        self._open = open_session
        self._enrol = enrol
        self.citizen_id = NEWCOMER  # the real id once created
        self._failed: Exception | None = None
        self.language = state.language
        self.language_chosen = False
        self.citizens: CitizenPort = _Citizens(self, services.citizens, state, now)
        self.topics: TopicPort = services.topics
        self.council: CouncilPort = services.council
        self.consultations = cast(ConsultationPort, _Naming(services.consultations, self))
        self.questions = cast(QuestionPort, _Naming(services.questions, self))
        self.reports = cast(ReportPort, _Naming(services.reports, self))
        self.ideas = cast(IdeaPort, _Naming(services.ideas, self))
        self.subscriptions = cast(SubscriptionPort, _Naming(services.subscriptions, self))
        self.personal_data = cast(PersonalDataPort, _Naming(services.personal_data, self))
        self.understanding = NewcomerUnderstanding(services.understanding, self)

    @property
    def erased(self) -> bool:
        return self._services.erased

    @erased.setter
    def erased(self, erased: bool) -> None:
        self._services.erased = erased

    @property
    def opened_session(self) -> AsyncSession | None:
        return self._services.opened_session

    @opened_session.setter
    def opened_session(self, session: AsyncSession | None) -> None:
        self._services.opened_session = session

    async def citizen(self) -> int:
        """The citizen's id, created in the turn's session on the first call."""
        if self.citizen_id == NEWCOMER:
            session = self._services.opened_session
            if session is None:
                session = self._open()
                self._services.opened_session = session
            try:
                self.citizen_id = await self._enrol(session, self.language)
            except Exception as error:
                # most likely another process made them a citizen meanwhile; the engine
                # would answer this with an error reply, so `outcome` raises it again
                self._failed = error
                raise
        return self.citizen_id

    async def real(self, citizen_id: int) -> int:
        return await self.citizen() if citizen_id == NEWCOMER else citizen_id

    async def outcome(self, state: ConversationState) -> int:
        """At the end of the turn: the citizen's id, created now where the outcome needs
        one; `NEWCOMER` when nothing of the turn is worth keeping. Raises
        `StaleConversation` (the turn runs again from the store) when creating failed."""
        needed = self.language_chosen or keeps_conversation(state)
        if self.citizen_id == NEWCOMER and self._failed is None and needed:
            self.language = state.language
            with contextlib.suppress(Exception):  # kept in `_failed`
                await self.citizen()
        if self._failed is not None:
            raise StaleConversation("the newcomer could not be made a citizen") from self._failed
        return self.citizen_id


class _Citizens:
    """Whether a newcomer consented (no) and the language of their first message need no
    citizen; everything else creates one."""

    def __init__(
        self,
        newcomer: NewcomerServices,
        port: CitizenPort,
        state: ConversationState,
        now: datetime,
    ) -> None:
        self._newcomer = newcomer
        self._port = port
        # the engine sets the language of a conversation's first message itself; any
        # further change is the person's own choice
        self._automatic_language = not state.greeted
        self._now = now

    def _without_citizen(self, citizen_id: int) -> bool:
        return citizen_id == NEWCOMER and self._newcomer.citizen_id == NEWCOMER

    async def get(self, citizen_id: int) -> CitizenView:
        if self._without_citizen(citizen_id):
            return CitizenView(NEWCOMER, self._newcomer.language, False, self._now)
        return await self._port.get(await self._newcomer.real(citizen_id))

    async def record_consent(self, citizen_id: int, notice_version: str) -> None:
        await self._port.record_consent(await self._newcomer.real(citizen_id), notice_version)

    async def set_language(self, citizen_id: int, language: str) -> None:
        if self._without_citizen(citizen_id):
            self._newcomer.language = language
            if self._automatic_language:
                self._automatic_language = False
            else:
                self._newcomer.language_chosen = True
            return
        await self._port.set_language(await self._newcomer.real(citizen_id), language)


class _Naming:
    """A port whose methods get the newcomer's real id, created on first need, wherever
    they are called with `NEWCOMER` as their `citizen_id`."""

    def __init__(self, port: object, newcomer: NewcomerServices) -> None:
        self._port = port
        self._newcomer = newcomer

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._port, name)
        if name.startswith("_") or not inspect.iscoroutinefunction(method):
            return method
        signature = inspect.signature(method)
        if "citizen_id" not in signature.parameters:
            return method
        newcomer = self._newcomer

        async def named(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            if bound.arguments["citizen_id"] == NEWCOMER:
                bound.arguments["citizen_id"] = await newcomer.citizen()
            return await method(*bound.args, **bound.kwargs)

        return named
