"""The flows' ports over the store, put together for one inbound message and its transaction.

Never commits; the dispatcher owns the transaction. Views come back in the language asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.civic.citizens import StoreCitizens
from bot.civic.consultations.port import StoreConsultations
from bot.civic.council.port import StoreCouncil
from bot.civic.ideas.port import StoreIdeas
from bot.civic.personal_data import StorePersonalData
from bot.civic.photos import PhotoRules
from bot.civic.questions.port import StoreQuestions
from bot.civic.reports import DEFAULT_RADIUS_M, StoreReports
from bot.civic.subscriptions import StoreSubscriptions
from bot.civic.topics import StoreTopics
from bot.civic.turn_store import TurnStore
from bot.civic.understanding import StoreUnderstanding
from storage.base import utcnow
from storage.content_cache import ContentCache


class StoreServices:
    """flows.ports.Ports on one AsyncSession, shared by every port.

    Given a session factory instead of a session, it opens one only when a port first asks
    the store for something: most turns of a conversation never do.
    """

    def __init__(
        self,
        session: AsyncSession | Callable[[], AsyncSession],
        channel: str = "terminal",
        *,
        clock: Callable[[], datetime] = utcnow,
        publish_ideas: bool = False,
        content: ContentCache | None = None,
        report_radius_m: float = DEFAULT_RADIUS_M,
        photo_rules: PhotoRules | None = None,
    ) -> None:
        self._store = store = TurnStore(
            session, channel, clock=clock, publish_ideas=publish_ideas, content=content
        )
        self.citizens = StoreCitizens(store)
        self.topics = StoreTopics(store)
        self.consultations = StoreConsultations(store)
        self.questions = StoreQuestions(store)
        self.reports = StoreReports(store, report_radius_m, photo_rules)
        self.ideas = StoreIdeas(store)
        self.council = StoreCouncil(store)
        self.subscriptions = StoreSubscriptions(store)
        self.personal_data = StorePersonalData(store, (photo_rules or PhotoRules()).photo_store())
        self.understanding = StoreUnderstanding(store)

    @property
    def opened_session(self) -> AsyncSession | None:
        """The turn's session once a port opened it (or the one given), else None."""
        return self._store.opened_session

    @opened_session.setter
    def opened_session(self, session: AsyncSession | None) -> None:
        self._store.opened_session = session

    @property
    def erased(self) -> bool:
        """True once the citizen was erased in this turn: their conversation is not saved."""
        return self._store.erased

    @erased.setter
    def erased(self, erased: bool) -> None:
        self._store.erased = erased
