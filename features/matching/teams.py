"""Teams as identities: the survey's list (app.yaml `survey.teams`), the HR import's team
column, and the key the matching engine compares. Never two names compared as strings."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from config.program import Program
from core.context import Context
from core.messages import Choice
from storage import teams
from storage.models import Person
from storage.teams import Listed


def listed(program: Program) -> list[Listed]:
    return [Listed(team.id, team.label, department)
            for department, team in program.survey.all_teams()]


def choices(program: Program) -> tuple[Choice, ...]:
    """The listed teams, department by department, each labelled with its department."""
    survey = program.survey
    return tuple(Choice(team.id, f"{survey.label_of(survey.departments, department)} · "
                                 f"{team.label}")
                 for department, team in survey.all_teams())


def find(program: Program, value: str) -> Listed | None:
    """The listed team a survey answer names: its id, or its name in any case or spacing."""
    wanted = teams.normalised(value)
    if not wanted:
        return None
    return next((t for t in listed(program)
                 if value == t.id or wanted in (teams.normalised(t.label),
                                                teams.normalised(t.id))), None)


async def identify(ctx: Context, person: Person, value: str) -> tuple[int, str]:
    """The person's team identity and its name: the HR import's team when it has one (the
    survey cannot overrule HR), else the listed team they picked, else the name they typed."""
    from_hr = await teams.hr_team_of(ctx.session, person)
    if from_hr is not None:
        value = from_hr
    found = find(ctx.program, value)
    if found is not None:
        key = teams.listed_key(found.id)
        return await teams.resolve(ctx.session, key, found.label, found.department), found.label
    return await teams.resolve(ctx.session, teams.name_key(value), value, person.department), value


def identity(person: Person) -> str:
    """What the never-same-team rule compares. Someone without a team id (a row from before
    teams were identities) is known by the normalised name, which errs on the side of "same";
    someone with no team at all shares it with nobody."""
    if person.team_id is not None:
        return f"team:{person.team_id}"
    name = teams.normalised(person.team or "")
    return teams.name_key(name) if name else f"alone:{person.id}"


async def adopt_listed(session: AsyncSession, program: Program) -> int:
    """At start-up: names typed before app.yaml listed teams join the listed team they name."""
    return await teams.adopt_listed(session, listed(program))


async def apply_hr(session: AsyncSession, program: Program) -> int:
    """After an HR import: its team column becomes everyone's team."""
    return await teams.apply_hr_teams(session, listed(program))
