"""A room's members, loaded when needed: the bot syncs them lazily (only as events need them)."""

from __future__ import annotations

from nio import AsyncClient, MatrixRoom


async def known_members(client: AsyncClient, room: MatrixRoom) -> None:
    """Load a room's members when the lazy sync told neither them nor their number (after
    a restart the homeserver does not repeat what this device was told before)."""
    if room.summary.joined_member_count is None and not room.members_synced:
        await client.joined_members(room.room_id)


async def members_and_keys(client: AsyncClient, room: MatrixRoom) -> None:
    """Load the members of a room synced lazily, and the device keys not queried yet."""
    if not room.members_synced:
        await client.joined_members(room.room_id)
    if client.should_query_keys:
        await client.keys_query()
