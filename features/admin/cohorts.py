"""Cohorts: pairs grouped in time. Closing one sends the closing survey, thanks and ends pairs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, union, update
from sqlmodel import col, select

from core import keys
from core.calendar import local_date
from core.context import Context
from core.dates import friendly, parse_date
from core.events import FormSubmission
from core.messages import Button, Choice, Form, FormField, Message, Response
from core.outgoing import Outgoing
from core.text import clean, length, one_line, parse_id, quote
from features import confirming
from features.people import address_of, name_of
from storage import closing
from storage.models import ClosingAnswer, Cohort, Pair, Person, Status

FORM_ID, OPEN = "closing", "closing.open"
CLOSE, KEEP_OPEN = "cohort.close", "cohort.keep_open"
NOT_OPEN = "That survey isn't open any more. Thank you all the same!"
CLOSED_REASON = "cohort closed"  # the end reason of the pairs a closing ends


async def open_cohort(ctx: Context) -> Cohort | None:
    result = await ctx.session.exec(select(Cohort).where(col(Cohort.closed_at).is_(None)))
    return result.first()


async def start(ctx: Context, admin: Person, words: str) -> Response:
    name, _, ends = words.partition(" ends ")
    name = one_line(name)
    if not name or length(name) > 80:
        return Response.say("Name the cohort (up to 80 characters): "
                            "`admin cohort start Spring 2027 ends 2027-06-30`.")
    current = await open_cohort(ctx)
    if current is not None:
        return Response.say(f"Cohort “{current.name}” is still open. Close it first with "
                            "`admin cohort close`.")
    if (await ctx.session.exec(select(Cohort).where(Cohort.name == name))).first():
        return Response.say(f"There is already a cohort called “{quote(name)}”; pick another name.")
    end_day = None
    if ends.strip():
        end_day = parse_date(ends, ctx.now().date())
        if end_day is None or end_day <= ctx.now().date():
            return Response.say(f"I couldn't read “{quote(ends)}” as a future date. "
                                "Try `ends 2027-06-30`.")
    ctx.session.add(Cohort(name=name, started_at=ctx.now(), ends_on=end_day, created_by=admin.id))
    until = f" until {friendly(end_day)}" if end_day else ""
    return Response.say(f"Cohort “{name}” has started{until}. Pairs confirmed from now on "
                        "belong to it; `admin stats cohort " + name + "` shows its figures.")


async def close(ctx: Context, admin: Person) -> Response:
    """`admin cohort close` asks first, saying what closing will do."""
    cohort = await open_cohort(ctx)
    if cohort is None:
        return Response.say("No cohort is open, so there's nothing to close.")
    return await _close_question(ctx, cohort)


async def _closing_counts(ctx: Context, cohort_id: int) -> tuple[int, int]:
    """The pairs a closing ends, and the people who get its survey (everyone in them but
    those who left)."""
    live = (Pair.cohort_id == cohort_id, Pair.status == "active")
    pairs = (await ctx.session.exec(select(func.count()).select_from(Pair).where(*live))).one()
    members = union(select(Pair.mentor_id.label("id")).where(*live),  # type: ignore[attr-defined]
                    select(Pair.mentee_id.label("id")).where(*live)).subquery()  # type: ignore[attr-defined]
    people = (await ctx.session.exec(select(func.count()).select_from(Person).where(
        col(Person.id).in_(select(members.c.id)), Person.status != Status.LEFT))).one()
    return int(pairs), int(people)


async def _close_question(ctx: Context, cohort: Cohort, changed: bool = False) -> Response:
    assert cohort.id is not None
    pairs, people = await _closing_counts(ctx, cohort.id)
    since = "The cohort changed since you asked. " if changed else ""
    value = f"{cohort.id}:{pairs}:{people}:{confirming.stamp(ctx.now())}"
    return Response(messages=(Message(
        title=f"Close the cohort “{cohort.name}”?",
        text=(f"{since}{_plural(pairs, 'pair')} will end, and {_plural(people, 'person', 'people')}"
              " will get a thank-you with the closing survey. This can't be undone."),
        buttons=(Button("Close the cohort", CLOSE, value, style="danger"),
                 Button("Cancel", KEEP_OPEN, str(cohort.id)))),))


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


async def confirm_close(ctx: Context, admin: Person, value: str) -> Response:
    shown = confirming.numbers(value, 4)
    cohort = await ctx.session.get(Cohort, shown[0]) if shown else None
    if shown is None or cohort is None:
        return Response.say("That button has expired. Type `admin cohort close` to start again.")
    if cohort.closed_at is not None:
        return Response.say(f"Cohort “{cohort.name}” is already closed; nothing was sent twice.")
    if confirming.expired(str(shown[3]), ctx.now()):
        return Response.say(confirming.expired_text("admin cohort close"))
    assert cohort.id is not None
    if await _closing_counts(ctx, cohort.id) != shown[1:3]:
        return await _close_question(ctx, cohort, changed=True)
    return await close_cohort(ctx, cohort, admin.id)


async def keep_open(ctx: Context, value: str) -> Response:
    number = parse_id(value)
    cohort = await ctx.session.get(Cohort, number) if number else None
    if cohort is None:
        return Response.say("That button has expired. Type `admin cohort close` to start again.")
    if cohort.closed_at is not None:
        return Response.say(f"Cohort “{cohort.name}” is already closed.")
    return Response.say(f"Nothing changed: cohort “{cohort.name}” stays open.")


async def close_cohort(ctx: Context, cohort: Cohort, by: int | None) -> Response:
    """Close a cohort: its pairs end and everyone gets the closing survey. `by` is the admin,
    or None when the cohort's end date closed it."""
    assert cohort.id is not None
    # The conditional update makes closing idempotent even when two admins press at once.
    closed = await ctx.session.exec(  # type: ignore[call-overload]
        update(Cohort).where(col(Cohort.id) == cohort.id, col(Cohort.closed_at).is_(None))
        .values(closed_at=ctx.now()).returning(Cohort.id))
    if closed.first() is None:
        return Response.say("That cohort was closed a moment ago; nothing was sent twice.")
    pairs = list(await ctx.session.exec(
        select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == "active")))
    invited: set[int] = set()
    for pair in pairs:
        for member_id in (pair.mentor_id, pair.mentee_id):
            member = await ctx.session.get(Person, member_id)
            if member is None or member.status == Status.LEFT:
                continue
            await ctx.queue(Outgoing.dm(keys.closing(cohort.id, member_id), address_of(member), Message(
                title=f"Thank you, {name_of(member)}!",
                text=(f"The “{cohort.name}” cohort has come to a close, and so has your pairing. "
                      "Thank you for the time and openness you brought. A few short questions "
                      "help us make the next round better; answers stay confidential."),
                buttons=(Button("Answer the closing survey", OPEN, str(cohort.id),
                                style="primary"),))))
            invited.add(member_id)
        pair.status, pair.ended_at, pair.ended_by = "ended", ctx.now(), by
        pair.end_reason = CLOSED_REASON
        ctx.session.add(pair)
    # The survey takes answers for the poll window; its results are released once, then.
    cohort.survey_invited = people = len(invited)  # a mentor with two mentees is asked once
    cohort.survey_closes_at = ctx.now() + timedelta(days=ctx.program.pulse.window_days)
    ctx.session.add(cohort)
    return Response.say(f"Cohort “{cohort.name}” is closed: {_plural(len(pairs), 'pair')} ended, "
                        f"and {_plural(people, 'person', 'people')} "
                        f"{'gets' if people == 1 else 'get'} a thank-you with the closing survey.")


