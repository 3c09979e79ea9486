"""Staff publish or reject a proposed idea; the author hears about it in their chat."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.notices import notify_citizen
from storage.citizens import get_citizen
from storage.ideas import change_status, find_idea, set_moderation

Decision = Literal["publish", "reject"]

_TEXTS: dict[tuple[Decision, str], str] = {
    ("publish", "de"): "Gute Nachricht: Ihre Idee {ref} „{title}“ ist jetzt für alle sichtbar. "
    "Andere können sie unterstützen.",
    ("publish", "en"): 'Good news: your idea {ref} "{title}" is now visible to everyone. '
    "Others can support it.",
    ("reject", "de"): "Ihre Idee {ref} „{title}“ wird nicht veröffentlicht. Begründung: {reason}",
    ("reject", "en"): 'Your idea {ref} "{title}" will not be published. Reason: {reason}',
}
_OPTIONS = {
    "de": [["Meine Beiträge", "/meine"], ["Neue Idee", "/idee"]],
    "en": [["My contributions", "/mine"], ["New idea", "/idea"]],
}


async def moderate_idea(
    session: AsyncSession, ref: str, decision: Decision, reason: str, staff: str, now: datetime
) -> int:
    """Publish or reject the idea; returns how many messages to the author were queued.

    Raises LookupError for an unknown reference and ValueError for a rejection without a
    reason (the author deserves to know why). Does not commit.
    """
    idea = await find_idea(session, ref)
    if idea is None:
        raise LookupError(f"no idea {ref}")
    reason = reason.strip()
    if decision == "reject" and not reason:
        raise ValueError("a rejection needs a reason the author can read")
    if decision == "publish":
        await set_moderation(session, idea, "published")
    else:
        await set_moderation(session, idea, "rejected")
        await change_status(session, idea, "rejected", reason, staff, now)
    citizen = await get_citizen(session, idea.citizen_id) if idea.citizen_id else None
    if citizen is None:
        return 0
    language = "en" if citizen.language == "en" else "de"
    text = _TEXTS[(decision, language)].format(ref=idea.ref, title=idea.title, reason=reason)
    return await notify_citizen(
        session,
        citizen.id,
        {"text": text, "options": _OPTIONS[language]},
        dedupe_key=f"moderation:{idea.id}:{decision}",
        cause=f"idea_{decision}",
    )
