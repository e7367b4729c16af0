"""Three meeting times inside both people's working hours, each on a weekday of theirs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from core.calendar import zone

STEP = timedelta(minutes=30)
SEARCH = timedelta(days=14)


def inside(start: datetime, minutes: int, tz: str | None, opens: time, closes: time) -> bool:
    """True when the whole meeting falls in the person's working hours on a weekday."""
    local, end = start.astimezone(zone(tz)), (start + timedelta(minutes=minutes)).astimezone(zone(tz))
    return (local.weekday() < 5 and local.date() == end.date()
            and opens <= local.time() and end.time() <= closes)


def find_slots(now: datetime, zones: Sequence[str | None], opens: time, closes: time,
               minutes: int, count: int = 3, earliest: datetime | None = None) -> list[datetime]:
    """The earliest fitting start of each day from tomorrow (or from `earliest`, when the
    pair's rhythm puts the next meeting later), for up to `count` days."""
    start = max(now + timedelta(days=1), earliest or now)
    day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    found: list[datetime] = []
    while day < start + SEARCH and len(found) < count:
        moment = day
        while moment < day + timedelta(days=1):
            if all(inside(moment, minutes, tz, opens, closes) for tz in zones):
                found.append(moment)
                break
            moment += STEP
        day += timedelta(days=1)
    return found


def spoken(moment: datetime, tz: str | None) -> str:
    """A start time as its reader says it: 'Tue 1 Dec, 10:00'."""
    local = moment.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
