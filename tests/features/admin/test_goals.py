"""Program goals, as the program team reads them in `admin goals` and at the top of stats:
a goal drawn from answers moves only when answers are released, over enough people."""

from __future__ import annotations

from sqlmodel import col, select

from core.messages import Response
from storage.models import Pair
from tests.support.poll_world import (
    ROUND_CLOSED,
    answer,
    everyone,
    later,
    open_round,
    pairs_of,
)
from tests.support.world import Chat, World


async def goals(world: World, args: str = "") -> str:
    reply = await world.person("ada").say(f"admin goals {args}".strip())
    return "\n".join(m.text for m in reply.messages)


def goal_line(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


async def pair_ids(world: World) -> list[int]:
    async with world.database.session() as session:
        return list((await session.exec(select(Pair.id).order_by(col(Pair.id)))).all())  # type: ignore[arg-type]


async def check_in(chat: Chat, pair_id: int, grew: str) -> Response:
    return await chat.submit({"grew": grew}, form_id="checkin", context=f"{pair_id}:mid")


async def test_a_goal_turns_on_track_once_enough_seniors_said_they_applied_a_skill_and_it_was_released(
    world: World,
) -> None:
    made = await pairs_of(world, 7)
    ids = await pair_ids(world)
    seniors = [senior for _, senior in made]
    for senior, pair_id in zip(seniors[:4], ids, strict=False):
        assert (await check_in(senior, pair_id, "yes")).close_form
    before = goal_line(await goals(world), "applying a new skill")
    assert "too few to report" in before and "target 25%" in before and "by Sun 23 May 2027" in before

    await check_in(seniors[4], ids[4], "no")
    unreleased = goal_line(await goals(world), "applying a new skill")
    assert "too few to report" in unreleased  # five answers, but no release yet

    await open_round(world)
    await later(world, ROUND_CLOSED)
    released = goal_line(await goals(world), "applying a new skill")
    assert "now 80%" in released and "on track since Tue 5 Jan 2027" in released, released

    # One more answer does not move the figure: it would give that answer away.
    await check_in(seniors[5], ids[5], "no")
    await later(world, ROUND_CLOSED.replace(day=30))
    assert "now 80%" in goal_line(await goals(world), "applying a new skill")


async def test_enrolment_and_meeting_rhythm_are_exact_even_in_a_pilot_of_three_pairs(
    world: World,
) -> None:
    people = everyone(await pairs_of(world, 3))
    assert "too early" in goal_line(await goals(world), "Average satisfaction")  # no poll yet
    poll = await open_round(world)
    for person in people[:4]:
        await answer(person, poll, 5)
    await later(world, ROUND_CLOSED)
    text = await goals(world)
    enrolment = goal_line(text, "People enrolled")
    assert "now 6" in enrolment and "target 20" in enrolment, enrolment
    assert "too few to report" in goal_line(text, "Average satisfaction")
    assert "exact" in text


async def test_the_goals_head_the_stats(world: World) -> None:
    await pairs_of(world, 1)
    text = "\n".join(m.text for m in (await world.person("ada").say("admin stats")).messages)
    assert text.index("*Program goals*") < text.index("*Enrollment*")
    assert "applying a new skill" in text.split("*Enrollment*")[0]
