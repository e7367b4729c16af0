"""Forgetting a person in the tables every platform shares. Platform tables (the web chat's
inboxes, Slack's group-DM cache) are erased by their adapters' erasers, in the same
transaction; this module is the part that knows the neutral schema.

What stays is anonymous: the person's row (id, platform, role, status, dates) so enrolment
counts stay true, their poll scores inside the aggregates, their pairs' dates and statuses.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import exports, grants, references, teams, traces
from storage.models import (
    Announcement,
    ClosingAnswer,
    HrRecord,
    MatchExclusion,
    MatchRound,
    Meeting,
    Pair,
    Person,
    PersonTopic,
    PulseAnswer,
    SurveyAnswers,
    WaitlistEntry,
)
from storage.outbox.redaction import redact_for_person

# Everything on the person's row that says who they are or what they answered.
PERSONAL_FIELDS = ("directory_id", "display_name", "email", "timezone", "department", "team",
                   "team_id", "seniority", "paused_until")


@dataclass(frozen=True)
class Traces:
    """What of the person other rows may have copied: `names` (display name, email, directory
    id) and `texts`, their own words (goals, meeting notes, comments, end reasons)."""

    names: tuple[str, ...]
    texts: tuple[str, ...]


async def traces_of(session: AsyncSession, person: Person) -> Traces:
    assert person.id is not None
    pid = person.id
    texts: list[str | None] = []
    answers = await session.get(SurveyAnswers, pid)
    texts.append(answers.goals if answers else None)
    texts += (await session.exec(select(Meeting.note).where(Meeting.reported_by == pid))).all()
    texts += (await session.exec(select(PulseAnswer.comment).where(
        col(PulseAnswer.person_id) == pid))).all()
    for learned, taught in await session.exec(select(ClosingAnswer.learned, ClosingAnswer.taught)
                                              .where(col(ClosingAnswer.person_id) == pid)):
        texts += (learned, taught)
    texts += (await session.exec(select(Pair.end_reason).where(Pair.ended_by == pid))).all()
    names = (person.display_name, person.email, person.directory_id)
    return Traces(_unique(names), _unique(texts))


def _unique(values: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


async def forget_person(
    session: AsyncSession, person: Person, *, words: Sequence[str],
    replacement: dict[str, Any], kept_reasons: Collection[str], now: datetime,
) -> None:
    """`words` are the traces to look for in copies (see Traces), `replacement` the payload of a
    message that named the person, `kept_reasons` the end reasons that are labels, not words.
    Their status is the caller's (features/enrolment/lifecycle): this erases, it does not leave."""
    assert person.id is not None
    pid, platform, tenant_id, user_id = person.id, person.platform, person.tenant_id, person.user_id
    await references.forget_reference(session, platform, tenant_id, user_id)
    await redact_for_person(session, platform, tenant_id, user_id, words, replacement)
    # Admin rights granted in chat go with the data; app.yaml's list is the operator's.
    await grants.revoke(session, platform, tenant_id, user_id)
    await _forget_hr_record(session, person)
    await teams.forget_avoids(session, pid)
    await exports.forget_made_since(session, person.created_at, now)
    await _forget_own_words(session, pid)
    await _forget_in_pairs(session, pid, words, kept_reasons)
    await _forget_in_rounds(session, pid)
    await _redact_announcements(session, words, str(replacement.get("text", "")))
    await session.exec(delete(WaitlistEntry).where(col(WaitlistEntry.person_id) == pid))  # type: ignore[call-overload]
    await session.exec(delete(PersonTopic).where(col(PersonTopic.person_id) == pid))  # type: ignore[call-overload]
    await session.exec(delete(SurveyAnswers).where(col(SurveyAnswers.person_id) == pid))  # type: ignore[call-overload]
    person.user_id, person.tenant_id = f"deleted-{pid}", ""
    for attribute in PERSONAL_FIELDS:
        setattr(person, attribute, None)
    person.data_deleted, person.updated_at = True, now
    session.add(person)
    await session.flush()
    await teams.forget_unused(session)


