"""`admin match` answers at once and computes the round in a worker process: one round at a
time, whichever admin or replica asks, and a crash is told plainly and frees the way."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from sqlmodel import select

from storage.models import MatchRound, MatchRun
from tests.support.round_people import enrol
from tests.support.world import World


async def runs(world: World) -> list[MatchRun]:
    async with world.database.session() as session:
        return list(await session.exec(select(MatchRun).order_by(MatchRun.id)))


async def test_the_admin_hears_at_once_and_the_preview_follows(world: World) -> None:
    await enrol(world)
    [working] = (await world.person("ada").say("admin match")).messages
    assert working.text.startswith("Working on a round for 3 people…")
    assert world.messenger.to("ada") == []  # nothing computed yet: the loop was not held
    await world.settle()
    [preview] = world.messenger.to("ada")
    assert preview.title == "Matching round #1: preview" and preview.buttons
    [run] = await runs(world)
    assert (run.status, run.round_id, run.people) == ("previewed", 1, 3)


async def test_a_second_round_waits_for_the_first_even_from_another_replica(
    world: World,
) -> None:
    await enrol(world)
    ada = world.person("ada")
    await ada.say("admin match")
    # A second replica, or a second admin, while the first round is still being computed.
    other = World(world.database, world.program, world.clock)
    [busy] = (await other.person("bo").say("admin match")).messages
    assert "for the program team" in busy.text  # Bo is no admin: nothing to do with rounds
    [busy] = (await other.person("ada").say("admin match")).messages
    assert "already running" in busy.text and "08:00 UTC" in busy.text
    await world.settle()
    await other.settle()
    assert [r.status for r in await runs(world)] == ["previewed"]
    async with world.database.session() as session:
        assert len((await session.exec(select(MatchRound))).all()) == 1
    assert len(world.messenger.to("ada")) == 1  # one preview, from the one round
    assert (await world.match()).messages[0].title == "Matching round #2: preview"


async def test_a_crashed_worker_is_told_plainly_and_the_next_round_runs(world: World) -> None:
    await enrol(world)
    pid = await world.tasks.start_worker()
    await world.person("ada").say("admin match")
    os.kill(pid, signal.SIGKILL)  # say, killed for memory in the middle of the solve
    await world.settle()
    [told] = world.messenger.to("ada")
    assert "stopped before it finished" in told.text and "crashed" in told.text
    assert "Type `admin match` to try again" in told.text
    assert [r.status for r in await runs(world)] == ["failed"]
    assert (await world.match()).messages[0].title == "Matching round #1: preview"


async def test_a_round_left_by_a_stopped_replica_is_taken_over_once_its_beat_is_old(
    world: World,
) -> None:
    await enrol(world)
    stopped = World(world.database, world.program, world.clock)
    await stopped.person("ada").say("admin match")
    await stopped.tasks.close()  # the replica stops before its round is done

    ada = world.person("ada")
    assert "already running" in (await ada.say("admin match")).messages[0].text
    world.clock.advance(timedelta(minutes=4))
    assert (await world.match()).messages[-1].title == "Matching round #1: preview"
    told = [m.text for m in world.messenger.to("ada")]
    assert any("stopped before it finished" in t and "restarted" in t for t in told)
    assert [r.status for r in await runs(world)] == ["abandoned", "previewed"]
