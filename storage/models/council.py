"""What the council publishes through OParl, kept as synced: papers, agenda items, sync marks.

Rows are keyed by the object's OParl id (its URL), so a second sync updates instead of
duplicating. Objects the server reports as deleted keep their row with `deleted` set: a
decision draft may still point at them, and staff should see why it vanished upstream.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType, UtcDateTime, utcnow
from storage.models.core import BigId


class CouncilPaper(Base):
    """A council paper (Vorlage, Drucksache) citizens can follow by its reference."""

    __tablename__ = "council_papers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(1000), unique=True)
    # as the council writes it ("2026/123", "VO/2026/0123"); `reference_key` is its search form
    reference: Mapped[str | None] = mapped_column(String(100))
    reference_key: Mapped[str | None] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(1000), default="")
    paper_type: Mapped[str | None] = mapped_column(String(200))
    paper_date: Mapped[str | None] = mapped_column(String(10))  # ISO date as the council gave it
    keywords: Mapped[list[str]] = mapped_column(JsonType, default=list)
    web_url: Mapped[str | None] = mapped_column(String(1000))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    modified: Mapped[datetime | None] = mapped_column(UtcDateTime)
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CouncilAgendaItem(Base):
    """One item of a council meeting; its `result` is what the council decided."""

    __tablename__ = "council_agenda_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(1000), unique=True)
    meeting_external_id: Mapped[str | None] = mapped_column(String(1000))
    meeting_name: Mapped[str | None] = mapped_column(String(1000))
    meeting_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # a cancelled meeting decided nothing; a non-public item is kept from citizens (and its
    # title, result and text are not stored)
    meeting_cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    number: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(1000), default="")
    result: Mapped[str | None] = mapped_column(String(1000))
    resolution_text: Mapped[str | None] = mapped_column(Text)
    # the item's Consultation (OParl id); council_consultations leads from there to the paper
    consultation_external_id: Mapped[str | None] = mapped_column(String(1000), index=True)
    web_url: Mapped[str | None] = mapped_column(String(1000))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    modified: Mapped[datetime | None] = mapped_column(UtcDateTime)
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CouncilConsultation(Base):
    """The council deals with a paper at an agenda item (OParl Consultation)."""

    __tablename__ = "council_consultations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(1000), unique=True)
    paper_external_id: Mapped[str | None] = mapped_column(String(1000), index=True)
    agenda_item_external_id: Mapped[str | None] = mapped_column(String(1000), index=True)


class CouncilSyncState(Base):
    """Where the sync of one OParl list stands; advanced only after the list was read whole."""

    __tablename__ = "council_sync_state"

    list_url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    # the next sync asks for objects modified since this moment (None: read everything)
    synced_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # what the last attempt read but found odd (e.g. text that was not UTF-8)
    last_warning: Mapped[str | None] = mapped_column(Text)
