"""Problem reports: what citizens say is broken in town, its category, place and status.

A report keeps `citizen_id` nullable: erasing the reporter unlinks them, the report stays
for the town (anonymised). Followers are people and go with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType, UtcDateTime, utcnow
from storage.models.core import BigId


class ReportCategory(Base):
    """A kind of problem ("street_lighting"); the chat proposes one by names and keywords."""

    __tablename__ = "report_categories"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    keywords_de: Mapped[list[str]] = mapped_column(JsonType, default=list)
    keywords_en: Mapped[list[str]] = mapped_column(JsonType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ReportSetting(Base):
    """A setting of the report flow administrators change in the web app, by name
    ("duplicate_radius_m"); a missing row means the operator's configured default."""

    __tablename__ = "report_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Report(Base):
    """One problem a citizen reported ("M-17"); `status` is one of storage.reports.STATUSES."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_category_code_status", "category_code", "status"),
        # the same-spot lookup's box: category, then latitude and longitude ranges
        Index("ix_reports_category_code_position", "category_code", "latitude", "longitude"),
        # the staff list narrowed to the map's view, any category
        Index("ix_reports_position", "latitude", "longitude"),
        {"sqlite_autoincrement": True},  # "M-17" is never reused
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # set right after the insert from the id ("M-17"); never NULL in a committed row
    ref: Mapped[str | None] = mapped_column(String(16), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    category_code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # names of stored photo files, for when citizens can send pictures
    photos: Mapped[list[str]] = mapped_column(JsonType, default=list)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="received")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL")
    )
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportStatusChange(Base):
    """One step in a report's history, with the note citizens read in their language."""

    __tablename__ = "report_status_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note_de: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportPhotoRelease(Base):
    """A report photo staff released for the public: served without a login, but only
    while its report is published too (a photo may show people or number plates)."""

    __tablename__ = "report_photo_releases"

    # the photo's own random name (storage/report_photos.py): one release per photo
    photo_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    released_by: Mapped[str] = mapped_column(String(128))
    released_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportPhotoFile(Base):
    """A report photo and its thumbnail kept in the database (MITREDEN_REPORT_PHOTO_STORE=
    database): every process of the town sees it, whichever machine it runs on."""

    __tablename__ = "report_photo_files"

    # the photo's random name (storage/report_photos.py), the one a report's `photos` holds
    photo_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
    # the orphan sweep reads by age
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ReportFollower(Base):
    """A citizen who wants news of a report someone else made (the same problem)."""

    __tablename__ = "report_followers"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
