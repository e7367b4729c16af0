"""The outbox: queued once per key, sent once, retried with backoff, failed visibly."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from adapters.slack.messenger import SlackMessenger
from core.context import Context
from core.events import Address
from core.messages import Message
from core.outgoing import Outgoing
from core.ports import DeliveryError
from runtime.delivery.dispatcher import Dispatcher
from runtime.jobs import JobRunner
from storage.models import OutboxMessage
from tests.support.messengers import RecordingMessenger
from tests.support.world import World


async def queue(world: World, key: str, *to: str) -> bool:
    async with world.database.session() as session:
        ctx = Context(session, world.program, world.clock, world.catalog, world.outbox)
        addresses = [Address("web", user) for user in to]
        if len(addresses) == 1:
            return await ctx.queue(Outgoing.dm(key, addresses[0], Message(text=f"hello {key}"))) > 0
        return await ctx.queue(Outgoing.group(key, addresses, Message(text=f"hello {key}"))) > 0


async def rows(world: World) -> list[OutboxMessage]:
    async with world.database.session() as session:
        return list(await session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_message_queued_twice_under_one_key_is_sent_once(world: World) -> None:
    assert await queue(world, "prompt:1:2026-W48", "jo")
    assert not await queue(world, "prompt:1:2026-W48", "jo")
    assert await world.deliver() == 1
    assert await world.deliver() == 0
    (row,) = await rows(world)
    assert (row.status, row.platform_message_id, row.attempts) == ("sent", "m1", 1)


async def test_an_event_delivers_its_own_messages_and_leaves_the_backlog_to_the_loop(
    world: World,
) -> None:
    for n in range(30):
        await queue(world, f"backlog:{n}", f"p{n}")
    answer = await world.person("jo").join()
    assert answer.queued  # the welcome

    assert await world.dispatcher.deliver_due(only=answer.queued) == len(answer.queued)
    assert [s.user_ids for s in world.messenger.sent] == [("jo",)] * len(answer.queued)
    assert sum(r.status == "pending" for r in await rows(world)) == 30


async def test_a_group_message_reaches_everyone_in_one_conversation(world: World) -> None:
    await queue(world, "intro:7", "jo", "sam")
    await world.deliver()
    assert [s.user_ids for s in world.messenger.sent] == [("jo", "sam")]


async def test_a_rate_limited_send_waits_for_retry_after_then_goes_out(world: World) -> None:
    world.messenger.failures.append(DeliveryError("ratelimited", retry_after=30))
    await queue(world, "k", "jo")
    assert await world.deliver() == 0
    (row,) = await rows(world)
    assert row.status == "pending" and row.attempts == 0  # rate limited is not a failed try
    assert row.next_attempt_at == world.clock.now() + timedelta(seconds=30)
    world.clock.advance(timedelta(seconds=29))
    assert await world.deliver() == 0
    world.clock.advance(timedelta(seconds=1))
    assert await world.deliver() == 1


async def test_a_message_that_keeps_failing_is_marked_failed_for_admins(world: World) -> None:
    world.messenger.failures.extend(DeliveryError("boom") for _ in range(10))
    await queue(world, "k", "jo")
    for _ in range(10):
        await world.deliver()
        world.clock.advance(timedelta(minutes=10))
    (row,) = await rows(world)
    assert (row.status, row.attempts, row.last_error) == ("failed", 6, "boom")
    assert world.messenger.sent == []


async def test_a_permanent_failure_is_not_retried(world: World) -> None:
    world.messenger.failures.append(DeliveryError("user_not_found", permanent=True))
    await queue(world, "k", "jo")
    await world.deliver()
    (row,) = await rows(world)
    assert row.status == "failed"


async def test_a_message_claimed_by_a_dispatcher_that_died_is_sent_after_its_lease(
    world: World,
) -> None:
    from storage.outbox.claims import claim

    await queue(world, "k", "jo")
    async with world.database.session() as session:
        assert len((await claim(session, world.clock.now())).rows) == 1  # then it dies
    assert await world.deliver() == 0
    world.clock.advance(timedelta(minutes=3))
    assert await world.deliver() == 1


async def test_two_dispatchers_racing_on_one_database_send_nothing_twice(world: World) -> None:
    for n in range(60):
        await queue(world, f"k{n}", f"user{n}")
    other = RecordingMessenger()
    second = Dispatcher(world.database, {"web": other}, world.clock)
    sent = await asyncio.gather(world.dispatcher.deliver_due(batch=5), second.deliver_due(batch=5))
    assert sum(sent) == 60
    recipients = [s.user_ids for s in world.messenger.sent + other.sent]
    assert len(recipients) == len(set(recipients)) == 60


async def test_a_short_retry_after_is_waited_out_within_the_same_pass(world: World) -> None:
    world.messenger.failures.append(DeliveryError("ratelimited", retry_after=0.05))
    await queue(world, "k", "jo")
    assert await world.deliver() == 1
    (row,) = await rows(world)
    assert (row.status, row.attempts) == ("sent", 1)


async def test_a_message_sent_just_before_its_dispatcher_died_is_not_sent_again(
    world: World,
) -> None:
    from storage.outbox.claims import claim

    await queue(world, "k", "jo")
    async with world.database.session() as session:
        (row,) = (await claim(session, world.clock.now())).rows
    await world.messenger.send_dm("", "jo", Message(text="hello k"), row.key)  # then it dies
    world.clock.advance(timedelta(minutes=3))
    assert await world.deliver() == 0
    assert len(world.messenger.sent) == 1
    (row,) = await rows(world)
    assert (row.status, row.platform_message_id) == ("sent", "m1")


async def test_a_row_whose_sending_cannot_be_checked_is_not_sent_blindly(world: World) -> None:
    from storage.outbox.claims import claim

    await queue(world, "k", "jo")
    async with world.database.session() as session:
        (row,) = (await claim(session, world.clock.now())).rows  # then it dies
    world.clock.advance(timedelta(minutes=3))

    async def history_rate_limited(*_: object) -> str | None:
        raise DeliveryError("ratelimited", retry_after=30)

    world.messenger.find_sent = history_rate_limited  # type: ignore[method-assign]
    assert await world.deliver() == 0 and world.messenger.sent == []
    (row,) = await rows(world)
    assert row.status == "sending"  # checked again once this claim runs out
    del world.messenger.find_sent
    world.clock.advance(timedelta(minutes=3))
    assert await world.deliver() == 1


async def test_housekeeping_forgets_old_event_ids_but_not_recent_ones(world: World) -> None:
    from storage.models import ProcessedEvent

    await world.person("jo").say("help")
    world.clock.advance(timedelta(days=15))
    await world.person("jo").say("help")
    await world.jobs.run("housekeeping")
    async with world.database.session() as session:
        kept = list(await session.exec(select(ProcessedEvent)))
    assert len(kept) == 1 and kept[0].processed_at == world.clock.now()


async def test_a_platform_with_home_views_is_never_delivered_to_without_the_home_builder(
        world: World) -> None:
    """Each of its Home rows would fail ("slack has no Home view"): refused where it is built."""
    slack = SlackMessenger(AsyncWebClient(token="xoxb-test"), world.database, world.clock)
    with pytest.raises(ValueError, match="needs `home`"):
        Dispatcher(world.database, {"slack": slack}, world.clock)


async def test_the_backlog_waits_while_a_job_runs_and_an_events_own_rows_do_not(
    world: World,
) -> None:
    release, started = asyncio.Event(), asyncio.Event()

    async def slow_job(ctx: Context) -> int:
        started.set()
        await release.wait()
        return 0

    runner = JobRunner(world.database, world.program, world.clock, world.catalog, world.outbox,
                       {"slow": slow_job})
    dispatcher = Dispatcher(world.database, {"web": world.messenger}, world.clock,
                            yield_to=runner.quiet)
    await queue(world, "backlog:1", "ann")
    job = asyncio.create_task(runner.run("slow"))
    await started.wait()
    backlog = asyncio.create_task(dispatcher.deliver_due())
    await asyncio.sleep(0.2)
    assert not backlog.done() and world.messenger.sent == []

    answer = await world.person("jo").join()
    assert await dispatcher.deliver_due(only=answer.queued) == len(answer.queued)
    assert {s.user_ids for s in world.messenger.sent} == {("jo",)}

    release.set()
    await job
    assert await backlog == 1
    assert world.messenger.sent[-1].user_ids == ("ann",)
