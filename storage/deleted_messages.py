"""A message the citizen deleted on their platform: the bot forgets its text where it kept it.

The text is found where it waits for the next step: a slot of the conversation (a question
written but not sent yet, an idea's title). The conversation then starts afresh, so a flow
never goes on with a text the citizen took back. What was already submitted stays: the
citizen withdraws that with "delete my data".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Conversation

ATTEMPTS = 3  # a turn may save the same conversation meanwhile; then it is read again


def _holds(value: Any, wanted: str) -> bool:
    """Whether the text is among the slots, also those of a flow waiting for a sub-flow."""
    if isinstance(value, str):
        return value.strip() == wanted
    if isinstance(value, dict):
        return any(_holds(item, wanted) for item in value.values())
    if isinstance(value, list):
        return any(_holds(item, wanted) for item in value)
    return False


async def forget_text(
    session: AsyncSession, channel: str, chat: str, user_key: str, text: str
) -> bool:
    """Clear the conversation if it holds `text`; True when it did."""
    where = (
        Conversation.channel == channel,
        Conversation.chat == chat,
        Conversation.user_key == user_key,
    )
    for _ in range(ATTEMPTS):
        found = await session.execute(
            select(Conversation.state, Conversation.row_version).where(*where)
        )
        row = found.first()
        if row is None or not text.strip() or not _holds(row.state.get("slots"), text.strip()):
            return False
        fresh = {"language": row.state.get("language") or "de", "greeted": True}
        # the row version moves on: a turn that read the old state runs again from the store
        changed = await session.execute(
            update(Conversation)
            .where(*where, Conversation.row_version == row.row_version)
            .values(state=fresh, flow_id=None, flow_version=None, row_version=row.row_version + 1)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(changed, "rowcount", 0) or 0):
            return True
    return False  # a turn kept changing the conversation: its own text is what counts then
