"""The meeting rhythms a pair can agree on, and how far apart their meetings fall."""

from __future__ import annotations

RHYTHMS = {"weekly": "Every week", "fortnightly": "Every two weeks", "monthly": "Once a month"}
RHYTHM_WEEKS = {"weekly": 1, "fortnightly": 2, "monthly": 4}


def interval_weeks(rhythm: str) -> int:
    return RHYTHM_WEEKS.get(rhythm, 1)
