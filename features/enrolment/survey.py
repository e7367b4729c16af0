"""The signup survey: building it, checking answers, storing the profile."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from config.program import Program
from core import keys
from core.context import Context
from core.events import FormSubmission, Profile
from core.messages import Choice, Fact, Form, FormField, Message, Response
from core.outgoing import Outgoing
from core.text import clean, length, one_line
from features.enrolment import avoid, lifecycle
from features.matching import teams
from features.matching.suggestions import choosing, suggest_buttons
from features.people import ROLE_NAMES
from storage import people
from storage import teams as stored_teams
from storage.models import Person

FORM_ID, OPEN, JOIN = "signup", "signup.open", "signup.join"  # JOIN starts a fresh signup
REFRESH = "signup.refresh"  # the form again, to redraw it once the role is chosen
ROLES = (
    Choice("mentor", "Junior mentor: I share digital know-how and fresh perspectives"),
    Choice("mentee", "Senior mentee: I want to learn from a younger colleague"),
)
_ZONES = {name.lower(): name for name in available_timezones()}


def _choices(options: tuple) -> tuple[Choice, ...]:  # type: ignore[type-arg]
    return tuple(Choice(o.id, o.label) for o in options)


def survey_form(program: Program, values: dict[str, str | tuple[str, ...]],
                avoided: tuple[Choice, ...] = ()) -> Form:
    survey = program.survey
    topics = _choices(survey.topics)
    return Form(
        form_id=FORM_ID,
        title="Join the program" if not values.get("role") else "Your profile",
        intro=(
            "A few questions so we can find you a good match. Your answers are seen only by "
            "the program admins and used for matching, never shared beyond your match."
        ),
        submit_label="Save",
        values=values,
        refresh_action_id=REFRESH,
        fields=(
            FormField("role", "How are you joining?", "single_choice", choices=ROLES),
            FormField(
                "department", "Department", "single_choice", choices=_choices(survey.departments)
            ),
            _team_field(program),
            FormField(
                "seniority", "Seniority", "single_choice", choices=_choices(survey.seniority_levels)
            ),
            FormField(
                "timezone",
                "Timezone",
                "text",
                max_length=64,
                placeholder="e.g. Europe/Berlin",
                hint="Prompts arrive in your morning; matching prefers overlapping hours.",
            ),
            FormField(
                "teach",
                "Topics I can teach or share",
                "multi_choice",
                required=False,
                required_when=("role", "mentor"),
                choices=topics,
                hint="Junior mentors: pick at least one.",
            ),
            FormField(
                "learn",
                "Topics I want to learn",
                "multi_choice",
                required=False,
                required_when=("role", "mentee"),
                choices=topics,
                hint="Senior mentees: pick at least one.",
            ),
            FormField(
                "goals",
                "What do you hope to get out of it?",
                "long_text",
                required=False,
                max_length=survey.goals_max_length,
                placeholder="e.g. Use AI tools confidently in my team's planning",
            ),
            avoid.field(avoided),
            FormField(
                "cadence",
                "How often would you like to meet?",
                "single_choice",
                choices=_choices(survey.cadences),
            ),
            FormField(
                "meeting_mode",
                "How do you prefer to meet?",
                "single_choice",
                choices=_choices(survey.meeting_modes),
            ),
        ),
    )


def _team_field(program: Program) -> FormField:
    if program.survey.teams:
        return FormField("team", "Team", "single_choice", choices=teams.choices(program),
                         hint="We never pair you with someone from your own team. Not listed? "
                              "Ask the program team.")
    return FormField("team", "Team", "text", max_length=100, placeholder="e.g. Payments API",
                     hint="We never pair you with someone from your own team.")


async def current_values(
    ctx: Context, person: Person, profile: Profile
) -> dict[str, str | tuple[str, ...]]:
    """The person's saved answers, else what the platform told us (name, timezone)."""
    values: dict[str, str | tuple[str, ...]] = {}
    timezone = person.timezone or profile.timezone
    if timezone and timezone.lower() in _ZONES:
        values["timezone"] = _ZONES[timezone.lower()]
    for name in ("role", "department", "team", "seniority"):
        if getattr(person, name):
            values[name] = getattr(person, name)
    listed = teams.find(ctx.program, person.team or "") if ctx.program.survey.teams else None
    if listed is not None:
        values["team"] = listed.id
    assert person.id is not None
    answers = await people.survey_answers(ctx.session, person.id)
    if answers is not None:
        values.update(
            goals=answers.goals, cadence=answers.cadence, meeting_mode=answers.meeting_mode
        )
        topics = await people.topics(ctx.session, person.id)
        values.update(teach=topics.get("teach", ()), learn=topics.get("learn", ()))
    return values


def _one(values: dict[str, str | tuple[str, ...]], name: str) -> str:
    value = values.get(name, "")
    return clean(value if isinstance(value, str) else (value[0] if value else ""))


def _many(values: dict[str, str | tuple[str, ...]], name: str) -> tuple[str, ...]:
    value = values.get(name, ())
    items = (value,) if isinstance(value, str) else value
    return tuple(dict.fromkeys(clean(v) for v in items if clean(v)))


