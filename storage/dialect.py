"""The few places SQLite and PostgreSQL need different SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT DO NOTHING on either database."""
    return (postgresql.insert if is_postgres(session) else sqlite.insert)(table)


async def insert_new(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]],
                     returning: Sequence[Any], conflict: Sequence[str] | None = None,
                     ) -> list[tuple[Any, ...]]:
    """INSERT many rows in the session's transaction, skipping those that conflict (on
    `conflict`'s unique columns, or any unique key); `returning` of the rows inserted.

    One statement with a list of parameters: SQLAlchemy compiles it once and sends the rows
    in multi-row batches ("insertmanyvalues"). A `.values([...])` of a thousand rows is instead
    compiled afresh every time, which costs more than the database's work."""
    if not rows:
        return []
    statement = (insert(session, table).on_conflict_do_nothing(index_elements=conflict)
                 .returning(*returning))
    connection = await session.connection()
    result = await connection.execute(statement, list(rows))
    return [tuple(row) for row in result.all()]
