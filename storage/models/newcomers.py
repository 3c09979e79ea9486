"""Where a newcomer's conversation stands, for processes that share one database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType, UtcDateTime, utcnow


class NewcomerState(Base):
    """A sender who is not a citizen yet: only the chat's position (language, the options
    offered), kept for minutes, so the next message finds it in whichever process it
    reaches. No citizen, no text they typed."""

    __tablename__ = "newcomer_states"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
