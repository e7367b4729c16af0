"""SQLAlchemy's aiosqlite dialect, with one trip to the connection's thread per statement.

aiosqlite runs each sqlite3 call on a thread of its own and hands the result back to the
event loop. SQLAlchemy's adapter makes four such calls for a SELECT (open a cursor, execute,
fetch every row, close) and three for a write. A hop costs far more than the statement: a
queue put, a thread wake-up, the GIL, a wake-up of the loop. A `status` made about 40 of them
and the loop sat idle in between. This cursor does the four in one call on that thread, so a
statement is one hop. Everything else (the thread, transactions, errors) is aiosqlite's.

Registered as the `sqlite+turnabout` driver: storage/database.py asks for it by name.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

NAME = "turnabout"  # sqlite+turnabout://


class _Finished:
    """What SQLAlchemy reads off a cursor after a statement ran (the cursor is closed)."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, description: Any = None, rowcount: int = -1,
                 lastrowid: int | None = None) -> None:
        self.description = description
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.arraysize = 1

    def close(self) -> None:
        pass


def _run(connection: Any, operation: str, parameters: Any, many: bool) -> tuple[_Finished, list[Any]]:
    """On aiosqlite's thread: the whole statement, its rows included."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return _Finished(cursor.description, cursor.rowcount, cursor.lastrowid), rows
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    # Nothing to close on the loop's side: the sqlite3 cursor closed on the thread.
    _awaitable_cursor_close = False

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Finished()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return self._one_hop(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        return self._one_hop(operation, seq_of_parameters, many=True)

    def _one_hop(self, operation: Any, parameters: Any, *, many: bool) -> Any:
        try:
            finished, rows = await_(self._connection._execute(  # type: ignore[attr-defined]
                _run, self._connection._conn, operation, parameters, many))  # type: ignore[attr-defined]
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._cursor = finished  # type: ignore[assignment]
        self._rows = collections.deque(rows)
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = NAME
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:  # type: ignore[override]
        return OneHopDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{NAME}", __name__, "OneHopDialect")