HELPS_RETENTION = FormField(
    "helps_retention", "Did access to a junior mentor give you information that will help you "
    "increase retention among more junior staff?", "single_choice",
    choices=(Choice("yes", "Yes"), Choice("no", "No"), Choice("unsure", "Not sure")))


def roi_fields(minimum: int, role: str | None) -> tuple[FormField, ...]:
    """The return-on-investment questions of every closing survey: a cohort's, or a pair's own
    at its end; senior mentees also answer whether they can now help keep junior staff.
    Written answers are shared only anonymously over `minimum` people."""
    return (
        FormField("learned", "The most valuable thing you learned from your partner",
                  "long_text", required=False, max_length=1000),
        FormField("taught", "The most valuable thing you passed on", "long_text",
                  required=False, max_length=1000),
        FormField("future_leader", "Did you spot a future leader through the program?",
                  "single_choice", choices=(Choice("yes", "Yes"), Choice("no", "No"),
                                            Choice("unsure", "Not sure")),
                  hint="Someone, your partner or you, with the makings of a leader the "
                       "company should help grow."),
        FormField("changed_view", "How do you feel about the company and your career here now?",
                  "single_choice", choices=(Choice("more", "More positive"),
                                            Choice("same", "About the same"),
                                            Choice("less", "Less positive"))),
        *((HELPS_RETENTION,) if role == "mentee" else ()),
        FormField("recommend", "Would you recommend the program to a colleague?", "rating",
                  choices=tuple(Choice(str(n), str(n)) for n in range(1, 6)),
                  hint="1 = not at all, 5 = absolutely"),
        FormField("share", "Sharing", "multi_choice", required=False,
                  choices=(Choice("share", "The program team may read my written answers"),),
                  hint=f"Without your name, among everyone's, after the survey closes, and "
                       f"only if at least {minimum} people answered."),
    )


