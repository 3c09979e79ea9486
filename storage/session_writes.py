"""Whether a session has written anything in its current transaction.

A web chat turn that only read from the store can leave its conversation state to the
group commit (bot/state_writer.py) instead of a transaction of its own. Every write goes
through `Session.execute` or a flush, and both are seen here, as are ORM changes not yet
flushed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

_WROTE = "mitreden_wrote"


def wrote(session: AsyncSession) -> bool:
    """True once the transaction has written, or while it holds ORM changes that its
    commit would still write."""
    sync = session.sync_session
    return bool(sync.info.get(_WROTE, False) or sync.new or sync.dirty or sync.deleted)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _after_flush(session: Session, _flush_context: Any) -> None:
    session.info[_WROTE] = True  # a flush runs only when there is something to write


def _transaction_over(session: Session, *_: Any) -> None:
    session.info.pop(_WROTE, None)


event.listen(Session, "do_orm_execute", _on_execute)
event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_commit", _transaction_over)
event.listen(Session, "after_soft_rollback", _transaction_over)
