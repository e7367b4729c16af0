"""The mid-point check-in and the pair's closing survey: each person rates each goal, says
whether they grew, and (at the end) answers the program's ROI questions."""

from __future__ import annotations

from core.context import Context
from core.events import FormSubmission
from core.messages import Button, Choice, Form, FormField, Message, Response
from core.text import clean, parse_id, quote
from features.admin.cohorts import roi_errors, roi_fields
from storage import journey
from storage.models import CheckinAnswer, GoalRating, Pair, Person

FORM_ID, OPEN = "checkin", "checkin.open"
MID, END = "mid", "end"
RATINGS = (Choice("not-started", "Not started"), Choice("progressing", "Progressing"),
           Choice("achieved", "Achieved"))
GREW = (Choice("yes", "Yes"), Choice("partly", "A little"), Choice("no", "Not yet"))
QUESTIONS = {(MID, "mentee"): "Have you applied something new at work?",
             (MID, "mentor"): "Have you grown in leading?",
             (END, "mentee"): "Did you apply a new skill at work?",
             (END, "mentor"): "Did you apply a new skill, in leading or otherwise?"}


def button(pair_id: int, stage: str) -> Button:
    label = "Rate our goals" if stage == MID else "Answer the closing survey"
    return Button(label, OPEN, f"{pair_id}:{stage}", style="primary")


async def _target(ctx: Context, person: Person | None, value: str
                  ) -> tuple[Pair, Person, str] | None:
    raw, _, stage = value.partition(":")
    number = parse_id(raw)
    pair = await ctx.session.get(Pair, number) if number else None
    if (person is None or pair is None or stage not in (MID, END)
            or person.id not in (pair.mentor_id, pair.mentee_id)):
        return None
    return pair, person, stage


async def form(ctx: Context, pair: Pair, person: Person, stage: str,
               values: dict[str, str | tuple[str, ...]] | None = None) -> Form:
    assert pair.id is not None
    goals = await journey.goals_of(ctx.session, pair.id)
    role = "mentor" if person.id == pair.mentor_id else "mentee"
    fields = (
        *(FormField(f"goal_{n}", f"Goal {n}: {quote(text, 120)}", "single_choice", choices=RATINGS)
          for n, text in enumerate(goals, start=1)),
        FormField("grew", QUESTIONS[(stage, role)], "single_choice", choices=GREW),
        *(roi_fields(ctx.program.privacy.min_group_size, role) if stage == END else ()),
    )
    return Form(
        form_id=FORM_ID, submit_label="Send", context=f"{pair.id}:{stage}", open_action_id=OPEN,
        title="Mid-point check-in" if stage == MID else "Closing survey", values=values or {},
        intro="Confidential: the program team sees totals over several people, never yours alone.",
        fields=fields)


async def open_form(ctx: Context, person: Person | None, value: str) -> Response:
    target = await _target(ctx, person, value)
    if target is None:
        return Response.say("That survey isn't yours, or it has expired.")
    return Response(form=await form(ctx, *target))


async def submit(ctx: Context, event: FormSubmission, person: Person | None) -> Response:
    target = await _target(ctx, person, event.context)
    if target is None:
        return Response.say("That survey has expired. Type `status` to see where you are.")
    pair, member, stage = target
    assert pair.id is not None and member.id is not None
    goals = await journey.goals_of(ctx.session, pair.id)
    values = {k: (v if isinstance(v, str) else ",".join(v)) for k, v in event.values.items()}
    ratings = {c.value for c in RATINGS}
    errors = {f"goal_{n}": "Please pick how far this goal got."
              for n in range(1, len(goals) + 1) if values.get(f"goal_{n}") not in ratings}
    if values.get("grew") not in {c.value for c in GREW}:
        errors["grew"] = "Please pick one of the options."
    if stage == END:
        errors.update(roi_errors(values, "mentee" if member.id == pair.mentee_id else "mentor"))
    if errors:
        return Response(form=await form(ctx, pair, member, stage, dict(event.values)),
                        errors=errors)
    now = ctx.now()
    for n in range(1, len(goals) + 1):
        row = await ctx.session.get(GoalRating, (pair.id, member.id, stage, n)) or GoalRating(
            pair_id=pair.id, person_id=member.id, stage=stage, goal_number=n, rating="",
            answered_at=now)
        row.rating, row.answered_at = values[f"goal_{n}"], now
        ctx.session.add(row)
    answer = await ctx.session.get(CheckinAnswer, (pair.id, member.id, stage)) or CheckinAnswer(
        pair_id=pair.id, person_id=member.id, stage=stage, role=member.role or "", grew="",
        answered_at=now)
    answer.grew, answer.answered_at = values["grew"], now
    if stage == END:
        answer.learned = clean(values.get("learned", "")) or None
        answer.taught = clean(values.get("taught", "")) or None
        answer.future_leader, answer.changed_view = values["future_leader"], values["changed_view"]
        answer.recommend = int(values["recommend"])
        answer.helps_retention = (values["helps_retention"] if member.id == pair.mentee_id
                                  else None)
        answer.share_text = "share" in values.get("share", "")
    ctx.session.add(answer)
    thanks = ("Thank you! Keep going: the second half is where habits form." if stage == MID
              else "Thank you, for the survey and for the whole pairing.")
    return Response(close_form=True, messages=(Message(text=thanks),))
