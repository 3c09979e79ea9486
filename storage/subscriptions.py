"""Subscriptions: who wants updates on which topic, consultation, idea or council paper."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import insert_if_absent
from storage.models.civic import Subscription

SUBSCRIPTION_KINDS = ("topic", "consultation", "idea", "paper")


async def subscribe(
    session: AsyncSession, citizen_id: int, kind: str, target: str, now: datetime
) -> bool:
    """True if new, False if the citizen was subscribed already."""
    if kind not in SUBSCRIPTION_KINDS:
        raise ValueError(f"unknown subscription kind {kind!r}")
    values = {"citizen_id": citizen_id, "kind": kind, "target": target, "created_at": now}
    return await insert_if_absent(session, Subscription, values)


async def unsubscribe(session: AsyncSession, citizen_id: int, kind: str, target: str) -> bool:
    """True if a subscription was removed."""
    result = await session.execute(
        delete(Subscription)
        .where(
            Subscription.citizen_id == citizen_id,
            Subscription.kind == kind,
            Subscription.target == target,
        )
        .returning(Subscription.id)
    )
    return result.first() is not None


async def subscriptions_of(session: AsyncSession, citizen_id: int) -> list[Subscription]:
    query = (
        select(Subscription)
        .where(Subscription.citizen_id == citizen_id)
        .order_by(Subscription.created_at, Subscription.id)
    )
    return list((await session.scalars(query)).all())


async def subscribers(session: AsyncSession, kind: str, target: str) -> list[int]:
    """Citizens to notify about `target`, leaving out paused subscriptions."""
    query = (
        select(Subscription.citizen_id)
        .where(
            Subscription.kind == kind,
            Subscription.target == target,
            Subscription.paused_at.is_(None),
        )
        .order_by(Subscription.citizen_id)
    )
    return list((await session.scalars(query)).all())
