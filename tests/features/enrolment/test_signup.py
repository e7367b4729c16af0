"""Signup: the survey opens pre-filled, bad answers change nothing, good ones make a profile."""

from __future__ import annotations

from sqlmodel import func, select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import Person, PersonTopic
from tests.support.world import GOOD_ANSWERS, World


async def count(world: World, model: type) -> int:
    async with world.database.session() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def test_join_opens_the_survey_with_the_platform_timezone_prefilled(world: World) -> None:
    response = await world.person("jo", timezone="america/new_york").say("join")
    assert response.form is not None and response.form.form_id == "signup"
    assert response.form.values == {"timezone": "America/New_York"}
    assert {f.name for f in response.form.fields} >= {"role", "team", "teach", "learn", "goals"}


async def test_a_junior_mentor_without_teach_topics_gets_an_error_next_to_the_field(
    world: World,
) -> None:
    jo = world.person("jo")
    await jo.say("join")
    response = await jo.submit({**GOOD_ANSWERS, "teach": ()})
    assert set(response.errors) == {"teach"}
    assert "at least one topic you can teach" in response.errors["teach"]
    async with world.database.session() as session:
        person = (await session.exec(select(Person))).one()
    assert person.status == "pending" and person.role is None


async def test_a_senior_mentee_needs_a_learn_topic_and_every_bad_field_is_named(
    world: World,
) -> None:
    sam = world.person("sam")
    await sam.say("join")
    response = await sam.submit(
        {
            "role": "mentee",
            "department": "nope",
            "team": " ",
            "timezone": "Mars/Olympus",
            "goals": "x" * 501,
        }
    )
    assert set(response.errors) == {
        "department",
        "team",
        "timezone",
        "seniority",
        "learn",
        "goals",
        "cadence",
        "meeting_mode",
    }
    assert "Europe/Berlin" in response.errors["timezone"]


async def test_a_valid_survey_activates_the_person_and_sends_one_welcome_dm(world: World) -> None:
    jo = world.person("jo", display_name="Jo")
    response = await jo.join()
    assert response.close_form and not response.errors
    assert await world.deliver() == 1
    (welcome,) = world.messenger.to("jo")
    assert welcome.title == "Welcome to Turnabout!"
    assert "AI and digital tools, Social media and digital communication" in welcome.fallback
    assert await world.deliver() == 0
    async with world.database.session() as session:
        person = (await session.exec(select(Person))).one()
    assert (person.status, person.role, person.timezone) == ("active", "mentor", "Europe/Berlin")


async def test_joining_twice_edits_the_profile_and_never_duplicates_it(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    reopened = await jo.say("profile")
    assert reopened.form is not None and reopened.form.values["teach"] == (
        "ai-digital-tools",
        "social-media",
    )
    await jo.submit({**GOOD_ANSWERS, "teach": ("future-of-work",)})
    assert await count(world, Person) == 1
    assert await count(world, PersonTopic) == 1
    await world.deliver()
    assert [m.title for m in world.messenger.to("jo")] == [
        "Welcome to Turnabout!",
        "Profile updated",
    ]


async def test_the_same_submission_delivered_twice_changes_nothing_the_second_time(
    world: World,
) -> None:
    jo = world.person("jo")
    await jo.say("join")
    await jo.submit(GOOD_ANSWERS, event_id="retry-me")
    again = await jo.submit({**GOOD_ANSWERS, "team": "other-team"}, event_id="retry-me")
    assert again.messages == () and again.form is None
    await world.deliver()
    assert len(world.messenger.to("jo")) == 1
    async with world.database.session() as session:
        assert (await session.exec(select(Person.team))).one() == "Inside Sales"


async def test_emoji_and_markup_in_answers_are_kept_but_control_characters_are_not(
    database: Database, program: Program, clock: FrozenClock,
) -> None:
    # Without app.yaml's team list, people type their team's name.
    typed = program.model_copy(update={"survey": program.survey.model_copy(update={"teams": {}})})
    world = World(database, typed, clock)
    jo = world.person("jo")
    await jo.join(team="Growth 🚀 <b>team</b>\u200b", goals="Learn *everything*\x00")
    async with world.database.session() as session:
        person = (await session.exec(select(Person))).one()
    assert person.team == "Growth 🚀 <b>team</b>"
