"""Every outbox key, written once. A key names one logical message: queuing it twice is a no-op,
so each key says exactly what makes that message unique (the pair and week of a prompt, the
round and person of a waitlist note)."""

from __future__ import annotations

import hashlib
from datetime import date

from core.events import Address


def intro(pair_id: int) -> str:
    return f"intro:{pair_id}"


def agreed(pair_id: int) -> str:
    return f"agreed:{pair_id}"


def waitlist(round_id: int, person_id: int) -> str:
    return f"waitlist:{round_id}:{person_id}"


def round_preview(run_id: int) -> str:
    """The preview (or the news that nobody could be matched) of one `admin match` run."""
    return f"round-preview:{run_id}"


def round_stopped(run_id: int) -> str:
    """One `admin match` run that stopped before its preview: a crash, or a stopped process."""
    return f"round-stopped:{run_id}"


def unpaired(pair_id: int, person_id: int) -> str:
    return f"unpaired:{pair_id}:{person_id}"


def ended(pair_id: int, person_id: int) -> str:
    return f"ended:{pair_id}:{person_id}"


def ended_notice(pair_id: int) -> str:
    return f"ended-admin:{pair_id}"


def export(token: str) -> str:
    return f"export:{token}"


def report(request_id: int) -> str:
    """An admin's leadership report: one per request, as each gets its own download."""
    return f"report:{request_id}"


def closing(cohort_id: int, person_id: int) -> str:
    return f"closing:{cohort_id}:{person_id}"


def announcement(announcement_id: int, person_id: int) -> str:
    return f"announce:{announcement_id}:{person_id}"


def admin_note(pair_id: int, event_id: str) -> str:
    return f"note:{pair_id}:{event_id}"


def pulse(poll_id: int, person_id: int) -> str:
    return f"pulse:{poll_id}:{person_id}"


def check_in(pair_id: int, poll_id: int) -> str:
    """A pair's request for a check-in from the program team: keyed by the pair, never by who
    of the two asked, and once per poll round however often they ask."""
    return f"check-in:{pair_id}:{poll_id}"


def nudge(pair_id: int, last_active: date, number: int) -> str:
    return f"nudge:{pair_id}:{last_active.isoformat()}:{number}"


def at_risk(pair_id: int, day: date) -> str:
    return f"at-risk:{pair_id}:{day.isoformat()}"


def signup_reminder(person_id: int, number: int) -> str:
    return f"signup-reminder:{person_id}:{number}"


def signup(event_id: str) -> str:
    return f"signup:{event_id}"


def prompt(pair_id: int, week: str, slot: int = 0) -> str:
    return f"prompt:{pair_id}:{week}" + (f":{slot}" if slot else "")


def match_request(request_id: int) -> str:
    return f"request:{request_id}"


def request_closed(request_id: int) -> str:
    """The mentee hears once that a request did not work out, whether declined or expired."""
    return f"request-closed:{request_id}"


def suggest_nudge(person_id: int, waiting_since: date) -> str:
    return f"suggest-nudge:{person_id}:{waiting_since.isoformat()}"


def still_interested(person_id: int, waiting_since: date) -> str:
    """The one "still interested?" of a person's spell of waiting for a match."""
    return f"still-interested:{person_id}:{waiting_since.isoformat()}"


def match_help(person_id: int, day: date) -> str:
    return f"match-help:{person_id}:{day.isoformat()}"


def for_admin(key: str, admin: Address) -> str:
    """The copy of a program-team notice for one admin."""
    return f"{key}:{admin.platform}:{admin.tenant_id}:{admin.user_id}"


def _per_person(kind: str, person: Address) -> str:
    key = f"{kind}:{person.platform}:{person.tenant_id}:{person.user_id}"
    if len(key) > 250:  # the outbox key column; platform ids are far shorter in practice
        digest = hashlib.sha256(key.encode()).hexdigest()
        key = f"{kind}:{person.platform}:sha256:{digest}"
    return key


def welcome(person: Address) -> str:
    """Once per person and platform, however often the app is installed or its events repeat."""
    return _per_person("welcome", person)


HOME = "home"


def home(person: Address) -> str:
    """A person's Home view (Slack's App Home tab): one row per person, re-armed after each
    change rather than queued anew, so ten changes in a minute publish it once or twice."""
    return _per_person(HOME, person)


def is_home(key: str) -> bool:
    return key.startswith(f"{HOME}:")


def kickoff_proposal(pair_id: int, version: int) -> str:
    return f"kickoff:{pair_id}:{version}"


def kickoff_agreed(pair_id: int) -> str:
    return f"kickoff-agreed:{pair_id}"


def agreement_reminder(pair_id: int, stage: str, person_id: int, number: int) -> str:
    """`stage` is the introduction or the kick-off: each has its own reminders."""
    return f"agree-reminder:{pair_id}:{stage}:{person_id}:{number}"


def agreement_stalled(pair_id: int, stage: str) -> str:
    return f"agree-stalled:{pair_id}:{stage}"


def milestone(pair_id: int, name: str) -> str:
    """A pair's milestone message: the mid-point or closing agenda, a role guide."""
    return f"milestone:{pair_id}:{name}"


def checkin(pair_id: int, stage: str, person_id: int) -> str:
    return f"checkin:{pair_id}:{stage}:{person_id}"


def farewell(pair_id: int, person_id: int) -> str:
    return f"farewell:{pair_id}:{person_id}"


def meeting_proposal(meeting_id: int) -> str:
    return f"meeting-proposal:{meeting_id}"


def meeting_invite(meeting_id: int, person_id: int) -> str:
    return f"meeting-invite:{meeting_id}:{person_id}"


def meeting_reminder(meeting_id: int, person_id: int) -> str:
    return f"meeting-reminder:{meeting_id}:{person_id}"


def meeting_check(meeting_id: int, person_id: int) -> str:
    """"Did you meet?" after a booked slot."""
    return f"meeting-check:{meeting_id}:{person_id}"


def cohort_ending(cohort_id: int) -> str:
    return f"cohort-ending:{cohort_id}"


def cohort_closed(cohort_id: int) -> str:
    return f"cohort-closed:{cohort_id}"
