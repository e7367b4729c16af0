"""A person's own controls: status, pause, resume, leave, and being forgotten."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from storage.models import OutboxMessage, Person, PersonTopic, SurveyAnswers
from tests.support.world import Chat, World


async def the_person(world: World) -> Person:
    async with world.database.session() as session:
        return (await session.exec(select(Person))).one()


async def test_status_before_joining_invites_the_person_to_join(world: World) -> None:
    response = await world.person("jo").say("status")
    assert "haven't joined" in response.messages[0].text


async def test_status_after_joining_shows_role_and_topics(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    message = (await jo.say("status")).messages[0]
    assert message.title == "You're in as a junior mentor"
    assert (
        "Teaching: AI and digital tools, Social media and digital communication" in message.fallback
    )


async def test_pause_until_a_date_then_resume(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    paused = await jo.say("pause until 24 Dec")
    assert "until Thu 24 Dec 2026" in paused.messages[0].text
    person = await the_person(world)
    assert (person.status, person.paused_until) == ("paused", date(2026, 12, 24))
    assert "on a break" in (await jo.say("status")).messages[0].title  # type: ignore[operator]
    assert "Welcome back" in (await jo.say("resume")).messages[0].text
    assert (await the_person(world)).status == "active"
    assert "not paused" in (await jo.say("resume")).messages[0].text


async def test_a_pause_with_an_unreadable_or_past_date_changes_nothing(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    assert "couldn't read" in (await jo.say("pause until someday")).messages[0].text
    assert "already passed" in (await jo.say("pause until 2020-01-01")).messages[0].text
    assert "up to a year" in (await jo.say("pause until 2030-01-01")).messages[0].text
    assert (await the_person(world)).status == "active"


async def test_a_pause_ends_by_itself_when_its_date_passes(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    await jo.say("pause until 2026-11-30")
    world.clock.advance(timedelta(days=6, hours=14))  # Sun 29 Nov, 23:00 in Berlin
    assert await world.jobs.run("resume_pauses") == 0
    world.clock.advance(timedelta(hours=1))  # Mon 30 Nov, 00:00 in Berlin
    assert await world.jobs.run("resume_pauses") == 1
    assert (await the_person(world)).status == "active"


async def test_leave_asks_first_and_keeps_answers_for_an_easy_return(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    question = (await jo.say("leave")).messages[0]
    assert [b.label for b in question.buttons] == ["Leave", "Leave and delete my data", "Stay"]
    assert (await the_person(world)).status == "active"
    await jo.press("membership.leave", "keep")
    assert (await the_person(world)).status == "left"
    reopened = await jo.say("join")
    assert reopened.form is not None and reopened.form.values["team"] == "inside-sales"


async def test_leave_with_deletion_forgets_everything_personal(world: World) -> None:
    jo = world.person("jo", display_name="Jo Example", email="jo@example.com")
    await jo.join()
    world.clock.advance(timedelta(minutes=1))
    await jo.press("membership.leave", "delete")
    person = await the_person(world)
    assert person.status == "left" and person.data_deleted
    assert (person.user_id, person.display_name, person.email, person.team) == (
        f"deleted-{person.id}",
        None,
        None,
        None,
    )
    async with world.database.session() as session:
        assert list(await session.exec(select(PersonTopic))) == []
        assert list(await session.exec(select(SurveyAnswers))) == []
        (welcome,) = list(await session.exec(select(OutboxMessage)))
    # The welcome queued for them keeps its key (it is never queued again) and nothing else.
    assert (welcome.status, welcome.recipients) == ("withdrawn", "[]")
    assert "Jo" not in welcome.payload and "Inside Sales" not in welcome.payload
    assert await world.deliver() == 0 and world.messenger.sent == []


async def forgotten(world: World) -> Chat:
    jo = world.person("jo", display_name="Jo Example")
    await jo.join()
    await jo.press("membership.leave", "delete")
    return jo


async def people_known(world: World) -> list[tuple[str, str]]:
    async with world.database.session() as session:
        return [(p.user_id, p.status) for p in await session.exec(select(Person))]


async def test_after_deleting_their_data_profile_status_and_buttons_enrol_no_one(
    world: World,
) -> None:
    jo = await forgotten(world)
    for reply in (await jo.say("profile"), await jo.say("status"),
                  await jo.press("signup.open"), await jo.press("membership.resume")):
        assert reply.form is None
        assert "join" in reply.messages[0].text, reply.messages[0].text
    assert "deleted" in (await jo.say("profile")).messages[0].text
    assert await people_known(world) == [("deleted-1", "left")]
    for _ in range(3):  # no signup reminders: nobody is half signed up
        world.clock.advance(timedelta(days=4))
        await world.jobs.run_all()
    assert await world.deliver() == 0 and world.messenger.sent == []


async def test_join_after_deleting_their_data_starts_a_fresh_empty_signup(world: World) -> None:
    jo = await forgotten(world)
    reopened = await jo.say("join")
    assert reopened.form is not None and "team" not in reopened.form.values
    assert sorted(await people_known(world)) == [("deleted-1", "left"), ("jo", "pending")]


async def test_after_leaving_with_answers_kept_profile_says_they_left(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    await jo.press("membership.leave", "keep")
    for reply in (await jo.say("profile"), await jo.press("signup.open")):
        assert reply.form is None and "You left the program on" in reply.messages[0].text
    assert await people_known(world) == [("jo", "left")]
    assert (await jo.say("join")).form is not None
    assert await people_known(world) == [("jo", "pending")]


async def test_stay_keeps_the_person_in(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    assert "Glad" in (await jo.press("membership.stay")).messages[0].text
    assert (await the_person(world)).status == "active"


async def test_someone_whose_pause_has_ended_is_active_when_they_next_write(world: World) -> None:
    jo = world.person("jo")
    await jo.join()
    await jo.say("pause until 2026-11-25")
    world.clock.advance(timedelta(days=2, hours=1))  # 25 Nov 09:00 in Berlin
    assert (await jo.say("status")).messages[0].title == "You're in as a junior mentor"
