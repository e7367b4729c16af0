"""Column shapes the tables share."""

from __future__ import annotations

from sqlalchemy import Column

from storage.types import UTCDateTime


def when(nullable: bool = False, index: bool = False) -> Column:  # type: ignore[type-arg]
    """A UTC timestamp column."""
    return Column(UTCDateTime(), nullable=nullable, index=index)
