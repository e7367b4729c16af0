"""Looking for strings anywhere in the live database: every column of every table, reflected
from the database itself (so a table added later is scanned without anyone listing it here).
Binary values are read as text and, when they are zip archives (export files), file by file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Connection

from storage.database import Database


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    needle: str


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        found = [value.decode("utf-8", "replace")]
        if zipfile.is_zipfile(io.BytesIO(value)):
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                found += [archive.read(name).decode("utf-8", "replace")
                          for name in archive.namelist()]
        return found
    return [str(value)]


def _scan(connection: Connection, needles: tuple[str, ...]) -> list[Hit]:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    hits = []
    for table in metadata.sorted_tables:
        for row in connection.execute(select(table)).mappings():
            for column, value in row.items():
                for text in _texts(value):
                    hits += [Hit(table.name, column, n) for n in needles if n in text]
    return sorted(set(hits), key=lambda h: (h.table, h.column, h.needle))


async def tables(database: Database) -> list[str]:
    def names(connection: Connection) -> list[str]:
        metadata = MetaData()
        metadata.reflect(bind=connection)
        return sorted(metadata.tables)

    async with database.engine.connect() as connection:
        return await connection.run_sync(names)


async def find_anywhere(database: Database, needles: Iterable[str]) -> list[Hit]:
    """Every table and column holding one of `needles`, after whatever has committed."""
    wanted = tuple(needles)
    async with database.engine.connect() as connection:
        return await connection.run_sync(lambda sync: _scan(sync, wanted))
