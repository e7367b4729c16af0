"""A curious admin tries to learn one person's answer from what stats and the export publish.

Each test plays an attack that worked before poll results were released once per round and
before answers kept the group they were given in; each must now learn nothing.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from tests.support.curious_admin import (
    Seen,
    attributed,
    closing_in_stats,
    comments_in_export,
    export,
    learned_over_time,
    one_answer_between,
    poll_in_export,
    poll_in_stats,
    stats,
)
from tests.support.poll_world import (
    ROUND_CLOSED,
    ROUND_OPENS,
    answer,
    answer_closing,
    close_cohort,
    everyone,
    later,
    open_round,
    pairs_of,
)
from tests.support.world import World


async def test_the_sixth_answer_cannot_be_read_off_the_change_in_the_average(
    world: World,
) -> None:
    people = everyone(await pairs_of(world, 4))
    poll = await open_round(world)
    in_stats: list[Seen] = []
    in_export: list[Seen] = []

    async def look() -> None:
        in_stats.append(poll_in_stats(await stats(world)))
        in_export.append(poll_in_export(await export(world)))

    for person, value in zip(people[:5], (5, 4, 4, 4, 4), strict=True):
        assert (await answer(person, poll, value)).close_form
    await look()  # five answers: 4.2
    await answer(people[5], poll, 3)  # the answer the admin is after
    await look()  # six answers: 4.0
    await later(world, ROUND_CLOSED)
    await look()
    late = await answer(people[6], poll, 1)  # after the poll closed
    await look()

    assert learned_over_time(in_stats) is None, in_stats
    assert learned_over_time(in_export) is None, in_export
    # Before the round closes the admin sees how many answered, and nothing of what.
    assert in_stats[0] == in_export[0] == Seen(5, None)
    assert in_stats[1] == in_export[1] == Seen(6, None)
    # Released once, when it closed, and never changed by a late answer.
    assert in_stats[2] == in_stats[3] == in_export[2] == in_export[3] == Seen(6, 4.0)
    assert not late.close_form and "closed" in late.messages[0].text


async def test_cohorts_built_after_the_answers_reveal_none_of_them(world: World) -> None:
    made = await pairs_of(world, 9)
    poll = await open_round(world)
    for n, (junior, senior) in enumerate(made):
        await answer(junior, poll, 1 if n == 5 else 4)  # Junior 5's answer is the one hunted
        if n != 5:
            await answer(senior, poll, 4)
    await later(world, ROUND_CLOSED)
    ada = world.person("ada")
    for n in range(6):
        await ada.confirm(f"admin unpair @j{n}")
    # Two cohorts made of people who answered before either existed: the same five pairs,
    # then those five and the sixth.
    await ada.say("admin cohort start Five")
    await pairs_of(world, 5, force=True)
    await close_cohort(world)
    await ada.say("admin cohort start Six")
    await pairs_of(world, 6, force=True)

    five, six = [poll_in_stats(await stats(world, f"cohort {n}")) for n in ("Five", "Six")]
    five_csv, six_csv = [await export(world, f"cohort {n}") for n in ("Five", "Six")]

    assert one_answer_between(five, six) is None, (five, six)
    assert one_answer_between(poll_in_export(five_csv), poll_in_export(six_csv)) is None
    # Answers count for a cohort only when given while the person was in it: here, none.
    assert five.average is None and six.average is None
    assert poll_in_stats(await stats(world)) == Seen(17, 3.8)


async def test_a_cohorts_closing_survey_is_released_once_when_it_closes(world: World) -> None:
    ada = world.person("ada")
    await ada.say("admin cohort start Spring")
    people = everyone(await pairs_of(world, 4))
    cohort = await close_cohort(world)
    seen: list[Seen] = []
    words: list[set[str]] = []

    async def look() -> None:
        seen.append(closing_in_stats(await stats(world, "cohort Spring")))
        words.append(comments_in_export(await export(world, "cohort Spring")))

    for n, person in enumerate(people[:5]):
        assert (await answer_closing(person, cohort, 5 if n == 0 else 4,
                                     learned=f"what person {n} learned")).close_form
    await look()  # five answers: 4.2, and five shared answers in comments.csv
    await answer_closing(people[5], cohort, 3, learned="the hunted words")
    await look()
    await later(world, world.clock.now() + timedelta(days=8))
    await look()
    late = await answer_closing(people[6], cohort, 1, learned="too late")
    await look()

    assert learned_over_time(seen) is None, seen
    assert all(attributed(a, b) is None for a, b in itertools.pairwise(words)), words
    assert words[0] == words[1] == set()  # nothing shown while the survey is open
    assert words[2] == words[3] and "the hunted words" in words[2] and "too late" not in words[3]
    assert seen[2] == seen[3] == Seen(6, 4.0)
    assert not late.close_form


async def test_a_closing_survey_too_few_answered_shows_no_figure_and_no_words(
    world: World,
) -> None:
    ada = world.person("ada")
    await ada.say("admin cohort start Tiny")
    people = everyone(await pairs_of(world, 2))
    cohort = await close_cohort(world)
    for person in people:
        await answer_closing(person, cohort, 2, learned=f"words of {person.address.user_id}")
    await later(world, world.clock.now() + timedelta(days=8))

    text = await stats(world, "cohort Tiny")
    assert closing_in_stats(text) == Seen(4, None) and "too few to report" in text
    assert comments_in_export(await export(world, "cohort Tiny")) == set()


async def test_stats_speak_of_the_poll_round_by_its_date(world: World) -> None:
    people = everyone(await pairs_of(world, 3))
    poll = await open_round(world, ROUND_OPENS)
    for person in people[:5]:
        await answer(person, poll, 4)
    text = await stats(world)
    assert "poll of 28 dec" in text.lower() and "W53" not in text
    await later(world, ROUND_CLOSED)
    text = await stats(world)
    assert "poll of 28 dec" in text.lower() and "response rate 83%" in text
    files = await export(world)
    assert [row["poll"] for row in files["polls.csv"]] == ["2026-12-28"]
