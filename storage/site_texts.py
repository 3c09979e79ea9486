"""Texts staff edit in the web app and the bot shows, such as the privacy notice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.staff import SiteText

PRIVACY_NOTICE = "privacy_notice"
EDITABLE = (PRIVACY_NOTICE,)


async def texts_of(session: AsyncSession, key: str) -> dict[str, SiteText]:
    rows = await session.scalars(select(SiteText).where(SiteText.key == key))
    return {row.language: row for row in rows}


async def set_text(
    session: AsyncSession, key: str, language: str, text: str, by: str, now: datetime
) -> None:
    """Stores the text; an empty text removes it, so the shipped default shows again."""
    if key not in EDITABLE:
        raise ValueError(f"{key!r} is not an editable text")
    row = await session.get(SiteText, (key, language))
    if not text.strip():
        await session.execute(
            delete(SiteText).where(SiteText.key == key, SiteText.language == language)
        )
        return
    if row is None:
        session.add(SiteText(key=key, language=language, text=text, updated_at=now, updated_by=by))
    else:
        row.text, row.updated_at, row.updated_by = text, now, by
    await session.flush()


async def flow_variables(session: AsyncSession) -> dict[str, str]:
    """The edited texts as flow variables for one language each ("privacy_notice:en")."""
    rows = await session.scalars(select(SiteText).where(SiteText.key.in_(EDITABLE)))
    return {f"{row.key}:{row.language}": row.text for row in rows}
