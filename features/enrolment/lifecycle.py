"""A person's statuses and every transition between them, in one place.

visitor ──join──▶ pending ──survey──▶ active ◀──resume── paused
   left ──join──▶ pending              active ──pause──▶ paused
   any member ──leave──▶ left
"""

from __future__ import annotations

from datetime import date, datetime

from storage.models import Person, Status

MEMBERS = (Status.ACTIVE, Status.PAUSED)  # in the program: matched, prompted, nudged


def start_signup(person: Person, now: datetime) -> None:
    """`join` from someone the bot knows but who is not (or no longer) in the program."""
    if person.status in (Status.LEFT, Status.VISITOR):
        person.status, person.left_at, person.updated_at = Status.PENDING, None, now


def activate(person: Person, now: datetime) -> bool:
    """A finished survey; True when the person was already in (an update, not a join)."""
    was_member = person.status in MEMBERS
    if not was_member:
        person.status, person.left_at = Status.ACTIVE, None
    person.updated_at = now
    return was_member


def pause(person: Person, until: date | None, now: datetime) -> None:
    person.status, person.paused_until, person.updated_at = Status.PAUSED, until, now


def resume(person: Person, now: datetime) -> None:
    person.status, person.paused_until, person.updated_at = Status.ACTIVE, None, now


def pause_is_over(person: Person, today: date) -> bool:
    return (person.status == Status.PAUSED and person.paused_until is not None
            and person.paused_until <= today)


def leave(person: Person, now: datetime) -> None:
    person.status, person.left_at, person.paused_until, person.updated_at = (
        Status.LEFT, now, None, now)
