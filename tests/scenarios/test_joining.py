"""Joining: the survey, its errors, editing it later, and asking where one stands."""

from __future__ import annotations

from sqlmodel import func, select

from storage.models import Person, PersonTopic, SurveyAnswers
from tests.support.drivers import ChatWorld, forms
from tests.support.drivers.journeys import JUNIOR, SENIOR, join


async def rows(chat: ChatWorld, table: type) -> int:
    async with chat.service.database.session() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


async def test_a_survey_missing_an_answer_comes_back_marked_and_saves_nothing_until_fixed(
    chat: ChatWorld,
) -> None:
    jo = chat.person("jo")

    [survey] = forms(await jo.say("join"), "signup")
    assert {"role", "team", "teach", "learn", "timezone"} <= set(survey.fields)
    assert survey.values.get("timezone") == "Europe/Berlin"  # from the platform's profile

    marked = forms(await jo.submit({**JUNIOR, "teach": ()}), "signup")
    assert [set(f.errors) for f in marked] == [{"teach"}]
    assert marked[0].values["team"] == "inside-sales"  # what was picked is kept
    assert (await chat.row(jo)).status == "pending"  # type: ignore[union-attr]
    assert await rows(chat, SurveyAnswers) == await rows(chat, PersonTopic) == 0

    [welcome] = await jo.submit({"teach": ("ai-digital-tools",)})
    assert welcome.form is None and welcome.facts["Team"] == "Inside Sales"
    person = await chat.row(jo)
    assert person is not None and (person.status, person.role) == ("active", "mentor")
    assert await rows(chat, SurveyAnswers) == 1


async def test_joining_again_edits_the_same_profile_and_never_duplicates_the_person(
    chat: ChatWorld,
) -> None:
    sam = chat.person("sam", "Europe/London")
    await join(sam, SENIOR)

    [profile] = forms(await sam.say("join"), "signup")
    assert profile.title != forms(await sam.inbox(), "signup")[0].title  # not "Join" again
    assert profile.values["team"] == "treasury"
    assert profile.values["learn"] == ("ai-digital-tools", "social-media")
    [updated] = await sam.submit({"team": "risk"})  # everything else as pre-filled

    assert updated.facts["Team"] == "Risk"
    assert await rows(chat, Person) == await rows(chat, SurveyAnswers) == 1
    assert (await chat.row(sam)).team == "Risk"  # type: ignore[union-attr]


async def test_status_shows_a_member_their_role_and_topics_and_a_stranger_how_to_join(
    chat: ChatWorld,
) -> None:
    jo, morgan = chat.person("jo"), chat.person("morgan")
    await join(jo, JUNIOR)

    [status] = await jo.say("status")
    [stranger] = await morgan.say("status")

    assert status.facts["Team"] == "Inside Sales"
    assert status.facts["Teaching"] == "AI and digital tools, Social media and digital communication"
    assert status.buttons == ()
    assert stranger.facts == {} and stranger.buttons == () and "join" in stranger.text
    assert await chat.row(morgan) is None  # asking changes nothing
