"""Taking PostgreSQL away from a running service, the two ways it happens in production.

`Outage`: the service reaches PostgreSQL through a TCP hop that can be cut (every connection
reset, the port closed, as when the server or the network goes) and restored.

`MidTransaction`: a second connection locks a table, so the service's transaction stops at a
known point (after it has written something) and waits; the test then terminates the service's
backends with pg_terminate_backend, as a crash or failover does, and releases the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from sqlalchemy.engine import make_url

WAIT_SECONDS = 10.0


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def through(url: str, port: int) -> str:
    """The same database, reached at 127.0.0.1:`port` (the outage's hop)."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


class Outage:
    def __init__(self, url: str) -> None:
        target = make_url(url)
        self._target = (target.host or "127.0.0.1", target.port or 5432)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def _serve(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _link(self, client_reader: asyncio.StreamReader,
                    client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
        except OSError:
            client_writer.transport.abort()
            return
        self._links |= {client_writer, server_writer}
        await asyncio.gather(self._pipe(client_reader, server_writer),
                             self._pipe(server_reader, client_writer))
        self._links -= {client_writer, server_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()

    async def cut(self) -> None:
        """Every open connection reset and the port closed: new connections are refused."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        await asyncio.sleep(0.05)  # let the resets reach both ends

    async def restore(self) -> None:
        await self._serve()


@asynccontextmanager
async def outage(url: str) -> AsyncIterator[Outage]:
    hop = Outage(url)
    await hop.restore()
    try:
        yield hop
    finally:
        await hop.cut()


class MidTransaction:
    def __init__(self, holder: psycopg.AsyncConnection, watcher: psycopg.AsyncConnection) -> None:
        self._holder, self._watcher = holder, watcher

    async def waiting_backend(self) -> int:
        """The pid of the service backend stopped at the lock (its transaction is open)."""
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                cursor = await self._watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
                row = await cursor.fetchone()
                if row is not None:
                    return int(row[0])
                await asyncio.sleep(0.02)

    async def terminate_service(self) -> int:
        """Wait for the service to stop at the lock, then terminate every backend it has in
        this database (the waiting one and its idle pooled ones); returns how many."""
        await self.waiting_backend()
        holder = self._holder.info.backend_pid
        cursor = await self._watcher.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
            (holder,))
        row = await cursor.fetchone()
        return int(row[0]) if row else 0


@asynccontextmanager
async def stopped_at(url: str, table: str) -> AsyncIterator[MidTransaction]:
    """Until the block ends, anything touching `table` waits; the lock goes at the end."""
    holder = await psycopg.AsyncConnection.connect(_conninfo(url))
    watcher = await psycopg.AsyncConnection.connect(_conninfo(url), autocommit=True)
    try:
        await holder.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield MidTransaction(holder, watcher)
    finally:
        await holder.rollback()
        await holder.close()
        await watcher.close()
