"""Pulse polls every few weeks: short, confidential, seen by admins only in aggregate.

A poll round is one cycle for everyone, whatever their timezone: it takes answers for
`pulse.window_days`, then its results are released once (features.feedback.results). What one
person answers never flags their pair; only their own request for a check-in reaches admins.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core import keys
from core.calendar import local_date, week_moment, zone
from core.context import Context
from core.dates import day_month, friendly
from core.events import FormSubmission
from core.messages import Button, Choice, Form, FormField, Message, Response
from core.outgoing import Outgoing
from core.text import clean, length, parse_id
from features.engagement.prompts import address
from features.feedback import results
from features.people import name_of, notify_admins
from storage import engagement, flags, pairs, polls
from storage.models import Pair, Person, PollInvitation, PulseAnswer, PulsePoll

FORM_ID, OPEN = "pulse", "pulse.open"
EPOCH = date(2024, 1, 1)  # a Monday: polls fall on weeks whose index divides by every_weeks
MIN_PAIR_AGE = timedelta(days=14)
METS = polls.METS
ROLES = (Choice("yes", "Yes, the junior led"), Choice("sometimes", "Sometimes"),
         Choice("slipped", "We slipped into traditional roles"))
CLOSED = "That poll has closed. Thanks anyway!"


def poll_form(poll: PulsePoll, minimum: int, closes_on: date,
              values: dict[str, str | tuple[str, ...]] | None = None) -> Form:
    return Form(
        form_id=FORM_ID, title="Pulse poll", submit_label="Send", context=str(poll.id),
        open_action_id=OPEN,
        values=values or {},
        intro=(f"One minute, confidential. The program team sees totals over at least {minimum} "
               f"people once the poll closes ({friendly(closes_on)}), never your answers, and "
               "nothing you answer flags your pair."),
        fields=(
            FormField("value", "How valuable were your conversations lately?", "rating",
                      choices=tuple(Choice(str(n), str(n)) for n in range(1, 6)),
                      hint="1 = not at all, 5 = very"),
            FormField("met", "How often did you meet in the last four weeks?", "single_choice",
                      choices=tuple(Choice(m, m) for m in METS)),
            FormField("roles", "Did the roles stay reversed?", "single_choice", choices=ROLES),
            FormField("comment", "Anything to tell the program team?", "long_text",
                      required=False, max_length=1000,
                      hint="They read it only if you tick below: without your name, among "
                           "the comments of everyone who answered, after the poll closes."),
            FormField("share", "Sharing", "multi_choice", required=False,
                      choices=(Choice("share", "The program team may read my comment"),)),
            FormField("check_in", "Check-in", "multi_choice", required=False,
                      choices=(Choice("check_in", "I'd like the program team to check in with us"),),
                      hint="They'll see your two names and that one of you asked, "
                           "nothing else you answered here."),
        ),
    )


def _round_day(now: datetime, tz: str | None, ctx: Context) -> date | None:
    """The Monday of the person's local week, once their poll moment has come in a poll week.
    Worked out on the local date, so a cycle's round is the same day for everyone."""
    settings = ctx.program.prompts
    _, moment = week_moment(now, tz, settings.weekday, settings.local_time)
    day = moment.astimezone(zone(tz)).date()
    monday = day - timedelta(days=day.weekday())
    index = (monday - EPOCH).days // 7
    return monday if now >= moment and index % ctx.program.pulse.every_weeks == 0 else None


BATCH = 1000  # pairs per page, each page its own transaction


async def run(ctx: Context, batch: int = BATCH) -> int:
    """Release closed rounds, then invite everyone in a live pair (two weeks or older) once
    per round while it is open."""
    await results.release_due(ctx)
    await ctx.commit()
    rounds: dict[date, PulsePoll] = {}
    queued = 0
    async for page in engagement.pages(ctx.session, batch):
        queued += await _invite_page(ctx, page, rounds)
        await ctx.commit()
    return queued


