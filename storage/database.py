"""One database through SQLModel: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import sqlite_driver

DEFAULT_URL = "sqlite:///turnabout.db"
WRITERS = 10  # inbound transactions at once on PostgreSQL; SQLAlchemy's pool holds 5 + 10


class DatabaseUrlError(ValueError):
    pass


def driver_urls(url: str) -> tuple[str, str]:
    """The (sync, async) SQLAlchemy URLs for a user-facing database URL."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUrlError(f"'{url}' is not a database URL") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return (
            parsed.set(drivername="sqlite").render_as_string(hide_password=False),
            parsed.set(drivername=f"sqlite+{sqlite_driver.NAME}")
            .render_as_string(hide_password=False),
        )
    if backend == "postgresql":
        both = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return both, both
    raise DatabaseUrlError(f"'{backend}' databases are not supported; use sqlite or postgresql")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the process
    # loses nothing, a power cut may lose the last commits but never corrupts the file.
    # FULL cost an fsync per inbound event, each one behind SQLite's single writer.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    def __init__(self, url: str = DEFAULT_URL, *, echo: bool = False,
                 application_name: str | None = None) -> None:
        self.url = url
        self.sync_url, self.async_url = driver_urls(url)
        # On PostgreSQL, who a server backend works for (pg_stat_activity, the server's logs).
        named = {"application_name": application_name} if application_name else {}
        self.engine: AsyncEngine = create_async_engine(
            self.async_url, echo=echo, connect_args=named if self.is_postgres else {})
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._writers: asyncio.Semaphore | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.sync_url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.sync_url.startswith("postgresql")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on any error."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        """Around an inbound event's transaction: they queue here, in order, rather than in
        the database or its connection pool.

        SQLite has one writer at a time. Contending connections do not queue for it: they
        poll, sleeping up to 100 ms between tries (its busy handler), or fail at once with
        "database is locked" when a deferred transaction that read first must upgrade. Under
        a flood of commands that left the process idle while requests waited for seconds, and
        failed some. On PostgreSQL a flood past the pool's size waited for a connection until
        the pool's 30 s timeout failed it. So: one at a time on SQLite, WRITERS at a time on
        PostgreSQL (the pool keeps room for delivery and jobs). Never nest it."""
        if self._writers is None:
            self._writers = asyncio.Semaphore(1 if self.is_sqlite else WRITERS)
        async with self._writers:
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()
