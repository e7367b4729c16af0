"""The calendar invitation of a booked meeting: an .ics file made with `icalendar`, in the
reader's own timezone, with the way to meet and the agenda of the moment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from core.calendar import zone


def ics(meeting_id: int, starts_at: datetime, minutes: int, tz: str | None, title: str,
        description: str, attendees: Sequence[tuple[str, str | None]], now: datetime) -> bytes:
    """`attendees` are (name, email); without an email the address is a placeholder, since
    calendars want one and the bot knows no other."""
    calendar = Calendar()
    calendar.add("prodid", "-//Turnabout//Reverse mentoring//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"turnabout-meeting-{meeting_id}")
    event.add("dtstamp", now)
    local = starts_at.astimezone(zone(tz))
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(minutes=minutes))
    event.add("summary", title)
    event.add("description", description)
    for name, email in attendees:
        address = vCalAddress(f"mailto:{email or 'participant@turnabout.invalid'}")
        address.params["cn"] = vText(name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
