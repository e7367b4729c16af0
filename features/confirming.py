"""Asking before acting: what a confirmation button carries and how long it counts.

A destructive command (closing a cohort, an announcement to everyone, ending a pairing) first
says what will happen, with a button that acts and one that cancels. The acting button carries
what the person was shown (the counts, the text, the reason), so a press acts on exactly that
or, when the program moved on since, asks again with the new figures. Pressing twice, or
after the confirmation expired, answers and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.text import whole_number

VALID_FOR = timedelta(hours=24)
_EPOCH_MAX = 2**40  # seconds: far beyond any date the program will see


def stamp(now: datetime) -> str:
    """When a confirmation was asked, for its button's value."""
    return str(int(now.timestamp()))


def expired(stamp_text: str, now: datetime) -> bool:
    """True when the confirmation is older than VALID_FOR, or its stamp is not one we made."""
    seconds = whole_number(stamp_text, _EPOCH_MAX)
    if seconds is None:
        return True
    asked = datetime.fromtimestamp(seconds, tz=now.tzinfo)
    return not (asked - timedelta(minutes=5) <= now <= asked + VALID_FOR)


def numbers(value: str, count: int) -> tuple[int, ...] | None:
    """`count` whole numbers (0 allowed) joined by ':' in a button value, or None."""
    parts = value.split(":")
    if len(parts) != count or not all(p.isascii() and p.isdigit() and len(p) <= 12
                                      for p in parts):
        return None
    return tuple(int(p) for p in parts)


def expired_text(command: str) -> str:
    return (f"That confirmation has expired (they last a day), so nothing changed. "
            f"Type `{command}` to start again.")
