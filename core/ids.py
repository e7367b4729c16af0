"""Ids that arrive in button values and form contexts: people can replay or edit those."""

from __future__ import annotations

MAX_ID = 2**31 - 1  # the databases' integer primary keys


def parse_id(value: str) -> int | None:
    """The id in `value`, or None when it cannot name a row (not digits, zero, too large)."""
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
