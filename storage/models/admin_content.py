"""What administrators edit in the web app: flow drafts, edits of conversation tests and
versions of the intent data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class FlowDraft(Base):
    """The unpublished edit of one flow; saved even when broken, so no typing is ever lost."""

    __tablename__ = "flow_drafts"

    flow_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    based_on: Mapped[int | None] = mapped_column(Integer)  # the version the edit started from
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(128))


class ConversationTestEdit(Base):
    """An administrator's edit of a conversation test, by the test's file name.

    state "draft": goes with the draft of flow `flow_id` and is published with it;
    "published": used instead of the file from then on.
    """

    __tablename__ = "conversation_test_edits"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    flow_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(128))


class NluDataVersion(Base):
    """One saved state of the intent training data: every file by its relative path.

    status: "draft" (the one being edited), "training", "ready" (trained, with its
    evaluation report) or "failed". At most one version is active; none means the data
    configured for the installation (the shipped data by default).
    """

    __tablename__ = "nlu_data_versions"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012  version numbers stay unique

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    files: Mapped[dict[str, Any]] = mapped_column(JsonType)
    sha256: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    report: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(128))
    trained_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # started, then ended
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
