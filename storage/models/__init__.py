"""All tables, imported here so Alembic and create_all see every one."""

from storage.models.core import (
    ChannelIdentity,
    Citizen,
    Conversation,
    FlowVersion,
    OutboxMessage,
    ProcessedInbound,
)

__all__ = [
    "ChannelIdentity",
    "Citizen",
    "Conversation",
    "FlowVersion",
    "OutboxMessage",
    "ProcessedInbound",
]
