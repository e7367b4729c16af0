"""Local time arithmetic for scheduled messages: people get them in their own morning."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@lru_cache(maxsize=1024)
def zone(name: str | None) -> ZoneInfo:
    # Cached: jobs ask for a zone several times per person, 200,000 times a run at scale.
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_moment(now: datetime, tz: str | None, weekday: str, at: time) -> tuple[str, datetime]:
    """This local week's ISO label and the UTC instant of `weekday` `at` in that week."""
    local = now.astimezone(zone(tz))
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=WEEKDAYS.index(weekday))
    moment = datetime.combine(day, at, tzinfo=zone(tz))
    return iso_week(local.date()), moment.astimezone(now.tzinfo)


def local_date(now: datetime, tz: str | None) -> date:
    return now.astimezone(zone(tz)).date()


def first_moment_day(start: datetime, tz: str | None, weekday: str, at: time) -> date:
    """The local date of the first `weekday` `at` on or after `start`: a pair's first prompt."""
    local = start.astimezone(zone(tz))
    day = local.date() - timedelta(days=local.weekday()) + timedelta(days=WEEKDAYS.index(weekday))
    if datetime.combine(day, at, tzinfo=zone(tz)) < start:
        day += timedelta(days=7)
    return day


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")
