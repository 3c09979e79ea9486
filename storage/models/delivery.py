"""Announcements staff send to many citizens at once; their messages wait in the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utcnow
from storage.models.core import BigId


class Announcement(Base):
    """One announcement: what it says, to whom, when; `total` is how many chats it reaches.

    `state` moves scheduled -> sending -> done, or to cancelled from scheduled or sending.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        Index("ix_broadcasts_state_send_at", "state", "send_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    text_de: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    send_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # the final tally, written once nothing is left to settle: retention later deletes the
    # sent messages themselves, and the announcement must still say how it went
    counted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_count: Mapped[int] = mapped_column(Integer, default=0)
    final_rate: Mapped[float | None] = mapped_column(Float)
