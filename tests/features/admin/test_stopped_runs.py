"""Exports and reports left by a process that stopped (a restart, a crashed replica, a killed
worker) are never lost: the admin who asked hears once that it didn't finish, and a second
`admin export` while one is being prepared says so instead of starting another."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta
from typing import Any

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from features.admin.export import PREPARING
from storage.database import Database
from storage.models import ExportLink, ExportRun, Person, ReportRequest
from tests.support.web_chat import ARRIVAL_SECONDS, WebChat, web_chat
from tests.support.world import World


async def admin_ada(database: Database, clock: FrozenClock) -> int:
    async with database.session() as session:
        ada = Person(platform="web", user_id="ada", display_name="Ada", status="active",
                     created_at=clock.now(), updated_at=clock.now())
        session.add(ada)
        await session.flush()
        return ada.id  # type: ignore[return-value]


async def left_by_a_dead_process(database: Database, clock: FrozenClock, admin: int) -> None:
    """Rows as a process leaves them when it stops mid-way: still live, its last beat long ago."""
    then = clock.now() - timedelta(minutes=10)
    async with database.session() as session:
        session.add(ExportRun(admin_id=admin, started_at=then, beat_at=then))
        session.add(ReportRequest(admin_id=admin, requested_at=then, beat_at=then))


async def inbox(chat: WebChat, at_least: int) -> list[str]:
    deadline = asyncio.get_running_loop().time() + ARRIVAL_SECONDS
    while True:
        items: list[dict[str, Any]] = await chat.person("ada").inbox()
        if len(items) >= at_least or asyncio.get_running_loop().time() > deadline:
            return [item["message"]["text"] for item in items]
        await asyncio.sleep(0.05)


async def test_work_left_by_a_stopped_process_is_told_once_after_start_up(
    database_url: str, database: Database, program: Program, clock: FrozenClock,
) -> None:
    await left_by_a_dead_process(database, clock, await admin_ada(database, clock))

    async with web_chat(database_url, program, clock) as chat:
        told = await inbox(chat, 2)
    assert sorted(told) == [
        "Your export didn't finish: the service preparing it was restarted. "
        "Type `admin export` to try again.",
        "Your report didn't finish: the service building it was restarted. Nothing was sent "
        "to anyone. Type `admin report` to try again.",
    ]
    # Started again, and two replicas at once: nobody is told twice.
    async with (web_chat(database_url, program, clock) as chat,
                web_chat(database_url, program, clock) as replica):
        await chat.running.service.deliver_now()
        await replica.running.service.deliver_now()
        assert len(await inbox(chat, 2)) == 2
    async with database.session() as session:
        assert [r.status for r in await session.exec(select(ExportRun))] == ["abandoned"]
        assert [r.status for r in await session.exec(select(ReportRequest))] == ["abandoned"]


async def test_a_second_export_while_one_is_prepared_says_so_and_one_file_arrives(
    world: World,
) -> None:
    ada = world.person("ada")
    assert (await ada.say("admin export")).messages[0].text == PREPARING
    # Another replica sweeps meanwhile: a run that beats is nobody's to take over.
    replica = World(world.database, world.program, world.clock)
    assert await replica.jobs.run("stopped_runs") == 0
    [busy] = (await ada.say("admin export")).messages
    assert busy.text.startswith("Your export is already being prepared (started 08:00 UTC)")
    [other] = (await replica.person("bo").say("admin export")).messages
    assert "for the program team" in other.text
    await world.settle()
    [sent] = world.messenger.to("ada")
    assert sent.attachment is not None
    async with world.database.session() as session:
        assert [r.status for r in await session.exec(select(ExportRun))] == ["done"]
        assert len((await session.exec(select(ExportLink))).all()) == 1


async def test_an_export_left_by_a_stopped_replica_is_taken_over_once_its_beat_is_old(
    world: World,
) -> None:
    stopped = World(world.database, world.program, world.clock)
    await stopped.person("ada").say("admin export")
    await stopped.tasks.close()  # the replica stops before the zip is made

    ada = world.person("ada")
    assert "already being prepared" in (await ada.say("admin export")).messages[0].text
    world.clock.advance(timedelta(minutes=4))
    assert (await ada.say("admin export")).messages[0].text == PREPARING
    await world.settle()
    stopped_note, zipped = world.messenger.to("ada")
    assert "didn't finish" in (stopped_note.text or "") and "restarted" in (stopped_note.text or "")
    assert zipped.attachment is not None
    assert await world.jobs.run("stopped_runs") == 0 and await world.deliver() == 0
    async with world.database.session() as session:
        runs = await session.exec(select(ExportRun).order_by(ExportRun.id))  # type: ignore[arg-type]
        assert [r.status for r in runs] == ["abandoned", "done"]


async def test_a_killed_export_worker_is_told_plainly_and_the_next_export_runs(
    world: World,
) -> None:
    pid = await world.tasks.start_worker()
    await world.person("ada").say("admin export")
    os.kill(pid, signal.SIGKILL)  # say, killed for memory in the middle of the zip
    await world.settle()
    [told] = world.messenger.to("ada")
    assert "stopped before it finished" in (told.text or "") and "`admin export`" in (told.text or "")
    assert (await world.person("ada").say("admin export")).messages[0].text == PREPARING
    await world.settle()
    assert world.messenger.to("ada")[-1].attachment is not None


async def test_two_replicas_asked_at_once_start_one_export(world: World) -> None:
    replica = World(world.database, world.program, world.clock)
    said = await asyncio.gather(world.person("ada").say("admin export"),
                                replica.person("ada").say("admin export"))
    texts = sorted(s.messages[0].text or "" for s in said)
    assert texts[0] == PREPARING and "already being prepared" in texts[1]
    await world.settle()
    await replica.settle()
    sent = world.messenger.to("ada") + replica.messenger.to("ada")
    assert [m.attachment is not None for m in sent] == [True]
