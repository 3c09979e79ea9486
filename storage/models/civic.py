"""What citizens and the town exchange: topics, questions, consultations, ideas, decisions.

Contributions keep `citizen_id` nullable: erasing a citizen unlinks them (anonymised) instead
of deleting what they said in public. Subscriptions and consent records belong to the person
and go with them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType, UtcDateTime, utcnow
from storage.models.core import BigId


class Topic(Base):
    """A subject area citizens can browse and subscribe to."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JsonType, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Question(Base):
    """A citizen's question to the administration and, once there is one, the answer."""

    __tablename__ = "questions"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012  ("Q-17" is never reused)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # set right after the insert from the id ("Q-17"); never NULL in a committed row
    ref: Mapped[str | None] = mapped_column(String(16), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(128))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    assigned_to: Mapped[str | None] = mapped_column(String(64))  # a staff account's name


class Consultation(Base):
    """A survey with a deadline; it is open between `opens_at` and `closes_at`."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title_de: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_de: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ConsultationQuestion(Base):
    """One question of a consultation.

    `options` is a list of {"key", "de", "en"}; `scale_labels` is {"de": [low, high], "en": [...]}.
    """

    __tablename__ = "consultation_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    text_de: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    options: Mapped[list[dict[str, str]]] = mapped_column(JsonType, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    scale_labels: Mapped[dict[str, list[str]] | None] = mapped_column(JsonType)


class Participation(Base):
    """A citizen's answers to one consultation; resumable until submitted."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("consultation_id", "citizen_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    receipt: Mapped[str | None] = mapped_column(String(16), unique=True)


class ParticipationAnswer(Base):
    """One answer; `value` is a string, number, boolean or list of option keys."""

    __tablename__ = "participation_answers"
    __table_args__ = (UniqueConstraint("participation_id", "question_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participations.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Idea(Base):
    """A citizen's proposal. Only `moderation == "published"` ideas are shown to others."""

    __tablename__ = "ideas"
    __table_args__ = (
        Index("ix_ideas_moderation_created_at", "moderation", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(16), unique=True)  # "I-17", set after insert
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    place: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    moderation: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # kept on the idea so erasing a supporter does not lower the count
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    # a duplicate points to the idea it was merged into ("I-12"); it is then hidden
    merged_into: Mapped[str | None] = mapped_column(String(16))


class IdeaStatusChange(Base):
    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str | None] = mapped_column(String(128))


class IdeaSupport(Base):
    """One citizen backs one idea, once."""

    __tablename__ = "idea_supports"
    __table_args__ = (UniqueConstraint("idea_id", "citizen_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Subscription(Base):
    """A citizen wants updates on a topic (slug), a consultation (id) or an idea (ref)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("citizen_id", "kind", "target"),
        Index("ix_subscriptions_kind_target", "kind", "target"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


decision_ideas = Table(
    "decision_ideas",
    Base.metadata,
    Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
    Column("idea_id", ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
)

decision_consultations = Table(
    "decision_consultations",
    Base.metadata,
    Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
    Column("consultation_id", ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True),
)


class Decision(Base):
    """What the council or administration decided, linked to the ideas and consultations."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(1000))
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # "draft" until staff (or the automatic publishing of council results) release it;
    # "withdrawn" when the council's data no longer lets citizens see it
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")
    # "staff" (written by hand) or "oparl" (a council result); `external_id` is the OParl id
    source: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")
    external_id: Mapped[str | None] = mapped_column(String(1000), unique=True)
    paper_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    created_by: Mapped[str | None] = mapped_column(String(128))
    published_by: Mapped[str | None] = mapped_column(String(128))
    # the council's result this decision states, to notice when the council changes it
    council_result: Mapped[str | None] = mapped_column(String(1000))
    # a correction of this published decision, told to those who heard of it
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )


class ConsentRecord(Base):
    """Proof of which privacy notice a citizen agreed to, when and where."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    notice_version: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
