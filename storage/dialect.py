"""The few places SQLite and PostgreSQL need different SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT DO NOTHING on either database."""
    return (postgresql.insert if is_postgres(session) else sqlite.insert)(table)
