"""The jobs that reach people outside a started pair (reminders to agree, the check-in of
people waiting long) read a page at a time and write each page in bulk: across page
boundaries, and with two replicas running the same job at once, everyone hears once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

from features.journey import reminders
from features.matching import checkin
from tests.support.engagement_world import JUNIOR, SENIOR
from tests.support.world import World

PAIRS = 3


def keyed(world: World, prefix: str) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent if s.key.startswith(prefix)]


async def twice_at_once(world: World, job: str) -> int:
    """The same job in two replicas at the same moment: what both queued together."""
    return sum(await asyncio.gather(world.jobs.run(job), world.jobs.run(job)))


async def test_agreement_reminders_across_pages_and_replicas_reach_each_person_once(
        world: World) -> None:
    ada = world.person("ada", display_name="Ada")
    await ada.say("help")
    for n in range(1, PAIRS + 1):
        await world.person(f"jo{n}", display_name=f"Jo {n}").join(**JUNIOR)
        await world.person(f"sam{n}", display_name=f"Sam {n}").join(**SENIOR)
        await ada.say(f"admin pair @jo{n} @sam{n}")
    await world.deliver()
    world.messenger.sent.clear()
    world.jobs.jobs["agreement_reminders"] = partial(reminders.run, batch=2)

    paired = world.clock.now()
    for day in (1, 3, 4, 7, 8, 15, 16):
        world.clock.advance(paired + timedelta(days=day, hours=1) - world.clock.now())
        await twice_at_once(world, "agreement_reminders")
    await world.deliver()

    sent = keyed(world, "agree-reminder:")
    for n in range(1, PAIRS + 1):
        for user in (f"jo{n}", f"sam{n}"):
            theirs = [s for s in sent if s.user_ids == (user,)]
            assert [s.key.rsplit(":", 1)[1] for s in theirs] == ["1", "2"], user
    stalled = [m for m in world.messenger.to("ada") if m.title == "A pair hasn't started"]
    assert sorted(m.text.split(" hasn't")[0] for m in stalled) == [
        f"The pair Jo {n} → Sam {n}" for n in range(1, PAIRS + 1)]


async def test_check_ins_across_pages_and_replicas_reach_each_waiting_person_once(
        world: World) -> None:
    for n in range(1, PAIRS + 1):
        await world.person(f"jo{n}").join(**JUNIOR)
        await world.person(f"sam{n}").join(**SENIOR)
    world.jobs.jobs["check_ins"] = partial(checkin.run, batch=2)
    world.clock.advance(timedelta(days=world.program.matching.check_in_days + 1))

    assert await twice_at_once(world, "check_ins") == 2 * PAIRS
    assert await twice_at_once(world, "check_ins") == 0
    await world.deliver()
    checked = keyed(world, "still-interested:")
    assert sorted(u for s in checked for u in s.user_ids) == sorted(
        f"{who}{n}" for n in range(1, PAIRS + 1) for who in ("jo", "sam"))
    assert all(s.message.title == "Still interested?" for s in checked)