def check(
    program: Program, values: dict[str, str | tuple[str, ...]]
) -> tuple[dict, dict[str, str]]:  # type: ignore[type-arg]
    """Clean answers and the errors to show next to fields (empty when all is well)."""
    survey = program.survey
    errors: dict[str, str] = {}
    answers: dict[str, object] = {}

    def pick(name: str, allowed: tuple[str, ...], missing: str) -> None:
        value = _one(values, name)
        if not value:
            errors[name] = missing
        elif value not in allowed:
            errors[name] = "Please pick one of the options."
        answers[name] = value

    pick(
        "role",
        ("mentor", "mentee"),
        "Tell us whether you join as a junior mentor or a senior mentee.",
    )
    pick("department", tuple(o.id for o in survey.departments), "Please pick your department.")
    pick("seniority", tuple(o.id for o in survey.seniority_levels), "Please pick your seniority.")
    pick(
        "cadence", tuple(o.id for o in survey.cadences), "Please pick how often you'd like to meet."
    )
    pick(
        "meeting_mode",
        tuple(o.id for o in survey.meeting_modes),
        "Please pick how you prefer to meet.",
    )

    team = one_line(_one(values, "team"))
    if not team:
        errors["team"] = "Please name your team, so we never pair you with a teammate."
    elif length(team) > 100:
        errors["team"] = f"Please keep the team name to 100 characters (it has {length(team)})."
    elif survey.teams and teams.find(program, team) is None:
        errors["team"] = "Please pick your team from the list."
    answers["team"] = team

    zone = _one(values, "timezone").replace(" ", "_")
    if zone.lower() not in _ZONES:
        errors["timezone"] = "Please use a timezone name like Europe/Berlin or America/New_York."
    else:
        answers["timezone"] = str(ZoneInfo(_ZONES[zone.lower()]))

    topic_ids = {t.id for t in survey.topics}
    for name in ("teach", "learn"):
        chosen = _many(values, name)
        if any(t not in topic_ids for t in chosen):
            errors[name] = "Please pick topics from the list."
        answers[name] = chosen
    if answers["role"] == "mentor" and not answers["teach"] and "teach" not in errors:
        errors["teach"] = "As a junior mentor, pick at least one topic you can teach."
    if answers["role"] == "mentee" and not answers["learn"] and "learn" not in errors:
        errors["learn"] = "As a senior mentee, pick at least one topic you want to learn."

    goals = clean(_one(values, "goals"))
    if length(goals) > survey.goals_max_length:
        errors["goals"] = (
            f"Please keep this to {survey.goals_max_length:,} characters (it has "
            f"{length(goals):,})."
        )
    answers["goals"] = goals
    return answers, errors


async def submit(ctx: Context, event: FormSubmission, person: Person) -> Response:
    answers, errors = check(ctx.program, event.values)
    kept_apart, wrong = await avoid.resolve(ctx, person, event.values.get(avoid.FIELD))
    if wrong:
        errors[avoid.FIELD] = wrong
    if errors:
        return Response(form=survey_form(ctx.program, event.values), errors=errors)
    now = ctx.now()
    for name in ("role", "department", "seniority", "timezone"):
        setattr(person, name, answers[name])
    person.team_id, person.team = await teams.identify(ctx, person, str(answers["team"]))
    was_active = lifecycle.activate(person, now)
    person.joined_at = person.joined_at or now
    ctx.session.add(person)
    assert person.id is not None
    await people.save_answers(
        ctx.session,
        person.id,
        str(answers["goals"]),
        str(answers["cadence"]),
        str(answers["meeting_mode"]),
        now,
    )
    await people.replace_topics(ctx.session, person.id, answers["teach"], answers["learn"])  # type: ignore[arg-type]
    await stored_teams.replace_avoided(ctx.session, person.id, kept_apart)
    await ctx.queue(Outgoing.dm(keys.signup(event.event_id),
        event.sender,
        confirmation(ctx.program, person, answers, updated=was_active),
    ))
    return Response(close_form=True)


def confirmation(program: Program, person: Person, answers: dict, updated: bool) -> Message:  # type: ignore[type-arg]
    survey = program.survey
    role = str(answers["role"])
    focus = answers["teach"] if role == "mentor" else answers["learn"]
    facts = (
        Fact("Role", ROLE_NAMES[role]),
        Fact("Department", survey.label_of(survey.departments, person.department)),
        Fact("Team", person.team or ""),
        Fact("Timezone", person.timezone or ""),
        Fact(
            "Teaching" if role == "mentor" else "Learning",
            ", ".join(survey.topic_label(t) for t in focus) or "nothing yet",
        ),
        Fact("Meeting", survey.label_of(survey.cadences, str(answers["cadence"]))),
    )
    if updated:
        return Message(
            title="Profile updated",
            text="Thanks, your answers are saved. The next matching round will use them.",
            facts=facts,
        )
    chooser = choosing(program) and role == "mentee"
    return Message(
        title=f"Welcome to {program.name}!",
        text=(
            "You're in. Here's what happens next:\n"
            + ("- Choose your own mentor: type `suggest` (or press the button) to see who fits "
               "you best, and send a request; we never suggest your own team.\n" if chooser else
               "- An admin runs the next matching round; we never pair you with your own team.\n")
            +
            "- You'll both get an introduction with roles, expectations and a first agenda.\n"
            "- Each week a conversation prompt arrives here to keep things going.\n"
            "Type `status` any time, `profile` to change your answers, or `pause` for a break."
        ),
        facts=facts,
        buttons=suggest_buttons(program, role),
    )
