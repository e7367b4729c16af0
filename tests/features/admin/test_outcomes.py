"""Outcomes and ROI in stats and the export: what the closing surveys and check-ins say, under
the pulse polls' rules, next to activity figures that are exact at any size."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from config.program import Privacy, Program
from core.clock import FrozenClock
from core.messages import Response
from storage.database import Database
from storage.models import CheckinAnswer, Pair
from tests.support.curious_admin import export, stats
from tests.support.poll_world import (
    ROUND_CLOSED,
    answer,
    answer_closing,
    close_cohort,
    everyone,
    later,
    open_round,
    pairs_of,
)
from tests.support.world import Chat, World


def section(text: str, title: str) -> str:
    return text.split(f"*{title}*", 1)[1].split("\n*", 1)[0]


async def pair_ids(world: World) -> list[int]:
    async with world.database.session() as session:
        return list((await session.exec(select(Pair.id).order_by(col(Pair.id)))).all())  # type: ignore[arg-type]


async def close_pairing(chat: Chat, pair_id: int, recommend: int, *, leader: str = "yes",
                        learned: str = "", share: bool = True) -> Response:
    """A pair's own closing survey, as its end brings it."""
    return await chat.submit(
        {"grew": "yes", "future_leader": leader, "changed_view": "more",
         "recommend": str(recommend), "helps_retention": "yes", "learned": learned,
         "share": ("share",) if share else ()}, form_id="checkin", context=f"{pair_id}:end")


async def test_a_pilot_of_three_pairs_sees_exact_activity_but_too_few_to_report_for_scores(
    world: World,
) -> None:
    made = await pairs_of(world, 3)
    poll = await open_round(world)
    for person in everyone(made)[:4]:
        await answer(person, poll, 5)
    await later(world, ROUND_CLOSED)
    for junior, _ in made:
        assert "Logged your meeting" in (await junior.say("met")).messages[0].text
    text = await stats(world)
    assert "Enrolled so far: 6 people" in text
    assert "Pairs formed: 3 · active: 3" in text
    assert "Meetings logged: 3 · prompts delivered:" in text
    assert "“We met” reported by 3 of 3 pairs (100%)" in text
    assert "Pairs that met in the last 30 days: 3 of 3 active (100%)" in text
    assert "Average value: too few to report" in text and "5.0" not in text
    assert "Exact at any size" in text and "only over at least 5 people" in text


async def test_closing_outcomes_are_released_in_a_batch_of_enough_answers_and_never_move_by_one(
    world: World,
) -> None:
    made = await pairs_of(world, 4)
    ids = await pair_ids(world)
    people = [(chat, pair_id) for (junior, senior), pair_id in zip(made, ids, strict=True)
              for chat in (junior, senior)]
    for n, (chat, pair_id) in enumerate(people[:5]):
        done = await close_pairing(chat, pair_id, (5, 5, 4, 2, 5)[n], learned=f"words {n}")
        assert done.close_form, done
    before = section(await stats(world), "Outcomes")
    assert "nothing released yet" in before and "waiting for the next release: 5" in before
    assert "words 0" not in str(await export(world))

    await open_round(world)
    await later(world, ROUND_CLOSED)
    released = section(await stats(world), "Outcomes")
    assert "Closing surveys (5 answers): a potential future leader surfaced 100%" in released
    assert "60% promoters (5 of 5), 20% detractors (1–3) · NPS-style score +40" in released
    # Senior mentees (two of the five) are under five: their figures stay hidden.
    assert "help keep junior staff: too few to report" in released
    words = {row["comment"] for row in (await export(world))["comments.csv"]}
    assert {"words 0", "words 4"} <= words
    figures = {row["figure"]: row["value"] for row in (await export(world))["outcomes.csv"]}
    assert figures["closing: would recommend, NPS-style score"] == "40"

    # A sixth answer, then a release: the figures stay as they were, or they'd give it away.
    await close_pairing(*people[5], 1, leader="no", learned="the hunted words")
    await later(world, ROUND_CLOSED + timedelta(days=28))
    await open_round(world, ROUND_CLOSED + timedelta(days=28))
    await later(world, ROUND_CLOSED + timedelta(days=40))
    assert section(await stats(world), "Outcomes") .split("\n- Check-in")[0] == \
        released.split("\n- Check-in")[0]
    assert "the hunted words" not in str(await export(world))


async def test_senior_mentees_answer_the_fourth_roi_question_and_juniors_do_not(
    world: World,
) -> None:
    (junior, senior), = await pairs_of(world, 1)
    (pair_id,) = await pair_ids(world)
    senior_form = (await senior.press("checkin.open", f"{pair_id}:end")).form
    junior_form = (await junior.press("checkin.open", f"{pair_id}:end")).form
    assert senior_form is not None and junior_form is not None
    question = senior_form.field("helps_retention").label
    assert "retention among more junior staff" in question
    assert "helps_retention" not in [f.name for f in junior_form.fields]
    missing = await senior.submit({"grew": "yes", "future_leader": "yes", "changed_view": "more",
                                   "recommend": "5"}, form_id="checkin",
                                  context=f"{pair_id}:end")
    assert set(missing.errors) == {"helps_retention"}
    await close_pairing(senior, pair_id, 5)
    async with world.database.session() as session:
        saved = (await session.exec(select(CheckinAnswer))).one()
    assert saved.helps_retention == "yes"


async def test_a_cohorts_closing_survey_adds_to_the_outcomes_once_it_is_released(
    database: Database, program: Program, clock: FrozenClock,
) -> None:
    world = World(database, program.model_copy(update={"privacy": Privacy(min_group_size=2)}),
                  clock)
    await world.person("ada").say("admin cohort start Pilot")
    people = everyone(await pairs_of(world, 1))
    cohort = await close_cohort(world)
    for person in people:
        assert (await answer_closing(person, cohort, 5)).close_form
    assert "nothing released yet" in section(await stats(world), "Outcomes")
    await later(world, clock.now() + timedelta(days=8))
    released = section(await stats(world), "Outcomes")
    assert "Closing surveys (2 answers): a potential future leader surfaced 100%" in released
    assert "NPS-style score +100" in released
