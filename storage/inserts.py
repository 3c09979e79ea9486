"""Inserting a row unless a unique constraint says it exists already, on every backend."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


async def insert_if_absent(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> bool:
    """True when the row was inserted, False when a unique constraint already held it.

    ON CONFLICT DO NOTHING keeps the transaction usable where catching an IntegrityError
    would need a savepoint (which pysqlite handles poorly).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement.returning(model.__table__.c.id))
    return result.scalar_one_or_none() is not None
