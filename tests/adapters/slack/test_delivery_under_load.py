"""Delivery to a rate-limited Slack through the real service: whatever happens on the way (429
storms, two replicas at once), every outbox key reaches Slack exactly once and ends up `sent`.
The bot never reads a conversation back, so a dispatcher dying between a post and its record
repeats that one post, once, and nothing else."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlmodel import select

from adapters.slack.settings import SlackSettings
from bot.app import Service
from config.program import Delivery, Program
from core.clock import FrozenClock
from core.messages import Message
from runtime.delivery.dispatcher import LEASE
from storage.models import OutboxMessage
from storage.outbox.queueing import enqueue, enqueue_many
from tests.support.fake_slack import TEAM_ID, TOKEN, FakeSlack, RateLimits
from tests.support.service import make_settings, serve
from tests.support.slack_requests import SECRET

CHANNELS = 20
PER_CHANNEL = 2  # two messages to one group DM: Slack's ~1/s per channel applies too
DEADLINE = 20.0  # seconds; a hang here means a row was lost in some state nobody picks up


def paced(program: Program, per_second: float) -> Program:
    """The program's settings with Slack paced at `per_second` (app.yaml's is 20/s)."""
    delivery = Delivery(slack_per_second=per_second, per_conversation_seconds=1.0, in_flight=8)
    return program.model_copy(update={"delivery": delivery})


@asynccontextmanager
async def service(database_url: str, program: Program, clock: FrozenClock,
                  fake: FakeSlack) -> AsyncIterator[Service]:
    """The real service (its own database pool, pacer and dispatcher: one replica)."""
    settings = make_settings(database_url, program,
                             slack=SlackSettings(TOKEN, SECRET, None, fake.url + "/api/"))
    async with serve(settings, clock) as running:
        yield running.service


async def queue_group_messages(svc: Service, clock: FrozenClock) -> set[str]:
    """PER_CHANNEL messages to each of CHANNELS pairs (group DMs); returns their keys."""
    # Each text is its row's key, so the fake can tell which row a post carries.
    rows = [{"key": f"load:{channel}:{n}", "platform": "slack", "tenant_id": TEAM_ID,
             "recipients": [f"UA{channel}", f"UB{channel}"],
             "payload": Message(text=f"load:{channel}:{n}").to_json()}
            for n in range(PER_CHANNEL) for channel in range(CHANNELS)]
    async with svc.database.session() as session:
        assert await enqueue_many(session, rows, clock.now()) == len(rows)
    return {row["key"] for row in rows}


async def deliver_everything(svc: Service, clock: FrozenClock, batch: int = 200) -> int:
    """Passes until every row is sent or failed; returns how many this replica sent. Time moves
    on only for rows given back for later, never under another replica's live claims."""
    sent = 0
    async with asyncio.timeout(DEADLINE):
        while True:
            sent += await svc.dispatcher.deliver_due(batch=batch)
            statuses = Counter(r.status for r in await outbox_rows(svc))
            if statuses["sending"]:
                await asyncio.sleep(0.05)  # another replica is still on its rows
            elif statuses["pending"]:
                clock.advance(timedelta(seconds=10))
            else:
                return sent


