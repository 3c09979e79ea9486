"""What the store adapters of one turn share: one session, opened when first needed.

Never commits; the dispatcher owns the transaction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.content_cache import Content, ContentCache, TopicEntry
from storage.models.civic import Consultation


class TurnStore:
    """The session (or a factory that opens it on first use: most turns of a conversation
    never ask the store), the channel, the clock and the cached content of one turn."""

    def __init__(
        self,
        session: AsyncSession | Callable[[], AsyncSession],
        channel: str,
        *,
        clock: Callable[[], datetime],
        publish_ideas: bool,
        content: ContentCache | None,
    ) -> None:
        self.opened_session = session if isinstance(session, AsyncSession) else None
        self._open = session if not isinstance(session, AsyncSession) else None
        self.channel = channel
        # some port methods have no `now` parameter; the clock serves them (and tests set it)
        self.clock = clock
        # without a shared cache: read once for this turn
        self._content = content or ContentCache(lifetime=math.inf)
        self.moderation = "published" if publish_ideas else "pending"
        self.erased = False  # the dispatcher must not save a conversation erased just now

    @property
    def session(self) -> AsyncSession:
        if self.opened_session is None:
            assert self._open is not None
            self.opened_session = self._open()
        return self.opened_session

    async def content(self) -> Content:
        return await self._content.content(self.session)

    async def topic(self, slug: str) -> TopicEntry | None:
        return (await self.content()).topic_by_slug(slug)

    async def consultation(self, consultation_id: int) -> Consultation:
        row = await self.session.get(Consultation, consultation_id)
        if row is None:
            raise ValueError(f"no consultation {consultation_id}")
        return row
