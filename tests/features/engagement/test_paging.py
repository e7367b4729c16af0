"""Jobs read the program a page of pairs at a time, each page its own transaction: a page
boundary loses nobody and doubles nothing, and a rerun queues nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlmodel import col, func, select

from features.engagement import nudges, prompts
from features.feedback import pulse
from features.journey import milestones
from storage.models import OutboxMessage, Pair, PairFlag, PollInvitation
from tests.support.engagement_world import JUNIOR, SENIOR, kick_off, tick
from tests.support.world import World

PAIRS = 5
FIRST_MONDAY = datetime(2026, 11, 30, 9, 45, tzinfo=UTC)  # after 09:30 in London


async def started_pairs(world: World, count: int = PAIRS) -> None:
    """Jo 1 … Jo n and Sam 1 … Sam n, paired by the program team, kick-off confirmed."""
    for n in range(1, count + 1):
        jo = world.person(f"jo{n}", display_name=f"Jo {n}")
        sam = world.person(f"sam{n}", display_name=f"Sam {n}")
        await jo.join(**JUNIOR)
        await sam.join(**SENIOR)
        await world.person("ada").say(f"admin pair @jo{n} @sam{n}")
        async with world.database.session() as session:
            pair = (await session.exec(select(Pair).order_by(col(Pair.id).desc()))).first()
        assert pair is not None
        await kick_off(world, sam, jo, pair)
    world.messenger.sent.clear()


def pages_of(world: World, size: int) -> None:
    """Every paged job reads `size` pairs (or people) at a time."""
    world.jobs.jobs.update({
        "weekly_prompts": partial(prompts.run, batch=size),
        "nudges": partial(nudges.run, batch=size),
        "signup_reminders": partial(nudges.remind_signups, batch=size),
        "pulse_polls": partial(pulse.run, batch=size),
        "milestones": partial(milestones.run, batch=size)})


def titled(world: World, user: str, *titles: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.messenger.to(user) if any(t in (m.title or "") for t in titles)]


async def test_pages_of_two_bring_every_pair_its_prompt_nudge_and_poll_once(world: World) -> None:
    await started_pairs(world)
    pages_of(world, 2)  # pages of 2, 2 and 1: both boundaries fall between pairs

    assert (await tick(world, FIRST_MONDAY))["weekly_prompts"] == PAIRS
    for n in range(1, PAIRS + 1):
        assert len(titled(world, f"sam{n}", "This time")) == 1

    quiet = await tick(world, FIRST_MONDAY + timedelta(days=14))
    assert quiet["nudges"] == PAIRS  # two weeks without a meeting: every senior, once
    for n in range(1, PAIRS + 1):
        assert len(titled(world, f"sam{n}", "A quick check-in")) == 1
        assert titled(world, f"jo{n}", "A quick check-in") == []

    poll_week = await tick(world, datetime(2026, 12, 28, 10, 0, tzinfo=UTC))
    assert poll_week["pulse_polls"] == 2 * PAIRS  # everyone in a pair, once
    for n in range(1, PAIRS + 1):
        assert len(titled(world, f"jo{n}", "Pulse poll")) == 1
    async with world.database.session() as session:
        invitations = (await session.exec(select(func.count()).select_from(PollInvitation))).one()
    assert invitations == 2 * PAIRS


async def test_a_rerun_of_the_weekly_job_queues_nothing(world: World) -> None:
    await started_pairs(world, 3)
    pages_of(world, 2)
    assert (await tick(world, FIRST_MONDAY))["weekly_prompts"] == 3
    async with world.database.session() as session:
        queued = (await session.exec(select(func.count()).select_from(OutboxMessage))).one()

    again = await tick(world, FIRST_MONDAY + timedelta(minutes=15))
    assert again["weekly_prompts"] == 0 and again["delivered"] == 0
    pages_of(world, 1000)  # and with one page for everyone
    assert (await tick(world, FIRST_MONDAY + timedelta(minutes=30)))["weekly_prompts"] == 0
    async with world.database.session() as session:
        assert (await session.exec(select(func.count()).select_from(OutboxMessage))).one() == queued


async def test_signup_reminders_reach_everyone_across_pages(world: World) -> None:
    for n in range(1, 4):
        await world.person(f"new{n}").say("join")  # opens the survey, never finished
    pages_of(world, 2)
    counts = await tick(world, world.clock.now() + timedelta(days=3, hours=1))
    assert counts["signup_reminders"] == 3
    for n in range(1, 4):
        assert len([m for m in world.messenger.to(f"new{n}")
                    if "haven't finished the survey" in m.text]) == 1


async def test_two_replicas_escalating_quiet_pairs_across_pages_flag_and_tell_once(
        world: World) -> None:
    await started_pairs(world, 3)
    pages_of(world, 2)
    started = world.clock.now()
    for day in (14, 21, 28, 35, 42):
        world.clock.advance(started + timedelta(days=day, hours=1) - world.clock.now())
        await asyncio.gather(world.jobs.run("nudges"), world.jobs.run("nudges"))
    await world.deliver()

    for n in range(1, 4):
        assert len(titled(world, f"sam{n}", "A quick check-in")) == 2  # then the admins hear
    told = sorted(m.text.split(" may be")[0] for m in titled(world, "ada", "A pair may need help"))
    assert told == [f"The pair Jo {n} → Sam {n}" for n in range(1, 4)]
    async with world.database.session() as session:
        flagged = (await session.exec(select(Pair).order_by(col(Pair.id)))).all()
        flags = (await session.exec(select(func.count()).select_from(PairFlag))).one()
    assert flags == 3
    assert all(p.at_risk_since is not None and (p.at_risk_reason or "").count("nudges") == 1
               for p in flagged)