async def _forget_hr_record(session: AsyncSession, person: Person) -> None:
    matches = [col(HrRecord.platform_user_id) == person.user_id]
    if person.email:
        matches.append(func.lower(col(HrRecord.email)) == person.email.lower())
    await session.exec(delete(HrRecord).where(or_(*matches)))  # type: ignore[call-overload]
    # Their reports' rows name them as manager.
    managed = [col(HrRecord.manager) == person.user_id]
    if person.email:
        managed.append(func.lower(col(HrRecord.manager)) == person.email.lower())
    await session.exec(update(HrRecord).where(or_(*managed)).values(manager=None))  # type: ignore[call-overload]


async def _forget_own_words(session: AsyncSession, pid: int) -> None:
    """Their own words go; their scores stay, anonymous, inside the aggregates."""
    await session.exec(update(PulseAnswer).where(col(PulseAnswer.person_id) == pid)  # type: ignore[call-overload]
                       .values(comment=None, share_comment=False))
    await session.exec(update(ClosingAnswer).where(col(ClosingAnswer.person_id) == pid)  # type: ignore[call-overload]
                       .values(learned=None, taught=None, share_text=False))
    await session.exec(update(Meeting).where(col(Meeting.reported_by) == pid)  # type: ignore[call-overload]
                       .values(note=None))


async def _forget_in_pairs(session: AsyncSession, pid: int, words: Sequence[str],
                           kept_reasons: Collection[str]) -> None:
    """Their pairs keep dates and statuses. Why they fitted (their topics) goes, and so does any
    text a person wrote or that names them: a partner's note about a meeting with them, an
    end reason, an at-risk reason naming them."""
    theirs = or_(col(Pair.mentor_id) == pid, col(Pair.mentee_id) == pid)
    for pair in (await session.exec(select(Pair).where(theirs))).all():
        pair.reasons = "[]"
        if pair.end_reason is not None and pair.end_reason not in kept_reasons:
            pair.end_reason = None
        if traces.mentions(pair.at_risk_reason, words):
            pair.at_risk_reason = None
        session.add(pair)
    notes = await session.exec(select(Meeting).where(
        col(Meeting.pair_id).in_(select(Pair.id).where(theirs)), col(Meeting.note).is_not(None)))
    for meeting in notes.all():
        if traces.mentions(meeting.note, words):
            meeting.note = None
            session.add(meeting)
    await session.exec(update(MatchExclusion).where(  # type: ignore[call-overload]
        or_(col(MatchExclusion.mentor_id) == pid, col(MatchExclusion.mentee_id) == pid))
        .values(reason=""))


async def _forget_in_rounds(session: AsyncSession, pid: int) -> None:
    """A round's proposal keeps who was proposed with whom, by id; not why."""
    proposal_text = col(MatchRound.proposal)
    naming = or_(*(proposal_text.contains(f'"{field}": {pid},')
                   for field in ("mentor", "mentee", "person")))  # as json.dumps writes them
    for round_ in (await session.exec(select(MatchRound).where(naming))).all():
        proposal = json.loads(round_.proposal)
        changed = False
        for pair in proposal.get("pairs", []):
            if pid in (pair.get("mentor"), pair.get("mentee")) and pair.get("reasons"):
                pair["reasons"], changed = [], True
        for entry in proposal.get("waitlist", []):
            if entry.get("person") == pid and entry.get("reason"):
                entry["reason"], changed = "", True
        if changed:
            round_.proposal = json.dumps(proposal)
            session.add(round_)


async def _redact_announcements(session: AsyncSession, words: Sequence[str], text: str) -> None:
    """An announcement that named them (“congratulations to …”) keeps its count, not its words."""
    found = await session.exec(select(Announcement).where(
        traces.contains_any(col(Announcement.text), words)))
    for announcement in found.all():
        if traces.mentions(announcement.text, words):
            announcement.text = text
            session.add(announcement)
