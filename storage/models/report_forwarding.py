"""Reports forwarded to the town's own Open311 system: where each one stands there.

One row per report once forwarding is on. `state` is queued (to be sent, at
`next_attempt_at`), forwarded (the town knows it as `service_request_id`, or by `token`
until its system names the id) or refused (the town's system said no; `last_error` says
why, staff see it on the report's page).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utcnow


class ReportForwarding(Base):
    __tablename__ = "report_forwardings"
    __table_args__ = (Index("ix_report_forwardings_state_next", "state", "next_attempt_at"),)

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    system_url: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16))
    service_request_id: Mapped[str | None] = mapped_column(String(128))
    token: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # what the settings were when the town refused: changed settings send the report again
    refused_with: Mapped[str] = mapped_column(String(64), default="")
    # the town's status and notes as last seen, so only a change becomes news
    remote_status: Mapped[str] = mapped_column(String(16), default="")
    remote_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportForwardingStart(Base):
    """The newest report when forwarding to a system was switched on: older reports are
    not sent, so switching it on does not flood the town with years of reports."""

    __tablename__ = "report_forwarding_starts"

    system_url: Mapped[str] = mapped_column(String(500), primary_key=True)
    after_report_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
