"""Hard rules nobody can dodge: teams are identities (from app.yaml's list or the HR import),
nobody is paired within their reporting line, and typed names from before the list join it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from features.matching import teams
from storage import hr
from storage import teams as stored_teams
from storage.database import Database
from storage.models import HrRecord, MatchRound, Pair, Person, PersonAvoid, Team
from tests.support.world import World

SENIOR = {
    "role": "mentee", "seniority": "director", "teach": ("leadership",),
    "learn": ("ai-digital-tools",), "department": "engineering", "team": "payments",
    "cadence": "fortnightly", "timezone": "Europe/London",
}


def typed_teams(program: Program) -> Program:
    return program.model_copy(update={"survey": program.survey.model_copy(update={"teams": {}})})


async def import_hr(world: World, *rows: dict[str, str]) -> None:
    now = world.clock.now()
    async with world.database.session() as session:
        await hr.replace_all(session, [HrRecord(imported_at=now, **row) for row in rows], now)
        await teams.apply_hr(session, world.program)


async def pairs_of(world: World) -> list[Pair]:
    async with world.database.session() as session:
        return list(await session.exec(select(Pair)))


async def test_payments_and_payments_team_are_one_team_for_admin_pair(world: World) -> None:
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join(department="engineering", team="Payments team")  # a name, not the list's id
    await sam.join(**SENIOR)
    refused = (await world.person("ada").say("admin pair @jo @sam")).messages[0].text
    assert "same team" in refused
    assert await pairs_of(world) == []
    async with world.database.session() as session:
        assert len(set((await session.exec(select(Person.team_id).where(Person.role.is_not(None)))).all())) == 1  # type: ignore[union-attr]


async def test_a_team_nobody_lists_is_still_one_identity_in_any_spelling(
    database: Database, program: Program, clock: FrozenClock,
) -> None:
    world = World(database, typed_teams(program), clock)
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join(department="engineering", team="  payments TEAM")
    await sam.join(**{**SENIOR, "team": "Payments"})
    refused = (await world.person("ada").say("admin pair @jo @sam")).messages[0].text
    assert "same team" in refused


async def test_the_hr_import_team_overrules_what_people_pick(world: World) -> None:
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join(team="brand")
    await sam.join(**SENIOR)
    ada = world.person("ada")
    await import_hr(world, {"platform_user_id": "jo", "team": "Payments Team"})
    assert "same team" in (await ada.say("admin pair @jo @sam")).messages[0].text
    await jo.join(team="brand")  # editing the profile cannot leave HR's team
    assert "same team" in (await ada.say("admin pair @jo @sam")).messages[0].text


async def test_nobody_is_paired_within_their_reporting_line(world: World) -> None:
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join()
    await sam.join(**{**SENIOR, "team": "treasury", "department": "finance"})
    # Jo reports to Kai, who reports to Sam: Sam is Jo's manager's manager.
    await import_hr(world, {"platform_user_id": "jo", "manager": "kai"},
                    {"platform_user_id": "kai", "manager": "sam"})
    ada = world.person("ada")
    refused = (await ada.say("admin pair @jo @sam")).messages[0].text
    assert "reporting line" in refused
    preview = (await world.match()).messages[0]
    assert preview.buttons == ()
    async with world.database.session() as session:
        round_ = (await session.exec(select(MatchRound))).one()
    waiting = {w["code"] for w in json.loads(round_.proposal)["waitlist"]}
    assert waiting == {"reporting_line"}
    forced = (await ada.say("admin pair @jo @sam force")).messages[0].text
    assert "override" in forced and "reporting line" in forced


async def test_the_reporting_line_rule_can_be_turned_off(
    database: Database, program: Program, clock: FrozenClock,
) -> None:
    matching = program.matching.model_copy(update={"avoid_reporting_line": False})
    world = World(database, program.model_copy(update={"matching": matching}), clock)
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join()
    await sam.join(**{**SENIOR, "team": "treasury", "department": "finance"})
    await import_hr(world, {"platform_user_id": "jo", "manager": "sam"})
    assert "Paired" in (await world.person("ada").say("admin pair @jo @sam")).messages[0].text


async def test_typed_team_names_join_the_listed_team_they_name(
    database: Database, program: Program,
) -> None:
    """As after migration 0013: a name-only team per typed name; app.yaml's list adopts them."""
    now = datetime(2026, 1, 5, tzinfo=UTC)
    async with database.session() as session:
        ids = []
        for n, name in enumerate(("Payments team", "payments", "Skunkworks")):
            team_id = await stored_teams.resolve(session, stored_teams.name_key(name), name, None)
            session.add(Person(platform="web", user_id=f"p{n}", team=name, team_id=team_id,
                               created_at=now, updated_at=now))
            ids.append(team_id)
        assert ids[0] == ids[1] != ids[2]  # case, spacing and "team" make no other team
    async with database.session() as session:
        assert await teams.adopt_listed(session, program) == 2
    async with database.session() as session:
        people = {p.user_id: p for p in await session.exec(select(Person))}
        listed = (await session.exec(select(Team).where(Team.key == "cfg:payments"))).one()
        assert people["p0"].team_id == people["p1"].team_id == listed.id
        assert people["p0"].team == "Payments"
        assert people["p2"].team_id == ids[2]  # not listed: keeps its own identity


async def test_dont_pair_with_goes_when_either_person_is_forgotten(world: World) -> None:
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    al = world.person("al", display_name="Al")
    await jo.join()
    await al.join()
    await sam.join(**SENIOR, avoid=("jo", "al"))
    async with world.database.session() as session:
        assert len((await session.exec(select(PersonAvoid))).all()) == 2
    refused = (await world.person("ada").say("admin pair @jo @sam force")).messages[0].text
    assert refused == "I can't pair them: this pairing isn't possible under the program's rules."
    await jo.press("membership.leave", "delete")
    async with world.database.session() as session:
        rows = (await session.exec(select(PersonAvoid.avoid_id))).all()
        al_row = (await session.exec(select(Person).where(Person.user_id == "al"))).one()
    assert rows == [al_row.id]
    await sam.press("membership.leave", "delete")
    async with world.database.session() as session:
        assert (await session.exec(select(PersonAvoid))).all() == []
