"""The kick-off agreement: one person proposes goals, rhythm, length and ground rules; the other
confirms or edits them. Both confirming starts the pair's journey (and its prompts)."""

from __future__ import annotations

from datetime import date

from core import keys
from core.calendar import add_months, local_date
from core.context import Context
from core.dates import friendly
from core.events import FormSubmission
from core.messages import Button, Choice, Fact, Form, FormField, Message, Response
from core.outgoing import Outgoing
from core.text import length, literal, one_line, parse_id
from features.admin.cohorts import open_cohort
from features.journey.booking import find_button
from features.journey.rhythm import RHYTHMS
from features.people import address_of, name_of
from storage import journey, people
from storage.models import Kickoff, Pair, Person

FORM_ID, OPEN, CONFIRM = "kickoff", "kickoff.open", "kickoff.confirm"
GROUND_RULES = "What we discuss stays between the two of us."
GOAL_EXAMPLE = "e.g. By March, post on LinkedIn every week and read what each post reached"
GOAL_HINT = ("SMART: specific, measurable, achievable, relevant and with a date. "
             "One goal is plenty; up to three.")
TEXT_LIMIT = 300
GOALS = ("goal_1", "goal_2", "goal_3")


def invitation(pair_id: int) -> Button:
    return Button("Fill in the kick-off", OPEN, str(pair_id), style="primary")


async def _pair_of(ctx: Context, person: Person | None, raw: str) -> Pair | None:
    number = parse_id(raw)
    pair = await ctx.session.get(Pair, number) if number else None
    if person is None or pair is None or person.id not in (pair.mentor_id, pair.mentee_id):
        return None
    return pair


async def _lengths(ctx: Context, pair: Pair) -> dict[str, tuple[str, date]]:
    """Length choices: the program's default length, shorter ones, or until the cohort ends."""
    start = pair.agreed_at or pair.created_at
    mentee = await ctx.session.get(Person, pair.mentee_id)
    today = local_date(start, mentee.timezone if mentee else None)
    default = ctx.program.duration_months
    found = {str(m): (f"{m} months" + (" (the program's length)" if m == default else ""),
                      add_months(today, m))
             for m in sorted({default, 3, 6} - {0}) if m <= default}
    cohort = await open_cohort(ctx)
    if cohort is not None and cohort.ends_on is not None and cohort.ends_on > today:
        found["cohort"] = (f"Until the cohort ends ({friendly(cohort.ends_on)})", cohort.ends_on)
    return found


async def form(ctx: Context, pair: Pair, errors_values: dict[str, str | tuple[str, ...]] | None = None
               ) -> Form:
    survey = ctx.program.survey
    lengths = await _lengths(ctx, pair)
    values = errors_values if errors_values is not None else await _current_values(ctx, pair, lengths)
    return Form(
        form_id=FORM_ID, title="Your kick-off agreement", submit_label="Propose",
        context=str(pair.id), open_action_id=OPEN, values=values,
        intro="Fill it in together or alone: your partner confirms it or changes it.",
        fields=(
            FormField("goal_1", "The senior mentee's first learning goal", "text",
                      max_length=TEXT_LIMIT, hint=GOAL_HINT, placeholder=GOAL_EXAMPLE),
            FormField("goal_2", "A second goal (optional)", "text", required=False,
                      max_length=TEXT_LIMIT),
            FormField("goal_3", "A third goal (optional)", "text", required=False,
                      max_length=TEXT_LIMIT),
            FormField("mentor_goal", "The junior mentor's own goal", "text", max_length=TEXT_LIMIT,
                      placeholder="e.g. Lead every session and practise giving feedback upward"),
            FormField("rhythm", "How often you meet", "single_choice",
                      choices=tuple(Choice(k, v) for k, v in RHYTHMS.items())),
            FormField("meeting_mode", "How you meet", "single_choice",
                      choices=tuple(Choice(o.id, o.label) for o in survey.meeting_modes)),
            FormField("length", "How long", "single_choice",
                      choices=tuple(Choice(k, label) for k, (label, _) in lengths.items())),
            FormField("ground_rules", "One sentence of ground rules", "text", max_length=TEXT_LIMIT),
        ),
    )


