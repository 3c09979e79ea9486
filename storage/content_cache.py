"""Topics and consultations kept in memory between messages.

The flows list them on many turns (menus, the idea flow's topic choice, "which consultations
are open?"), and they change only when staff edit them. A change written through an ORM
session of this process empties every cache at once; changes made by another process show
once the cache's lifetime has passed (the bot's content check interval, as for flows).
Entries are plain frozen values, never ORM objects, so no session's commit or close can
touch them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.consultations import Status, consultation_status
from storage.models.civic import Consultation, Topic

_CACHED_TYPES = (Topic, Consultation)
_generation = 0  # moves on every change of a cached type written in this process


@dataclass(frozen=True)
class TopicEntry:
    id: int
    slug: str
    name_de: str
    name_en: str
    keywords: list[str]  # in both languages: citizens' words that mean this topic

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_de


@dataclass(frozen=True)
class ConsultationEntry:
    id: int
    slug: str
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    topic_id: int | None
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class Content:
    topics: tuple[TopicEntry, ...]  # in the order citizens see them
    consultations: tuple[ConsultationEntry, ...]

    def topics_by_id(self, ids: Iterable[int | None]) -> dict[int, TopicEntry]:
        wanted = set(ids)
        return {topic.id: topic for topic in self.topics if topic.id in wanted}

    def topic_by_slug(self, slug: str) -> TopicEntry | None:
        wanted = slug.strip().lower()
        return next((t for t in self.topics if t.slug == wanted), None)

    def consultations_by_status(self, now: datetime, status: Status) -> list[ConsultationEntry]:
        """Open ones closing soonest first, upcoming ones opening soonest first, closed newest
        first (as `storage.consultations.list_consultations`)."""
        found = [c for c in self.consultations if consultation_status(c, now) == status]
        if status == "open":
            return sorted(found, key=lambda c: (c.closes_at, c.id))
        if status == "upcoming":
            return sorted(found, key=lambda c: (c.opens_at, c.id))
        return sorted(found, key=lambda c: (c.closes_at, c.id), reverse=True)


def consultation_entry(row: Consultation) -> ConsultationEntry:
    """The frozen copy of a consultation read through the ORM."""
    return ConsultationEntry(**{f.name: getattr(row, f.name) for f in fields(ConsultationEntry)})


async def load_content(session: AsyncSession) -> Content:
    """Two Core queries: rows become frozen entries, nothing enters the session."""
    topic_columns = [getattr(Topic, f.name) for f in fields(TopicEntry)]
    topic_rows = await session.execute(select(*topic_columns).order_by(Topic.position, Topic.slug))
    consultation_columns = [getattr(Consultation, f.name) for f in fields(ConsultationEntry)]
    consultation_rows = await session.execute(select(*consultation_columns))
    return Content(
        tuple(TopicEntry(*row) for row in topic_rows),
        tuple(ConsultationEntry(*row) for row in consultation_rows),
    )


class ContentCache:
    """One per process and database. Kept for `lifetime` seconds unless this process
    changes topics or consultations; `inf` keeps them until it does."""

    def __init__(self, lifetime: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lifetime = lifetime
        self._monotonic = monotonic
        self._content: Content | None = None
        self._loaded_at = 0.0
        self._generation = -1

    async def content(self, session: AsyncSession) -> Content:
        fresh = (
            self._content is not None
            and self._generation == _generation
            and self._monotonic() - self._loaded_at < self._lifetime
        )
        if fresh and self._content is not None:
            return self._content
        generation = _generation
        content = await load_content(session)
        # a change flushed while this was loading must not be hidden behind the old generation
        self._content, self._generation = content, generation
        self._loaded_at = self._monotonic()
        return content


def _touches_cached(objects: Iterable[Any]) -> bool:
    return any(isinstance(item, _CACHED_TYPES) for item in objects)


def _bump() -> None:
    global _generation
    _generation += 1


def note_flush(session: Session) -> None:
    """Called by the session (storage/session_writes.py) before it flushes its changes."""
    if _touches_cached(chain(session.new, session.dirty, session.deleted)):
        session.info["content_changed"] = True
        _bump()


def note_commit(session: Session) -> None:
    # again at commit: a cache filled between the flush and the commit read the old rows
    if session.info.pop("content_changed", False):
        _bump()


def note_rollback(session: Session) -> None:
    session.info.pop("content_changed", None)
