"""Inserting a row unless a unique constraint says it exists already, on every backend."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.dml import ReturningInsert


async def insert_if_absent(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> bool:
    """True when the row was inserted, False when a unique constraint already held it.

    ON CONFLICT DO NOTHING keeps the transaction usable where catching an IntegrityError
    would need a savepoint (which pysqlite handles poorly).
    """
    statement = _insert_ignoring(session.get_bind().dialect.name, cast(Table, model.__table__))
    result = await session.execute(statement, values)
    return result.scalar_one_or_none() is not None


@cache
def _insert_ignoring(dialect: str, table: Table) -> ReturningInsert[tuple[int]]:
    """Built once per table, on the table rather than the mapped class: the ORM's insert
    path builds the statement and its cache key anew on every call, which costs more than
    running it. The values travel as parameters."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c.id)