async def _current_values(ctx: Context, pair: Pair, lengths: dict[str, tuple[str, date]]
                          ) -> dict[str, str | tuple[str, ...]]:
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if kickoff is not None:
        goals = await journey.goals_of(ctx.session, pair.id)
        length = next((k for k, (_, day) in lengths.items() if day == kickoff.ends_on),
                      str(ctx.program.duration_months))
        return {**{name: text for name, text in zip(GOALS, goals, strict=False)},
                "mentor_goal": kickoff.mentor_goal, "rhythm": kickoff.rhythm,
                "meeting_mode": kickoff.meeting_mode, "length": length,
                "ground_rules": kickoff.ground_rules}
    answers = await people.survey_answers(ctx.session, pair.mentee_id)
    cadence = answers.cadence if answers and answers.cadence in RHYTHMS else "fortnightly"
    values: dict[str, str | tuple[str, ...]] = {
        "rhythm": cadence, "length": str(ctx.program.duration_months),
        "ground_rules": GROUND_RULES}
    if answers is not None:
        values["meeting_mode"] = answers.meeting_mode
    return values


async def open_form(ctx: Context, person: Person | None, raw: str) -> Response:
    pair = await _pair_of(ctx, person, raw)
    if pair is None:
        return Response.say("That kick-off belongs to another pair.")
    if pair.status != "active":
        return Response.say("This pairing has ended, so there's no kick-off to fill in.")
    if pair.agreed_at is None:
        return Response.say("First you both press *I agree* on your introduction; "
                            "then the kick-off opens.")
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if kickoff is not None and kickoff.confirmed_at is not None:
        return Response(messages=(await agreement(ctx, pair, "Your agreement is already made"),))
    return Response(form=await form(ctx, pair))


async def submit(ctx: Context, event: FormSubmission, person: Person | None) -> Response:
    pair = await _pair_of(ctx, person, event.context)
    if pair is None or person is None or pair.status != "active" or pair.agreed_at is None:
        return Response.say("That kick-off form has expired. Type `status` to see where you are.")
    assert pair.id is not None and person.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if kickoff is not None and kickoff.confirmed_at is not None:
        return Response(close_form=True, messages=(
            await agreement(ctx, pair, "Your agreement is already made"),))
    lengths = await _lengths(ctx, pair)
    values = {k: (v if isinstance(v, str) else ",".join(v)) for k, v in event.values.items()}
    texts = {name: one_line(values.get(name, "")) for name in (*GOALS, "mentor_goal", "ground_rules")}
    errors = {name: f"Please keep it to {TEXT_LIMIT:,} characters (it has {length(text):,})."
              for name, text in texts.items() if length(text) > TEXT_LIMIT}
    if not texts["goal_1"]:
        errors.setdefault("goal_1", "Please write at least one learning goal.")
    for name in ("mentor_goal", "ground_rules"):
        if not texts[name]:
            errors.setdefault(name, "Please fill this in; one line is enough.")
    if values.get("rhythm") not in RHYTHMS:
        errors["rhythm"] = "Please pick how often you meet."
    if values.get("meeting_mode") not in {o.id for o in ctx.program.survey.meeting_modes}:
        errors["meeting_mode"] = "Please pick how you meet."
    if values.get("length") not in lengths:
        errors["length"] = "Please pick how long your pairing runs."
    if errors:
        return Response(form=await form(ctx, pair, dict(event.values)), errors=errors)
    version = kickoff.version + 1 if kickoff else 1
    row = kickoff or Kickoff(pair_id=pair.id, proposed_by=person.id, proposed_at=ctx.now(),
                             mentor_goal="", rhythm="", meeting_mode="", ends_on=ctx.now().date(),
                             ground_rules="")
    row.version, row.proposed_by, row.proposed_at = version, person.id, ctx.now()
    row.mentor_goal, row.ground_rules = texts["mentor_goal"], texts["ground_rules"]
    row.rhythm, row.meeting_mode = values["rhythm"], values["meeting_mode"]
    row.ends_on = lengths[values["length"]][1]
    ctx.session.add(row)
    await journey.replace_goals(ctx.session, pair.id, [texts[g] for g in GOALS if texts[g]])
    partner = await pairs_partner(ctx, pair, person.id)
    proposal = await agreement(ctx, pair, f"{name_of(person)} proposes your kick-off agreement")
    await ctx.queue(Outgoing.dm(keys.kickoff_proposal(pair.id, version), address_of(partner),
                                Message(title=proposal.title, facts=proposal.facts,
                                        text="Confirm it if it suits you, or change what doesn't.",
                                        buttons=confirm_buttons(pair.id, version))))
    return Response(close_form=True, messages=(Message(
        text=f"Sent to {name_of(partner)} to confirm. Your journey starts once they do."),))


def confirm_buttons(pair_id: int, version: int) -> tuple[Button, ...]:
    return (Button("Confirm", CONFIRM, f"{pair_id}:{version}", style="primary"),
            Button("Edit", OPEN, str(pair_id)))


