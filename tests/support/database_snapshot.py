"""Every row of every table (reflected from the database itself), to show what a request
changed: rows that appeared, went or changed, by table."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Connection

from storage.database import Database

Rows = dict[str, set[tuple[tuple[str, str], ...]]]

# Bookkeeping every request writes, whoever sends it: which event was handled (so a retry is
# not handled twice) and which job ran when. Not anyone's state.
BOOKKEEPING = frozenset({"processedevent", "processed_event", "alembic_version"})


def _rows(connection: Connection) -> Rows:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return {table.name: {tuple(sorted((k, repr(v)) for k, v in row.items()))
                         for row in connection.execute(select(table)).mappings()}
            for table in metadata.sorted_tables if table.name not in BOOKKEEPING}


async def snapshot(database: Database) -> Rows:
    async with database.engine.connect() as connection:
        return await connection.run_sync(_rows)


def changed_rows(before: Rows, after: Rows, ignore: Iterable[str] = ()) -> dict[str, list[str]]:
    """Table → rows added or removed between two snapshots, leaving out rows that mention any
    of `ignore` (the outsiders' own ids: their own replies and records are theirs)."""
    needles = tuple(ignore)
    changed: dict[str, list[str]] = {}
    for table in sorted(set(before) | set(after)):
        diff = before.get(table, set()) ^ after.get(table, set())
        rows = [str(dict(r)) for r in diff if not any(n in str(r) for n in needles)]
        if rows:
            changed[table] = sorted(rows)
    return changed