async def _invite_page(ctx: Context, page: list[engagement.LivePair],
                       rounds: dict[date, PulsePoll]) -> int:
    now = ctx.now()
    due: dict[date, dict[int, tuple[engagement.Member, int | None]]] = {}
    days: dict[str | None, date | None] = {}  # one computation per timezone, not per person
    for pair in page:
        if now - pair.created_at < MIN_PAIR_AGE:
            continue
        for member in (pair.mentor, pair.mentee):
            tz = member.timezone
            if tz not in days:
                days[tz] = _round_day(now, tz, ctx)
            day = days[tz]
            if day is None:
                continue
            members = due.setdefault(day, {})
            # A mentor with several mentees counts for the cohort one of their pairs is in.
            if member.id not in members or members[member.id][1] is None:
                members[member.id] = (member, pair.cohort_id)
    # Their first pair in a cohort may be on another page.
    unplaced = [pid for members in due.values() for pid, (_, c) in members.items() if c is None]
    cohorts = await engagement.first_cohorts(ctx.session, unplaced, now - MIN_PAIR_AGE)
    window = timedelta(days=ctx.program.pulse.window_days)
    rows: list[Outgoing] = []
    for day, members in due.items():
        if day not in rounds:
            rounds[day] = await polls.round_starting(ctx.session, day, now, window)
        poll = rounds[day]
        if now >= poll.closes_at:
            continue  # too late for this round; the next one will ask
        assert poll.id is not None
        invited = await polls.invite(
            ctx.session, poll.id,
            [(pid, cohort if cohort is not None else cohorts.get(pid))
             for pid, (_, cohort) in members.items()], now)
        invitations: dict[str | None, Message] = {}  # one message object per timezone
        for person_id in invited:
            member = members[person_id][0]
            message = invitations.get(member.timezone)
            if message is None:
                message = invitations[member.timezone] = _invitation(poll, member.timezone)
            rows.append(Outgoing.dm(keys.pulse(poll.id, person_id), address(member), message))
    # A Home view shows nothing of polls: 50,000 invitations refresh no one's page.
    return await ctx.queue(*rows, changes_home=False)


def _invitation(poll: PulsePoll, tz: str | None) -> Message:
    closes = friendly(local_date(poll.closes_at, tz))
    return Message(
        title="Pulse poll: one minute",
        text=("How is your reverse mentoring going? Four quick questions, open until "
              f"{closes}. Confidential: the program team sees only totals."),
        buttons=(Button("Answer", OPEN, str(poll.id), style="primary"),))


async def _open_round(ctx: Context, person: Person | None, poll_id: str) -> PulsePoll | None:
    """The round, if this person was asked in it and it still takes answers."""
    number = parse_id(poll_id)
    poll = await ctx.session.get(PulsePoll, number) if number else None
    if person is None or person.id is None or poll is None or ctx.now() >= poll.closes_at:
        return None
    if await ctx.session.get(PollInvitation, (poll.id, person.id)) is None:
        return None
    return poll


async def open_poll(ctx: Context, person: Person | None, poll_id: str) -> Response:
    poll = await _open_round(ctx, person, poll_id)
    if poll is None or person is None:
        return Response.say(CLOSED)
    answer = await ctx.session.get(PulseAnswer, (poll.id, person.id))
    values: dict[str, str | tuple[str, ...]] = {}
    if answer is not None:
        values = {"value": str(answer.value), "met": answer.met, "roles": answer.roles_kept,
                  "comment": answer.comment or "", "share": ("share",) if answer.share_comment else (),
                  "check_in": ("check_in",) if answer.wants_help else ()}
    return Response(form=_form(ctx, poll, person, values))


def _form(ctx: Context, poll: PulsePoll, person: Person,
          values: dict[str, str | tuple[str, ...]] | None = None) -> Form:
    return poll_form(poll, ctx.program.privacy.min_group_size,
                     local_date(poll.closes_at, person.timezone), values)


