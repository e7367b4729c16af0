"""Introducing a new pair: roles, why they fit, expectations, a first agenda, an agreement."""

from __future__ import annotations

import json

from core import keys
from core.context import Context
from core.messages import Button, Message
from core.outgoing import Outgoing
from core.text import literal
from features.journey.booking import find_button
from features.people import address_of, name_of
from storage import people
from storage.models import Pair, Person

AGREE = "pair.agree"


async def introduce(ctx: Context, pair: Pair, mentor: Person, mentee: Person) -> None:
    """Queue the introduction once per pair (Slack: one group DM; Teams: one 1:1 each)."""
    message = await introduction(ctx, pair, mentor, mentee)
    await ctx.queue(Outgoing.group(keys.intro(pair.id), [address_of(mentor), address_of(mentee)], message))


async def introduction(ctx: Context, pair: Pair, mentor: Person, mentee: Person) -> Message:
    survey = ctx.program.survey
    junior, senior = name_of(mentor), name_of(mentee)
    assert mentor.id is not None and mentee.id is not None
    goals = []
    for person, name in ((mentor, junior), (mentee, senior)):
        answers = await people.survey_answers(ctx.session, person.id)  # type: ignore[arg-type]
        if answers is not None and answers.goals:
            goals.append(f"- {name} hopes to: _{literal(answers.goals)}_")
    cadence = await _cadence_label(ctx, mentee)
    agenda = ctx.catalog.first_meeting_agenda()
    reasons = [
        r.replace("The mentor", junior)
        .replace("the mentee", senior)
        .replace("The mentee", senior)
        .replace("the mentor", junior)
        for r in json.loads(pair.reasons)
    ]
    department = survey.label_of(survey.departments, mentor.department)
    senior_department = survey.label_of(survey.departments, mentee.department)
    lines = [
        f"In this program the junior colleague leads and the senior one learns: *{junior}* "
        f"({department}) leads your conversations, and *{senior}* ({senior_department}) is here "
        "to learn.",
        "",
        "*Why you two*",
        *(f"- {r}" for r in reasons),
        *(["", "*Your goals*", *goals] if goals else []),
        "",
        "*What we ask of you*",
        f"- Meet {cadence.lower()} for about 30 minutes; {senior}, please offer the first time.",
        f"- Keep the roles reversed: {junior} leads the conversation, {senior} asks the questions.",
        "- What you discuss stays between you two. The bot never reads your conversations.",
        "- If something isn't working, type `end` or tell the program team; no hard feelings.",
        "",
        f"*{agenda.title}*",
        *(f"- {step}" for step in agenda.steps),
        "",
        "Please press *I agree* when you accept these expectations. Then you fill in a short "
        "kick-off together: your goals, how often you meet and one ground rule.",
    ]
    return Message(
        title=f"Meet your reverse mentoring partner: {junior} and {senior}",
        text="\n".join(lines),
        buttons=(Button("I agree", AGREE, str(pair.id), style="primary"),
                 find_button(pair.id, "Find a time for your first meeting")),
    )


async def _cadence_label(ctx: Context, mentee: Person) -> str:
    survey = ctx.program.survey
    answers = await people.survey_answers(ctx.session, mentee.id)  # type: ignore[arg-type]
    return survey.label_of(survey.cadences, answers.cadence if answers else "fortnightly")
