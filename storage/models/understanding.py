"""Messages the bot was unsure about: what staff use to teach the intent recogniser."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class UnclearMessage(Base):
    """A message the bot asked about ("Did you mean …?") or did not understand.

    `citizen_id` is there only so the message goes when its author is erased; staff pages
    never show it. `chosen` is what the citizen picked in answer to the question (None:
    not answered, or "something else"); `assigned` the intent staff gave it.
    """

    __tablename__ = "unclear_messages"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    guessed: Mapped[str] = mapped_column(String(64))
    ranking: Mapped[list[Any]] = mapped_column(JsonType)
    outcome: Mapped[str] = mapped_column(String(16))  # "asked" or "fallback"
    chosen: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assigned: Mapped[str | None] = mapped_column(String(64))
    assigned_by: Mapped[str | None] = mapped_column(String(128))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
