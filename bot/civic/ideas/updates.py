"""Staff move an idea along (submitted → in review → accepted / rejected / implemented) or
fold a duplicate into another; the author, supporters and followers hear about it once."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.notices import NOTICE_PRIORITY
from flows.formatting import IDEA_STATUS
from storage import outbox
from storage.ideas import IDEA_STATUSES, change_status, find_idea
from storage.ideas.merging import followers, merge_into
from storage.models.civic import Idea

MAX_NOTE = 1000

_STATUS_TEXT = {
    "de": "Neuigkeiten zur Idee {ref} „{title}“: Sie ist jetzt {status}.",
    "en": 'News about the idea {ref} "{title}": it is now {status}.',
}
_NOTE = {"de": "Die Verwaltung schreibt dazu: {note}", "en": "The administration adds: {note}"}
_MERGED_TEXT = {
    "de": "Die Idee {ref} „{title}“ wurde mit der gleichen Idee {kept} „{kept_title}“ "
    "zusammengeführt. Ihre Unterstützung zählt jetzt dort, und Sie hören weiter von ihr.",
    "en": 'The idea {ref} "{title}" was merged with the same idea {kept} "{kept_title}". '
    "Your support now counts there, and you will keep hearing about it.",
}
_OPTIONS = {
    "de": [["Meine Beiträge", "/meine"], ["Ideen ansehen", "/ideen"]],
    "en": [["My contributions", "/mine"], ["Browse ideas", "/ideas"]],
}


async def _idea(session: AsyncSession, ref: str) -> Idea:
    idea = await find_idea(session, ref)
    if idea is None:
        raise LookupError(f"no idea {ref}")
    return idea


async def change_idea_status(
    session: AsyncSession, ref: str, status: str, note: str, staff: str, now: datetime
) -> int:
    """Records the new status with its public note and tells everyone concerned; returns
    how many messages were queued. The same status with the same note is announced once.

    Raises LookupError for an unknown idea, ValueError for an unknown status, a rejection
    without a note, or a note that is too long. Does not commit.
    """
    idea = await _idea(session, ref)
    note = note.strip()
    if status not in IDEA_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if status == "rejected" and not note:
        raise ValueError("a rejection needs a note the citizens can read")
    if len(note) > MAX_NOTE:
        raise ValueError(f"the note may have at most {MAX_NOTE} characters")
    if idea.merged_into is not None:
        raise ValueError(f"{idea.ref} was merged into {idea.merged_into}; change that idea")
    await change_status(session, idea, status, note, staff, now)
    payloads = {}
    for language in ("de", "en"):
        text = _STATUS_TEXT[language].format(
            ref=idea.ref, title=idea.title, status=IDEA_STATUS[status][language]
        )
        if note:
            text += "\n\n" + _NOTE[language].format(note=note)
        payloads[language] = {"text": text, "options": _OPTIONS[language]}
    digest = hashlib.sha256(note.encode()).hexdigest()[:12]
    return await outbox.enqueue_for_citizens(
        session,
        followers(idea.id, idea.ref or ""),
        payloads,
        priority=NOTICE_PRIORITY,
        dedupe_prefix=f"idea-status:{idea.id}:{status}:{digest}",
        cause="idea_status",
        now=now,
    )


async def merge_idea(
    session: AsyncSession, duplicate_ref: str, kept_ref: str, now: datetime
) -> tuple[int, int]:
    """Folds the duplicate into the kept idea and tells the duplicate's author, supporters
    and followers; returns (supports moved, messages queued). Raises LookupError for an
    unknown idea and ValueError when the two cannot be merged. Does not commit."""
    duplicate = await _idea(session, duplicate_ref)
    kept = await _idea(session, kept_ref)
    # supports and follows are copied, not moved: the duplicate's audience stays the same
    result = await merge_into(session, duplicate, kept, now)
    payloads = {
        language: {
            "text": _MERGED_TEXT[language].format(
                ref=duplicate.ref, title=duplicate.title, kept=kept.ref, kept_title=kept.title
            ),
            "options": _OPTIONS[language],
        }
        for language in ("de", "en")
    }
    queued = await outbox.enqueue_for_citizens(
        session,
        followers(duplicate.id, duplicate.ref or ""),
        payloads,
        priority=NOTICE_PRIORITY,
        dedupe_prefix=f"idea-merged:{duplicate.id}",
        cause="idea_merged",
        now=now,
    )
    return result.moved_supports, queued
