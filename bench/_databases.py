"""Fresh databases for the benchmarks: a SQLite file, or a private PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def database(kind: str, directory: Path, name: str = "bench") -> Iterator[str]:
    """A fresh, empty database URL: `{name}.db` in `directory`, or a private PostgreSQL
    database created for this run and dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'{name}.db'}"
        return
    admin = create_engine(make_url(POSTGRES_SERVER).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    private = f"turnabout_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{private}"'))
    try:
        yield make_url(POSTGRES_SERVER).set(database=private).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{private}" WITH (FORCE)'))
        admin.dispose()