async def confirm(ctx: Context, person: Person | None, value: str) -> Response:
    raw, _, version = value.partition(":")
    pair = await _pair_of(ctx, person, raw)
    if pair is None or person is None or pair.status != "active":
        return Response.say("That agreement belongs to a pairing that isn't active.")
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if kickoff is None:
        return Response.say("There's no kick-off proposal yet. Press *Fill in the kick-off*.")
    if kickoff.confirmed_at is not None:
        return Response.say("Your agreement is already made. Type `status` to see it.")
    if str(kickoff.version) != version:
        return Response(messages=(Message(
            text="This proposal was changed since; here is the latest one.",
            facts=(await agreement(ctx, pair, "")).facts,
            buttons=confirm_buttons(pair.id, kickoff.version)),))
    if kickoff.proposed_by == person.id:
        return Response.say("You proposed this one; your partner confirms it (or changes it).")
    kickoff.confirmed_by, kickoff.confirmed_at = person.id, ctx.now()
    ctx.session.add(kickoff)
    mentor = await ctx.session.get(Person, pair.mentor_id)
    mentee = await ctx.session.get(Person, pair.mentee_id)
    assert mentor is not None and mentee is not None
    made = await agreement(ctx, pair, "Your agreement")
    await ctx.queue(Outgoing.group(keys.kickoff_agreed(pair.id), [address_of(mentor), address_of(mentee)],
                                   Message(title=made.title, facts=made.facts, text=(
                                       "You've both confirmed it: your journey starts now. "
                                       "Your first prompt is the first-meeting agenda. Type "
                                       "`status` any time to see this agreement."),
                                   buttons=(find_button(pair.id, "Find a time for it"),))))
    for person_row, guide in ((mentor, "guide-junior-mentor"), (mentee, "guide-senior-mentee")):
        assert person_row.id is not None
        await ctx.queue(Outgoing.dm(keys.milestone(pair.id, f"guide:{person_row.id}"),
                                    address_of(person_row), role_guide(ctx, guide)))
    return Response.say("Confirmed! Your agreement is on its way to you both.")


def role_guide(ctx: Context, guide_id: str) -> Message:
    """A few bullets for the person's role, before the first meeting."""
    guide = ctx.catalog.agenda(guide_id)
    return Message(title=guide.title, text="Before your first meeting, four things to keep in "
                   "mind:\n" + "\n".join(f"- {step}" for step in guide.steps))


async def agreement(ctx: Context, pair: Pair, title: str) -> Message:
    """The agreement as both people see it (and `status` shows it)."""
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if kickoff is None:
        return Message(title=title, text="No kick-off agreement yet.")
    goals = await journey.goals_of(ctx.session, pair.id)
    survey = ctx.program.survey
    facts = (
        *(Fact(f"Goal {n}", literal(text)) for n, text in enumerate(goals, start=1)),
        Fact("Junior mentor's goal", literal(kickoff.mentor_goal)),
        Fact("Rhythm", RHYTHMS.get(kickoff.rhythm, kickoff.rhythm)),
        Fact("Way to meet", survey.label_of(survey.meeting_modes, kickoff.meeting_mode)),
        Fact("Until", friendly(kickoff.ends_on)),
        Fact("Ground rules", literal(kickoff.ground_rules)),
    )
    return Message(title=title or None, text="What you agree on:", facts=facts)


async def pairs_partner(ctx: Context, pair: Pair, person_id: int) -> Person:
    partner = await ctx.session.get(
        Person, pair.mentee_id if pair.mentor_id == person_id else pair.mentor_id)
    assert partner is not None
    return partner


async def status_message(ctx: Context, person: Person, active: list[Pair]) -> Message | None:
    """Where `status` shows the person's agreement and goals, or what is still missing;
    `active`: their active pairs, oldest first."""
    assert person.id is not None
    if not active:
        return None
    pair = active[0]
    assert pair.id is not None
    kickoff = await ctx.session.get(Kickoff, pair.id)
    if pair.agreed_at is None:
        return Message(text="Your introduction is waiting for *I agree* from both of you; "
                       "then you fill in a short kick-off agreement.")
    if kickoff is None:
        return Message(text="Next step: your kick-off agreement (goals, rhythm, ground rules).",
                       buttons=(invitation(pair.id),))
    if kickoff.confirmed_at is None:
        made = await agreement(ctx, pair, "Your kick-off agreement (waiting for confirmation)")
        buttons = (confirm_buttons(pair.id, kickoff.version) if kickoff.proposed_by != person.id
                   else (Button("Edit", OPEN, str(pair.id)),))
        return Message(title=made.title, text="It starts once both of you confirm it.",
                       facts=made.facts, buttons=buttons)
    return await agreement(ctx, pair, "Your agreement")