async def submit(ctx: Context, event: FormSubmission, person: Person | None) -> Response:
    poll = await _open_round(ctx, person, event.context)
    if poll is None or person is None or person.id is None:
        return Response.say(CLOSED)
    values, errors = _check(event.values)
    if errors:
        return Response(errors=errors)
    active = await pairs.active_pairs_of(ctx.session, person.id)
    pair = active[0] if active else None
    answer = await ctx.session.get(PulseAnswer, (poll.id, person.id))
    first = answer is None
    if answer is None:
        answer = PulseAnswer(poll_id=poll.id, person_id=person.id, role=person.role or "",  # type: ignore[arg-type]
                             value=0, met="0", roles_kept="yes", answered_at=ctx.now(),
                             updated_at=ctx.now())
    answer.pair_id = pair.id if pair else None
    # The answer counts for the cohort the person is in now, and for no cohort made later.
    answer.cohort_id = next((p.cohort_id for p in active if p.cohort_id is not None), None)
    answer.value, answer.met, answer.roles_kept = values["value"], values["met"], values["roles"]  # type: ignore[assignment]
    answer.comment, answer.share_comment = values["comment"] or None, values["share"]  # type: ignore[assignment]
    answer.wants_help, answer.updated_at = values["check_in"], ctx.now()  # type: ignore[assignment]
    ctx.session.add(answer)
    if pair is not None and answer.wants_help:
        await _check_in(ctx, pair, poll)
    done = "Thanks for answering!" if first else "Your answers are updated."
    return Response(close_form=True, messages=(Message(text=(
        f"{done} They stay confidential: the program team only sees totals across at least "
        f"{ctx.program.privacy.min_group_size} people, and only after the poll ends.")),))


def _check(values: dict[str, str | tuple[str, ...]]) -> tuple[dict[str, object], dict[str, str]]:
    def one(name: str) -> str:
        v = values.get(name, "")
        return clean(v if isinstance(v, str) else (v[0] if v else ""))

    errors: dict[str, str] = {}
    if one("value") not in {"1", "2", "3", "4", "5"}:
        errors["value"] = "Please pick a number from 1 to 5."
    if one("met") not in METS:
        errors["met"] = "Please pick how often you met."
    if one("roles") not in {c.value for c in ROLES}:
        errors["roles"] = "Please pick one of the options."
    comment = one("comment")
    if length(comment) > 1000:
        errors["comment"] = f"Please keep it to 1,000 characters (it has {length(comment):,})."
    ticked = {name: name in values.get(name, ()) for name in ("share", "check_in")}
    return ({"value": int(one("value") or 0), "met": one("met"), "roles": one("roles"),
             "comment": comment, **ticked}, errors)


async def _check_in(ctx: Context, pair: Pair, poll: PulsePoll) -> None:
    """The one thing from a poll that reaches admins about a pair, because a member asked:
    the pair's names and the request. Not who asked, not a score, not the comment."""
    assert pair.id is not None and poll.id is not None
    reason = f"asked for a check-in in the poll of {day_month(poll.starts_on)}"
    await flags.flag(ctx.session, pair.id, "check-in", reason, ctx.now())
    if pair.at_risk_since is None:
        pair.at_risk_since, pair.at_risk_reason = ctx.now(), reason
    elif reason not in (pair.at_risk_reason or ""):
        pair.at_risk_reason = f"{pair.at_risk_reason}; {reason}"[:300]
    ctx.session.add(pair)
    mentor = await ctx.session.get(Person, pair.mentor_id)
    mentee = await ctx.session.get(Person, pair.mentee_id)
    text = (f"{name_of(mentor) if mentor else '?'} → {name_of(mentee) if mentee else '?'}: one of "
            f"them would like the program team to check in with them (they asked in the poll of "
            f"{day_month(poll.starts_on)}). That is all they chose to share; their answers stay "
            "in the anonymous totals. `admin at-risk` lists the pair with a button to message "
            "them.")
    await notify_admins(ctx, keys.check_in(pair.id, poll.id),
                        Message(title="A pair asked for a check-in", text=text))
