"""Sessions that know whether their transaction has written anything.

A turn that only read from the store can leave its conversation state to the group
commit (bot/conversations.py) instead of a transaction of its own. The session factory
makes every session a `WriteTrackingSession`: each write it executes or flushes sets a
flag in that session's own `info`, and a commit or rollback clears it. It also tells the
topic and consultation cache (storage/content_cache.py) when its changes touch them.
Nothing is installed on SQLAlchemy's classes, so other sessions are left alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage import content_cache

_WROTE = "mitreden_wrote"


class WriteTrackingSession(Session):
    def _execute_internal(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(statement, "is_dml", False):
            self.info[_WROTE] = True
        return super()._execute_internal(statement, *args, **kwargs)

    def _flush(self, objects: Any = None) -> None:
        self.info[_WROTE] = True  # reached only when there is something to write
        content_cache.note_flush(self)
        super()._flush(objects)

    def commit(self) -> None:
        super().commit()
        self.info.pop(_WROTE, None)
        content_cache.note_commit(self)

    def rollback(self) -> None:
        super().rollback()
        self.info.pop(_WROTE, None)
        content_cache.note_rollback(self)

    def close(self) -> None:
        # a transaction ended by its `begin()` block commits without `commit()` above
        super().close()
        self.info.pop(_WROTE, None)
        content_cache.note_commit(self)


def wrote(session: AsyncSession) -> bool:
    """True once the transaction has written, or while it holds ORM changes that its
    commit would still write."""
    sync = session.sync_session
    return bool(sync.info.get(_WROTE, False) or sync.new or sync.dirty or sync.deleted)
