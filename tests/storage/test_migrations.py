"""Migrations create the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.database import driver_urls
from storage.migrate import current_revision, head_revision, upgrade


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(driver_urls(database_url)[0])
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    assert current_revision(database_url) == head_revision(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision(database_url)
