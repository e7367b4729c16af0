"""Milestones of a six-month pairing, each at 09:30 in the right person's timezone: the
mid-point check-in, the closing agenda, the closing survey and a kind ending; an early
"we reached our goals"; a cohort that closes itself on its end date."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from config.program import Privacy, Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import CheckinAnswer, Cohort, GoalRating, MatchExclusion, Pair, Person, Status
from tests.support.engagement_world import introduced_pair, kick_off, matched_pair, tick
from tests.support.poll_world import ROUND_CLOSED, ROUND_OPENS
from tests.support.world import World

PAIRED = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # kick-off agreed; ends Sun 23 May 2027
MID = datetime(2027, 2, 21)  # half-way; both in winter time
CLOSING_AGENDA = datetime(2027, 5, 9)  # two weeks before the end; both in summer time
END = datetime(2027, 5, 23)


def keyed(world: World, prefix: str, user: str | None = None) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent if s.key.startswith(prefix)
            and (user is None or user in s.user_ids)]


def utc(day: datetime, hour: int, minute: int) -> datetime:
    return day.replace(hour=hour, minute=minute, tzinfo=UTC)


async def jo_in_berlin_sam_in_new_york(world: World) -> Pair:
    jo, sam, pair = await introduced_pair(world, timezone="America/New_York")
    await kick_off(world, sam, jo, pair, goal_2="Record one short video for my team")
    return pair


async def test_role_guides_reach_each_person_once_the_kick_off_is_agreed(world: World) -> None:
    await jo_in_berlin_sam_in_new_york(world)
    (junior,) = keyed(world, "milestone:", "jo")
    (senior,) = keyed(world, "milestone:", "sam")
    assert "you lead" in (junior.message.title or "") and "to learn" in (senior.message.title or "")
    assert junior.user_ids == ("jo",) and 3 <= junior.message.text.count("\n- ") + 1 <= 5


async def test_the_mid_point_arrives_at_half_past_nine_for_each_of_them(world: World) -> None:
    await jo_in_berlin_sam_in_new_york(world)
    await tick(world, utc(MID, 8, 29))  # 09:29 in Berlin
    assert keyed(world, "checkin:") == []
    await tick(world, utc(MID, 8, 31))
    assert [s.user_ids for s in keyed(world, "checkin:")] == [("jo",)]
    assert keyed(world, "milestone:1:mid") == []  # the pair's agenda follows Sam's morning
    await tick(world, utc(MID, 14, 31))  # 09:31 in New York
    await tick(world, utc(MID, 15, 0))
    assert [s.user_ids for s in keyed(world, "checkin:")] == [("jo",), ("sam",)]
    (agenda,) = keyed(world, "milestone:1:mid")
    assert agenda.user_ids == ("jo", "sam") and "Mid-point" in (agenda.message.title or "")


async def test_the_check_in_is_stored_per_goal_and_bad_answers_change_nothing(
    world: World,
) -> None:
    pair = await jo_in_berlin_sam_in_new_york(world)
    sam = world.person("sam")
    form = (await sam.press("checkin.open", f"{pair.id}:mid")).form
    assert form is not None and [f.name for f in form.fields] == ["goal_1", "goal_2", "grew"]
    assert "applied something new" in form.field("grew").label
    junior_form = (await world.person("jo").press("checkin.open", f"{pair.id}:mid")).form
    assert junior_form is not None and "grown in leading" in junior_form.field("grew").label
    bad = await sam.submit({"goal_1": "done!", "grew": "yes"}, form_id="checkin",
                           context=f"{pair.id}:mid")
    assert set(bad.errors) == {"goal_1", "goal_2"}
    await sam.submit({"goal_1": "achieved", "goal_2": "progressing", "grew": "partly"},
                     form_id="checkin", context=f"{pair.id}:mid")
    stranger = await world.person("kim").press("checkin.open", f"{pair.id}:mid")
    assert stranger.form is None
    async with world.database.session() as session:
        ratings = (await session.exec(select(GoalRating).order_by(GoalRating.goal_number))).all()
        answer = (await session.exec(select(CheckinAnswer))).one()
    assert [(r.goal_number, r.rating, r.stage) for r in ratings] == [
        (1, "achieved", "mid"), (2, "progressing", "mid")]
    assert answer.grew == "partly" and answer.role == "mentee"


async def test_closing_agenda_two_weeks_before_and_the_end_in_each_timezone_across_dst(
    world: World,
) -> None:
    pair = await jo_in_berlin_sam_in_new_york(world)
    await tick(world, utc(CLOSING_AGENDA, 13, 29))  # 09:29 in New York, summer time
    assert keyed(world, "milestone:1:closing") == []
    await tick(world, utc(CLOSING_AGENDA, 13, 31))
    (agenda,) = keyed(world, "milestone:1:closing")
    assert agenda.user_ids == ("jo", "sam") and "Closing" in (agenda.message.title or "")

    await tick(world, utc(END, 7, 29))  # 09:29 in Berlin, summer time
    assert keyed(world, "checkin:1:end") == []
    await tick(world, utc(END, 7, 31))
    assert [s.user_ids for s in keyed(world, "checkin:1:end")] == [("jo",)]
    assert keyed(world, "farewell:") == []  # the pairing ends once both had their survey
    await tick(world, utc(END, 13, 31))
    await tick(world, utc(END, 18, 0))
    assert [s.user_ids for s in keyed(world, "checkin:1:end")] == [("jo",), ("sam",)]
    assert sorted(s.user_ids for s in keyed(world, "farewell:")) == [("jo",), ("sam",)]
    async with world.database.session() as session:
        ended = await session.get(Pair, pair.id)
        people = (await session.exec(select(Person).where(Person.user_id.in_(("jo", "sam"))))).all()  # type: ignore[attr-defined]
    assert ended is not None and ended.status == "ended" and ended.end_reason == "completed"
    assert {p.status for p in people} == {Status.PAUSED}  # resting until they opt in again
    farewell = keyed(world, "farewell:", "sam")[0].message
    again = await world.person("sam").press(farewell.buttons[0].action_id, farewell.buttons[0].value)
    assert "next matching round" in again.messages[0].text


async def test_the_closing_survey_asks_per_goal_the_new_skill_and_the_roi_questions(
    world: World,
) -> None:
    pair = await jo_in_berlin_sam_in_new_york(world)
    jo = world.person("jo")
    form = (await jo.press("checkin.open", f"{pair.id}:end")).form
    assert form is not None
    names = [f.name for f in form.fields]
    assert names[:3] == ["goal_1", "goal_2", "grew"] and {"recommend", "learned"} <= set(names)
    done = await jo.submit({"goal_1": "achieved", "goal_2": "not-started", "grew": "yes",
                            "future_leader": "yes", "changed_view": "more", "recommend": "5"},
                           form_id="checkin", context=f"{pair.id}:end")
    assert done.close_form and not done.errors
    async with world.database.session() as session:
        answer = (await session.exec(select(CheckinAnswer))).one()
    assert answer.stage == "end" and answer.recommend == 5


async def test_ending_early_because_the_goals_are_reached_is_a_success(world: World) -> None:
    jo, sam, pair = await matched_pair(world)
    await world.person("ada").say("help")
    reply = await sam.confirm("end goals")
    assert "Congratulations" in reply.messages[0].text
    await world.deliver()
    assert sorted(s.user_ids for s in keyed(world, "checkin:1:end")) == [("jo",), ("sam",)]
    assert sorted(s.user_ids for s in keyed(world, "farewell:")) == [("jo",), ("sam",)]
    async with world.database.session() as session:
        ended = await session.get(Pair, pair.id)
        excluded = (await session.exec(select(MatchExclusion))).all()
        people = (await session.exec(select(Person).where(Person.user_id.in_(("jo", "sam"))))).all()  # type: ignore[attr-defined]
    assert ended is not None and ended.status == "ended" and ended.end_reason == "goals reached"
    assert excluded == [] and {p.status for p in people} == {Status.PAUSED}
    status = await jo.say("status")
    assert "break" in (status.messages[0].title or "")


async def test_a_cohort_end_date_warns_the_admins_and_closes_the_cohort(world: World) -> None:
    ada = world.person("ada")
    await ada.say("admin cohort start Winter 2027 ends 2027-01-31")
    await matched_pair(world)
    for day in (10, 16, 17, 18, 30):
        await tick(world, datetime(2027, 1, day, 9, 0, tzinfo=UTC))
    warned = [m for m in world.messenger.to("ada") if m.title == "A cohort ends in two weeks"]
    assert len(warned) == 1 and "Sun 31 Jan 2027" in warned[0].text
    await tick(world, datetime(2027, 1, 31, 0, 30, tzinfo=UTC))
    await tick(world, datetime(2027, 1, 31, 9, 0, tzinfo=UTC))
    closed = [m for m in world.messenger.to("ada") if m.title == "A cohort has closed"]
    assert len(closed) == 1 and "1 pair ended" in closed[0].text
    assert sorted(s.user_ids for s in keyed(world, "closing:")) == [("jo",), ("sam",)]
    async with world.database.session() as session:
        cohort = (await session.exec(select(Cohort))).one()
        pair = (await session.exec(select(Pair))).one()
    assert cohort.closed_at is not None and pair.status == "ended"


async def _both_rate(world: World) -> None:
    pair = await jo_in_berlin_sam_in_new_york(world)
    for user, first in (("jo", "achieved"), ("sam", "progressing")):
        await world.person(user).submit(
            {"goal_1": first, "goal_2": "not-started", "grew": "yes"}, form_id="checkin",
            context=f"{pair.id}:mid")


async def test_admins_see_goal_progress_only_once_released_and_over_enough_people(
    world: World,
) -> None:
    await _both_rate(world)
    await tick(world, ROUND_OPENS)
    await tick(world, ROUND_CLOSED)
    text = (await world.person("ada").say("admin stats")).messages[0].text
    outcomes = text.split("*Outcomes*", 1)[1].split("\n*", 1)[0]
    assert "Goals at the mid-point" not in outcomes and "achieved" not in outcomes
    assert "Check-in answers waiting for the next release: 2" in outcomes


async def test_admins_see_goal_progress_as_shares_once_released_over_a_large_enough_group(
    database: Database, program: Program, clock: FrozenClock,
) -> None:
    world = World(database, program.model_copy(update={"privacy": Privacy(min_group_size=2)}),
                  clock)
    await _both_rate(world)
    ada = world.person("ada")
    assert "Goals at the mid-point" not in (await ada.say("admin stats")).messages[0].text
    await tick(world, ROUND_OPENS)
    await tick(world, ROUND_CLOSED)  # the poll round's release is the check-ins' batch too
    text = (await ada.say("admin stats")).messages[0].text
    assert "Goals at the mid-point (2 people): 25% achieved · 25% progressing · 50% not started" \
        in text
