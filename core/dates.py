"""Reading the dates people type, e.g. `pause until 24 Dec`."""

from __future__ import annotations

import re
from datetime import date, datetime

_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d.%m.%Y")
_NO_YEAR = ("%d %b", "%d %B", "%b %d", "%B %d")


def parse_date(text: str, today: date) -> date | None:
    """A date on or after today; without a year, the next such day. None when unreadable."""
    words = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().replace(",", " "))
    words = " ".join(words.split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(words, fmt).date()
        except ValueError:
            continue
    for fmt in _NO_YEAR:
        try:
            parsed = datetime.strptime(f"{words} {today.year}", f"{fmt} %Y").date()
        except ValueError:
            continue
        return parsed if parsed >= today else parsed.replace(year=today.year + 1)
    return None


def friendly(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def day_month(day: date) -> str:
    """'28 Dec': how a poll round is named to people."""
    return f"{day.day} {day:%b}"