async def outbox_rows(svc: Service) -> list[OutboxMessage]:
    async with svc.database.session() as session:
        return list(await session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def keyed_by_text(rate_limits: RateLimits | None = None) -> FakeSlack:
    """A fake Slack that knows each post's row by its text (see queue_group_messages)."""
    return FakeSlack(rate_limits=rate_limits, key_of=lambda args: str(args.get("text")))


async def assert_each_sent_once(svc: Service, fake: FakeSlack, keys: set[str], *,
                                may_repeat: set[str] | None = None) -> None:
    """Every key posted once (those in `may_repeat` at most twice), every row `sent`."""
    posted = fake.posted_keys()
    assert set(posted) == keys  # nothing lost
    repeated = {k for k, n in posted.items() if n > 1}
    assert repeated <= (may_repeat or set()) and max(posted.values()) <= 2
    rows = await outbox_rows(svc)
    assert {r.key: r.status for r in rows} == dict.fromkeys(keys, "sent")
    # Each row points at a post Slack accepted for its key.
    stamps: defaultdict[str | None, set[str]] = defaultdict(set)
    for post in fake.posts:
        stamps[post.key].add(post.ts)
    assert all(r.platform_message_id in stamps[r.key] for r in rows)
    assert fake.calls_to("conversations.history") == []


async def test_a_slack_429_storm_loses_and_duplicates_nothing(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    # Paced above the workspace cap, so 429s are earned as well as forced: two in a row
    # (Retry-After 1) after every twenty posts.
    limits = RateLimits(per_second=15, storm_every=20, storm_size=2, storm_retry_after=1)
    async with keyed_by_text(rate_limits=limits) as fake, \
            service(database_url, paced(program, 30), clock, fake) as svc:
        keys = await queue_group_messages(svc, clock)

        await deliver_everything(svc, clock)

        assert fake.rate_limited >= 3
        await assert_each_sent_once(svc, fake, keys)


async def test_a_rate_limited_conversation_waits_alone_while_the_others_keep_flowing(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    # The fake's own channel limit well under the pacer's 1 s: on a busy machine, posts a
    # second apart can arrive closer than that, and their 429s would blur what is measured.
    limits = RateLimits(per_second=100, per_channel_seconds=0.5)
    async with keyed_by_text(rate_limits=limits) as fake, \
            service(database_url, paced(program, 100), clock, fake) as svc:
        keys = await queue_group_messages(svc, clock)
        # Slack limits the first pair's conversation for 4 s (held in memory, not given back).
        fake.limit_posts_between(("UA0", "UB0"), retry_after=4)

        await deliver_everything(svc, clock)

        await assert_each_sent_once(svc, fake, keys)
        assert fake.rate_limited >= 1
        order = [post.key for post in fake.posts]
        first_of_limited = min(order.index(k) for k in ("load:0:0", "load:0:1"))
        # Every other conversation's messages (two each, a second apart) went out meanwhile.
        assert first_of_limited == len(keys) - 2


async def test_a_restart_mid_delivery_loses_nothing_and_repeats_only_posts_it_cut_off_once(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with keyed_by_text(rate_limits=RateLimits(per_second=50)) as fake:
        # The first replica: Slack takes every post, but after the 12th the answers never
        # come back, so those rows die between the post and being recorded as sent.
        fake.hold_answers_after(12)
        async with service(database_url, paced(program, 50), clock, fake) as first:
            keys = await queue_group_messages(first, clock)
            enough = asyncio.Event()
            fake.on_post = lambda _post: enough.set() if len(fake.posts) >= 16 else None
            delivering = asyncio.create_task(first.dispatcher.deliver_due())
            async with asyncio.timeout(DEADLINE):
                await enough.wait()
            delivering.cancel()  # the process dies: no answer, no bookkeeping
            await asyncio.gather(delivering, return_exceptions=True)
            stranded = {r.key for r in await outbox_rows(first)
                        if r.status == "sending" and r.key in fake.posted_keys()}
        assert stranded, "no row was caught between its post and being recorded"
        fake.release_answers()

        # Another replica starts once the dead one's claims ran out.
        clock.advance(LEASE + timedelta(seconds=1))
        async with service(database_url, paced(program, 50), clock, fake) as second:
            await deliver_everything(second, clock)

            # Slack had the stranded posts, but the bot reads no conversation to find them:
            # each is posted once more, and no other message is repeated.
            await assert_each_sent_once(second, fake, keys, may_repeat=stranded)
            assert fake.duplicates() == len(stranded)


async def test_two_dispatchers_against_one_database_send_nothing_twice(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with keyed_by_text(rate_limits=RateLimits(per_second=100)) as fake, \
            service(database_url, paced(program, 60), clock, fake) as one, \
            service(database_url, paced(program, 60), clock, fake) as other:
        keys = await queue_group_messages(one, clock)

        # Small claims, so the two replicas keep taking turns at the same rows.
        sent = await asyncio.gather(deliver_everything(one, clock, batch=3),
                                    deliver_everything(other, clock, batch=3))

        await assert_each_sent_once(one, fake, keys)
        # Both took part. (Their background loops, woken by the commit, may post a row or two
        # that neither pass counted, so the counts need not add up to every row.)
        assert min(sent) > 0 and sum(sent) <= len(keys)


async def test_a_dispatcher_held_up_past_its_claim_leaves_the_row_to_the_one_that_took_it_over(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with keyed_by_text() as fake, \
            service(database_url, paced(program, 50), clock, fake) as slow, \
            service(database_url, paced(program, 50), clock, fake) as other:
        async with slow.database.session() as session:
            await enqueue(session, key="load:late", platform="slack", tenant_id=TEAM_ID,
                                 recipients=["UA0", "UB0"],
                                 payload=Message(text="load:late").to_json(),
                                 now=clock.now())
        fake.fail_next("chat.postMessage", retry_after=1)  # the slow one waits a second...
        held_up = asyncio.create_task(slow.dispatcher.deliver_due())
        async with asyncio.timeout(DEADLINE):
            await fake.wait_for("chat.postMessage")
        clock.advance(LEASE + timedelta(seconds=1))  # ...in which its claim runs out

        assert await other.dispatcher.deliver_due() == 1  # taken over: checked, then sent
        assert await held_up == 0  # and the slow one, back, does not post it again

        await assert_each_sent_once(other, fake, {"load:late"})
