"""Pulse polls every few weeks: short, confidential, seen by admins only in aggregate."""

from __future__ import annotations

from datetime import date, timedelta

from core import keys
from core.calendar import week_moment
from core.context import Context
from core.events import FormSubmission
from core.messages import Button, Choice, Form, FormField, Message, Response
from core.outgoing import Outgoing
from core.text import clean, literal, parse_id
from features.engagement.prompts import address
from features.people import name_of, notify_admins
from storage import engagement, pairs
from storage.models import Pair, Person, PulseAnswer, PulsePoll

FORM_ID, OPEN = "pulse", "pulse.open"
EPOCH = date(2024, 1, 1)  # a Monday: polls fall on weeks whose index divides by every_weeks
MIN_PAIR_AGE = timedelta(days=14)
METS = ("0", "1", "2", "3+")
ROLES = (Choice("yes", "Yes, the junior led"), Choice("sometimes", "Sometimes"),
         Choice("slipped", "We slipped into traditional roles"))


def poll_form(poll_id: int, values: dict[str, str | tuple[str, ...]] | None = None) -> Form:
    return Form(
        form_id=FORM_ID, title="Pulse poll", submit_label="Send", context=str(poll_id),
        open_action_id=OPEN,
        values=values or {},
        intro="One minute, fully confidential: the program team only ever sees totals "
              "across several people, never your answers.",
        fields=(
            FormField("value", "How valuable were your conversations lately?", "rating",
                      choices=tuple(Choice(str(n), str(n)) for n in range(1, 6)),
                      hint="1 = not at all, 5 = very"),
            FormField("met", "How often did you meet in the last four weeks?", "single_choice",
                      choices=tuple(Choice(m, m) for m in METS)),
            FormField("roles", "Did the roles stay reversed?", "single_choice", choices=ROLES),
            FormField("comment", "Anything to tell the program team?", "long_text",
                      required=False, max_length=1000),
            FormField("share", "Sharing", "multi_choice", required=False,
                      choices=(Choice("share", "The program team may read my comment"),)),
            FormField("help", "Support", "multi_choice", required=False,
                      choices=(Choice("help", "I'd like help from the program team"),)),
        ),
    )


def _poll_week(now, tz: str | None, ctx: Context) -> str | None:  # type: ignore[no-untyped-def]
    settings = ctx.program.prompts
    week, moment = week_moment(now, tz, settings.weekday, settings.local_time)
    index = (moment.date() - EPOCH).days // 7
    return week if now >= moment and index % ctx.program.pulse.every_weeks == 0 else None


async def run(ctx: Context) -> int:
    """Invite everyone in a live pair (two weeks or older) once per poll period."""
    now = ctx.now()
    due: dict[str, list[tuple[int, engagement.Member]]] = {}
    for pair in await engagement.live_pairs(ctx.session):
        if now - pair.created_at < MIN_PAIR_AGE:
            continue
        for member in (pair.mentor, pair.mentee):
            week = _poll_week(now, member.timezone, ctx)
            if week is not None:
                due.setdefault(week, []).append((pair.id, member))
    rows: list[Outgoing] = []
    for week, members in due.items():
        poll_id = await engagement.poll_for_period(ctx.session, week, ctx.now())
        for _pair_id, member in members:
            message = Message(title="Pulse poll: one minute", text=(
                "How is your reverse mentoring going? Four quick questions, confidential: "
                "the program team sees only totals."),
                buttons=(Button("Answer", OPEN, str(poll_id), style="primary"),))
            to = address(member)
            rows.append(Outgoing.dm(keys.pulse(poll_id, member.id), to, message))
    return await ctx.queue(*rows)


async def open_poll(ctx: Context, person: Person | None, poll_id: str) -> Response:
    number = parse_id(poll_id)
    poll = await ctx.session.get(PulsePoll, number) if number else None
    if person is None or poll is None:
        return Response.say("That poll has closed. Thanks anyway!")
    answer = await ctx.session.get(PulseAnswer, (poll.id, person.id))
    values: dict[str, str | tuple[str, ...]] = {}
    if answer is not None:
        values = {"value": str(answer.value), "met": answer.met, "roles": answer.roles_kept,
                  "comment": answer.comment or "", "share": ("share",) if answer.share_comment else (),
                  "help": ("help",) if answer.wants_help else ()}
    return Response(form=poll_form(poll.id, values))  # type: ignore[arg-type]


async def submit(ctx: Context, event: FormSubmission, person: Person | None) -> Response:
    number = parse_id(event.context)
    poll = await ctx.session.get(PulsePoll, number) if number else None
    if person is None or person.id is None or poll is None:
        return Response.say("That poll has closed. Thanks anyway!")
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
    answer.value, answer.met, answer.roles_kept = values["value"], values["met"], values["roles"]  # type: ignore[assignment]
    answer.comment, answer.share_comment = values["comment"] or None, values["share"]  # type: ignore[assignment]
    answer.wants_help, answer.updated_at = values["help"], ctx.now()  # type: ignore[assignment]
    ctx.session.add(answer)
    if pair is not None:
        await _flag(ctx, pair, person, answer)
    done = "Thanks for answering!" if first else "Your answers are updated."
    return Response(close_form=True, messages=(Message(text=(
        f"{done} They stay confidential: the program team only sees totals across at least "
        f"{ctx.program.privacy.min_group_size} people.")),))


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
    if len(comment) > 1000:
        errors["comment"] = f"Please keep it under 1,000 characters (it has {len(comment)})."
    ticked = {name: "share" in values.get(name, ()) or "help" in values.get(name, ())
              for name in ("share", "help")}
    return ({"value": int(one("value") or 0), "met": one("met"), "roles": one("roles"),
             "comment": comment, **ticked}, errors)


async def _flag(ctx: Context, pair: Pair, person: Person, answer: PulseAnswer) -> None:
    """A low score, slipped roles or a request for help puts the pair in front of the admins."""
    reasons = []
    if answer.value <= 2:
        reasons.append("a low value score in the pulse poll")
    if answer.roles_kept == "slipped":
        reasons.append("the roles slipped back to traditional")
    if answer.wants_help:
        reasons.append(f"{name_of(person)} asked for help from the program team")
    if not reasons:
        return
    pair.at_risk_since = pair.at_risk_since or ctx.now()
    pair.at_risk_reason = "; ".join(reasons)[:300]
    ctx.session.add(pair)
    comment = f"\nTheir comment, shared with permission: “{literal(answer.comment)}”" if (
        answer.comment and answer.share_comment) else ""
    mentor = await ctx.session.get(Person, pair.mentor_id)
    mentee = await ctx.session.get(Person, pair.mentee_id)
    text = (f"The pair {name_of(mentor) if mentor else '?'} → {name_of(mentee) if mentee else '?'} "
            f"needs attention: {pair.at_risk_reason}.{comment}")
    await notify_admins(ctx, f"pulse-flag:{answer.poll_id}:{person.id}",
                        Message(title="A pair needs attention", text=text))