def roi_errors(values: dict[str, str], role: str | None) -> dict[str, str]:
    """What is wrong with the ROI answers of a closing survey, field by field."""
    errors = {}
    if role == "mentee" and values.get("helps_retention") not in ("yes", "no", "unsure"):
        errors["helps_retention"] = "Please pick one of the options."
    if values.get("future_leader") not in ("yes", "no", "unsure"):
        errors["future_leader"] = "Please pick one of the options."
    if values.get("changed_view") not in ("more", "same", "less"):
        errors["changed_view"] = "Please pick one of the options."
    if values.get("recommend") not in {"1", "2", "3", "4", "5"}:
        errors["recommend"] = "Please pick a number from 1 to 5."
    for name in ("learned", "taught"):
        text = clean(values.get(name, ""))
        if length(text) > 1000:
            errors[name] = f"Please keep it to 1,000 characters (it has {length(text):,})."
    return errors


def closing_form(ctx: Context, cohort: Cohort, person: Person,
                 values: dict[str, str | tuple[str, ...]] | None = None) -> Form:
    minimum = ctx.program.privacy.min_group_size
    closes = friendly(local_date(cohort.survey_closes_at or ctx.now(), person.timezone))
    return Form(
        form_id=FORM_ID, title="Closing survey", submit_label="Send", context=str(cohort.id),
        open_action_id=OPEN, values=values or {},
        intro=(f"Confidential: the program team sees totals over at least {minimum} people once "
               f"the survey closes ({closes}), and your words only if you allow it."),
        fields=roi_fields(minimum, person.role),
    )


async def _open_survey(ctx: Context, person: Person | None, cohort_id: str) -> Cohort | None:
    """The cohort, if its survey takes answers now and this person was in one of its pairs."""
    number = parse_id(cohort_id)
    cohort = await ctx.session.get(Cohort, number) if number else None
    if (person is None or person.id is None or cohort is None or cohort.id is None
            or cohort.survey_closes_at is None or ctx.now() >= cohort.survey_closes_at):
        return None
    return cohort if await closing.was_member(ctx.session, cohort.id, person.id) else None


async def open_survey(ctx: Context, person: Person | None, cohort_id: str) -> Response:
    cohort = await _open_survey(ctx, person, cohort_id)
    if person is None or cohort is None:
        return Response.say(NOT_OPEN)
    return Response(form=closing_form(ctx, cohort, person))


async def submit(ctx: Context, event: FormSubmission, person: Person | None) -> Response:
    cohort = await _open_survey(ctx, person, event.context)
    if person is None or person.id is None or cohort is None or cohort.id is None:
        return Response.say(NOT_OPEN)
    values = {k: (v if isinstance(v, str) else ",".join(v)) for k, v in event.values.items()}
    errors = roi_errors(values, person.role)
    learned, taught = clean(values.get("learned", "")), clean(values.get("taught", ""))
    if errors:
        return Response(form=closing_form(ctx, cohort, person, dict(event.values)), errors=errors)
    answer = await ctx.session.get(ClosingAnswer, (cohort.id, person.id)) or ClosingAnswer(
        cohort_id=cohort.id, person_id=person.id, role=person.role or "", future_leader="",
        changed_view="", recommend=0, answered_at=ctx.now())
    answer.learned, answer.taught = learned or None, taught or None
    answer.future_leader, answer.changed_view = values["future_leader"], values["changed_view"]
    answer.recommend, answer.share_text = int(values["recommend"]), "share" in values.get("share", "")
    answer.helps_retention = values["helps_retention"] if person.role == "mentee" else None
    answer.answered_at = ctx.now()
    ctx.session.add(answer)
    return Response(close_form=True, messages=(Message(
        text="Thank you! That's the last thing we'll ask of this cohort."),))
