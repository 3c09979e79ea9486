"""What the web chat keeps beyond the core tables: the key that signs its session tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime, utcnow


class WebChatKey(Base):
    """A secret generated once per installation, shared by every process of it."""

    __tablename__ = "web_chat_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
