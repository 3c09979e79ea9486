"""A citizen's consent, language and erasure (GDPR Art. 17); see docs/privacy.md."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from storage.database import empty_wal_after_commit
from storage.models.civic import (
    ConsentRecord,
    Idea,
    IdeaSupport,
    Participation,
    Question,
    Subscription,
)
from storage.models.core import ChannelIdentity, Citizen, Conversation, OutboxMessage
from storage.models.reports import Report, ReportFollower
from storage.models.understanding import UnclearMessage
from storage.photo_store import PhotoStore
from storage.reports.privacy import forget_photos_of, withdraw_photos_of


async def get_citizen(session: AsyncSession, citizen_id: int) -> Citizen | None:
    return await session.get(Citizen, citizen_id)


async def record_consent(
    session: AsyncSession, citizen_id: int, notice_version: str, channel: str, now: datetime
) -> None:
    """Keeps proof of the consent and marks the citizen as having given it."""
    changes = {"consent_at": now, "consent_version": notice_version, "consent_channel": channel}
    await _update_citizen(session, citizen_id, changes)
    proof = {
        "citizen_id": citizen_id,
        "notice_version": notice_version,
        "channel": channel,
        "given_at": now,
    }
    await session.execute(_ADD_CONSENT, proof)


async def set_language(session: AsyncSession, citizen_id: int, language: str) -> None:
    await _update_citizen(session, citizen_id, {"language": language})


async def _update_citizen(session: AsyncSession, citizen_id: int, changes: dict[str, Any]) -> None:
    """One plain UPDATE, without loading the citizen first (a chat turn's consent costs
    half as much this way); a citizen this session loaded earlier shows the new values."""
    result = await session.execute(_UPDATE_CITIZEN, {"who": citizen_id, **changes})
    if cast(CursorResult[Any], result).rowcount == 0:
        raise LookupError(f"no citizen {citizen_id}")
    loaded = session.identity_map.get(identity_key(Citizen, citizen_id))
    if loaded is not None:
        for name, value in changes.items():
            set_committed_value(loaded, name, value)


# built once (the columns to set come with the values): building costs more than running it
_CITIZENS = cast(Table, Citizen.__table__)
_UPDATE_CITIZEN = update(_CITIZENS).where(_CITIZENS.c.id == bindparam("who"))
_ADD_CONSENT = insert(cast(Table, ConsentRecord.__table__))


async def erase_citizen(
    session: AsyncSession, citizen_id: int, photo_dir: Path | PhotoStore | None = None
) -> bool:
    """Deletes the person and everything that points to them; keeps contributions anonymised.

    Gone: the citizen row, channel identities, conversations, subscriptions, consent records,
    the messages the bot did not understand, the reports they follow and every outbox
    message to them (pending or sent), the photos of their reports staff did not publish
    (in `photo_dir` or the photo store too, after the commit) and every public release of
    their photos.
    Unlinked: ideas, questions, problem reports,
    participations with their answers, and supports (so support counts stay right).
    False when there was no such citizen.
    """
    if await session.get(Citizen, citizen_id) is None:
        return False
    # photos show where someone was and often who: none stays public after the person
    await withdraw_photos_of(session, citizen_id)
    if photo_dir is not None:
        await forget_photos_of(session, citizen_id, photo_dir)
    # explicit statements rather than ON DELETE rules, so the outcome does not depend on
    # SQLite's foreign_keys pragma being switched on for this connection
    for model in (Idea, Question, Participation, IdeaSupport, Report):
        await session.execute(
            update(model).where(model.citizen_id == citizen_id).values(citizen_id=None)
        )
    owned_models = (OutboxMessage, Conversation, Subscription, ConsentRecord, ChannelIdentity)
    for owned in (*owned_models, UnclearMessage, ReportFollower):
        await session.execute(delete(owned).where(owned.citizen_id == citizen_id))
    # the ORM statements also update or forget objects this session loaded earlier, so none
    # is written back over the erasure
    await session.execute(delete(Citizen).where(Citizen.id == citizen_id))
    # SQLite's WAL file still holds older copies of the deleted rows until a checkpoint
    await empty_wal_after_commit(session)
    return True
