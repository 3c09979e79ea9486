"""What the scheduler already told citizens about a consultation, so it is told once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime
from storage.models.core import BigId


class ConsultationNotice(Base):
    """A consultation's opening ("opened") or closing ("closed") was handled.

    `recipients` counts the messages queued; 0 with `skipped` set when the moment lay too
    far back to tell anyone (the bot was stopped for days, or the data was imported later).
    """

    __tablename__ = "consultation_notices"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[bool] = mapped_column(default=False)


class ParticipationReminder(Base):
    """A started but unsubmitted participation was reminded of the deadline."""

    __tablename__ = "participation_reminders"

    participation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("participations.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
