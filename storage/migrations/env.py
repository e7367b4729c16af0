"""Alembic environment: run by storage.migrate with the connection URL passed in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _include(_object: object, _name: str | None, kind: str, reflected: bool,
             compare_to: object | None) -> bool:
    """Never propose dropping a table this metadata does not know: some tables are defined by
    the package that owns them (adapters/web/tables.py: web_chat_person), not storage.models."""
    return not (kind == "table" and reflected and compare_to is None)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
