"""The few places SQLite and PostgreSQL need different SQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import Integer, Table, any_, bindparam, literal, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlmodel.ext.asyncio.session import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT DO NOTHING on either database."""
    return (postgresql.insert if is_postgres(session) else sqlite.insert)(table)


def among(session: AsyncSession, column: Any, ids: Sequence[int]) -> Any:
    """`column IN ids` for a page of ids. On PostgreSQL as `= ANY(array)`: one parameter,
    where a thousand placeholders cost the driver more to parse than the query costs to run."""
    if is_postgres(session):
        return column == any_(literal(list(ids), postgresql.ARRAY(Integer)))
    return column.in_(list(ids))


async def rows(session: AsyncSession, statement: Any) -> Any:
    """A select of plain columns run on the session's connection, in its transaction, without
    the ORM's result machinery (a job reads a hundred thousand rows a run: the ORM path costs
    several times the database's own work). The columns' types still convert the values."""
    return await (await session.connection()).execute(statement)


async def insert_new(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]],
                     returning: Sequence[Any], conflict: Sequence[str] | None = None,
                     ) -> list[tuple[Any, ...]]:
    """INSERT many rows in the session's transaction, skipping those that conflict (on
    `conflict`'s unique columns, or any unique key); `returning` of the rows inserted.

    Statements stay small whatever the number of rows: a `.values([...])` of a thousand rows
    is compiled afresh by SQLAlchemy and parsed afresh by the driver each time, which costs
    far more than the database's own work. On PostgreSQL the rows travel as one JSON
    parameter (INSERT … SELECT FROM json_populate_recordset(…)); on SQLite as one statement
    with many parameters, which SQLAlchemy compiles once and sends in batches."""
    if not rows:
        return []
    connection = await session.connection()
    if is_postgres(session):
        statement, parameters = _recordset(table.__table__, rows, returning, conflict,
                                           connection.dialect)
        result = await connection.execute(statement, parameters)
    else:
        result = await connection.execute(
            insert(session, table).on_conflict_do_nothing(index_elements=conflict)
            .returning(*returning), list(rows))
    return [tuple(row) for row in result.all()]


async def upsert_postgres(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]],
                          returning: Sequence[Any], conflict: Sequence[str], action: str,
                          **binds: tuple[Any, Any]) -> list[tuple[Any, ...]]:
    """`insert_new`'s one JSON parameter on PostgreSQL with `ON CONFLICT (…) <action>` (a
    DO UPDATE … WHERE …); `binds` name the action's parameters as (value, type). With no
    `returning`, nothing comes back (a job's 2,000 Home rows a page need no ids)."""
    if not rows:
        return []
    connection = await session.connection()
    statement, parameters = _recordset(table.__table__, rows, returning, conflict,
                                       connection.dialect, action)
    statement = statement.bindparams(*(bindparam(name, value, type_=kind)
                                       for name, (value, kind) in binds.items()))
    result = await connection.execute(statement, parameters)
    return [tuple(row) for row in result.all()] if returning else []


def _recordset(table: Table, rows: Sequence[dict[str, Any]], returning: Sequence[Any],
               conflict: Sequence[str] | None, dialect: Dialect,
               action: str = "DO NOTHING") -> tuple[Any, dict[str, Any]]:
    """The rows as one JSON parameter, read back with the table's own row type: a string the
    driver sends as it is (arrays of strings it would have to escape, character by character).

    The JSON is assembled from each column's encoded values, each distinct value encoded
    once: a page's rows mostly repeat a few (the job's `now`, a message shared by everyone
    it goes to), and a long payload escaped once instead of once per row."""
    names = list(rows[0])
    encoders = [(json.dumps(name) + ":", name,
                 _encoder(table.c[name].type.bind_processor(dialect))) for name in names]
    encoded = ",".join(
        "{" + ",".join([head + encode(row[name]) for head, name, encode in encoders]) + "}"
        for row in rows)
    columns = ", ".join(names)
    target = f" ({', '.join(conflict)})" if conflict else ""
    statement = text(
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
        f"FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json)) "
        f"ON CONFLICT{target} {action}"
        + (f" RETURNING {', '.join(column.name for column in returning)}" if returning else ""))
    return statement, {"rows": f"[{encoded}]"}


def _encoder(convert: Callable[[Any], Any] | None) -> Callable[[Any], str]:
    """A column's values as JSON text, through its bind conversion, once per distinct value."""
    seen: dict[Any, str] = {}

    def dump(value: Any) -> str:
        value = _json_value(convert(value) if convert else value)
        # A string (most values: keys, payloads) straight through the encoder's C escaping,
        # without json.dumps' setup per call; the same text json.dumps gives.
        return encode_basestring(value) if type(value) is str else json.dumps(
            value, ensure_ascii=False)

    def encode(value: Any) -> str:
        key = value if type(value) is str else (type(value), value)  # True is not 1 here
        try:
            return seen[key]
        except KeyError:
            pass
        except TypeError:  # not hashable: encoded every time
            return dump(value)
        found = seen[key] = dump(value)
        return found
    return encode


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # datetime is a date
