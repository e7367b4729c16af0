"""Dispatcher: passes over the outbox that deliver queued rows through each platform's Messenger.

Holds the passes (claims, senders, an event's own rows waiting on a full pass) and the sending of
posts, paced per workspace. Home views go out through home_views, claimed rows come from
claim_feed, sends are recorded by sent_marks, and rows that did not go out are settled by outcomes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from functools import partial

from core import keys
from core.clock import Clock
from core.messages import Message
from core.ports import DeliveryError, HomePublisher, LooksUpFirst, Messenger
from runtime.delivery.claim_feed import ClaimFeed
from runtime.delivery.home_views import (
    HOME_VIEWS_BURST,
    HOME_VIEWS_PER_MINUTE,
    VIEW_HOLD,
    HomeBuilder,
    HomeViewSender,
)
from runtime.delivery.outcomes import HOLD_LIMIT, RATE_LIMIT_RETRIES, RowOutcomes
from runtime.delivery.sent_marks import SentMarks
from runtime.outgoing import HOME_NOW_STORED
from runtime.pacing import HomeViewPacing, Pacer
from runtime.telemetry import NoTelemetry, Telemetry
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox import claims

log = logging.getLogger(__name__)

# How long a claim keeps other dispatchers off a row; a dispatcher that dies holds its rows
# this long before another takes them over (and asks the platform, where it can tell, before
# resending).
LEASE = timedelta(minutes=2)
LEASE_MARGIN = timedelta(seconds=10)
OWN_ROWS_WAIT = 5.0  # seconds an event waits for its rows that a full pass is already sending


class Dispatcher:
    def __init__(self, database: Database, messengers: Mapping[str, Messenger], clock: Clock,
                 pacer: Pacer | None = None, in_flight: int = 32,
                 lease: timedelta = LEASE, telemetry: Telemetry | None = None,
                 home: HomeBuilder | None = None, views: HomeViewPacing | None = None,
                 yield_to: Callable[[], Awaitable[None]] | None = None) -> None:
        if home is None and any(isinstance(m, HomePublisher) for m in messengers.values()):
            # Its Home rows would all fail: every platform with a Home view needs the builder.
            raise ValueError("a messenger publishes Home views: the Dispatcher needs `home`")
        self._database = database
        # Awaited before a full pass claims rows: the service's scheduled jobs, while they run.
        self._yield_to = yield_to
        self._telemetry: Telemetry = telemetry or NoTelemetry()
        self._messengers = dict(messengers)
        self._clock = clock
        self._pacer = pacer or Pacer({}, 0.0)
        self._in_flight = in_flight
        self._lease = lease
        self._outcomes = RowOutcomes(database, clock, self._telemetry,
                                     margin=min(lease / 4, LEASE_MARGIN))
        self._views = views or HomeViewPacing(HOME_VIEWS_PER_MINUTE, HOME_VIEWS_BURST)
        self._home_views = HomeViewSender(self._messengers, home, self._views, self._telemetry,
                                          self._outcomes)
        self._lock = asyncio.Lock()
        # Rows this process is sending now: an event's own pass waits for those the full pass
        # took first, so "delivered" means delivered when the caller answers.
        # A row is in it from the moment a pass claims it, not only while it is posted: between
        # the two it sits in the feed, invisible to another claim.
        self._sending: dict[int, asyncio.Future[None]] = {}
        # Claims of full passes under way: the rows they are taking are not known until they
        # return, so an event's pass that found its rows taken waits for them first.
        self._full_claims: set[asyncio.Future[None]] = set()

    async def deliver_due(self, batch: int = 200, only: Sequence[int] | None = None) -> int:
        """Send everything due now; returns how many messages went out.

        `in_flight` senders take rows from a feed that claims `batch` rows at a time, the next
        batch while the last rows of the current one still go out: a stop at every batch
        boundary, and the catch-up burst after it, is what trips a platform's rate limit.
        `only` limits the pass to those rows (an event's own messages), found by primary key."""
        if only is not None and not only:
            return 0
        sent = await self._pass(batch, only)
        if only is not None:
            await self._taken_elsewhere(only)
        return sent

    async def _taken_elsewhere(self, only: Sequence[int]) -> None:
        """Wait (a bounded while) for this event's rows that a full pass took first, so the
        caller answers once they went out, without a pass over the whole outbox."""
        if self._full_claims:
            await asyncio.wait(list(self._full_claims), timeout=OWN_ROWS_WAIT)
        elsewhere = [self._sending[i] for i in only if i in self._sending]
        if elsewhere:
            await asyncio.wait(elsewhere, timeout=OWN_ROWS_WAIT)

    async def _pass(self, batch: int, only: Sequence[int] | None) -> int:
        # One full pass at a time per process (other replicas claim their own); an event's own
        # rows go out beside it, without waiting for a pass over the whole outbox.
        async with self._lock if only is None else contextlib.nullcontext():
            claim = self._claim if only is None else partial(self._claim, only=list(only))
            feed = ClaimFeed(claim, batch, low_water=min(self._in_flight, batch))
            marks = SentMarks(self._database, self._clock)

            async def sender() -> int:
                sent = 0
                while (item := await feed.next()) is not None:
                    # An event's own rows: someone is acting now and waits for their page.
                    sent += await self._send_one(marks, *item, urgent=only is not None)
                return sent

            senders = [asyncio.create_task(sender()) for _ in range(self._in_flight)]
            try:
                return sum(await asyncio.gather(*senders))
            finally:
                # On a failure or a cancel, stop the others before recording what was posted.
                for task in senders:
                    task.cancel()
                await asyncio.gather(*senders, return_exceptions=True)
                await feed.close()
                await marks.close()
                for row, _ in feed.left():  # claimed, never sent: nobody need wait for them
                    self._done_with(row.id)  # type: ignore[arg-type]

    async def _claim(self, batch: int, only: list[int] | None = None) -> claims.Batch:
        if only is None and self._yield_to is not None:
            # Before the claim counts as under way: an event's pass does not wait on this.
            await self._yield_to()
        loop = asyncio.get_running_loop()
        claiming: asyncio.Future[None] = loop.create_future()
        if only is None:
            self._full_claims.add(claiming)
        try:
            async with self._database.session() as session:
                claimed = await claims.claim(session, self._clock.now(), limit=batch,
                                             lease=self._lease, only=only,
                                             views=None if only is not None else self._wanted())
            for row in claimed.rows:
                self._sending.setdefault(row.id, loop.create_future())  # type: ignore[arg-type]
            return claimed
        finally:
            self._full_claims.discard(claiming)
            claiming.set_result(None)

    def _wanted(self) -> claims.Views:
        """The Home rows a full pass claims: only those whose views turn is near. A job
        re-arms a Home row per person (10,000 take 100 minutes at views.publish's pace);
        claimed with the posts, nearly all of them went straight back to the outbox to wait,
        and the posts went at two thirds of their rate (bench/fanout.py)."""
        return claims.Views(f"{keys.HOME}:", HOME_VIEWS_BURST, self._views.busy(VIEW_HOLD),
                            self._views.kept_due(VIEW_HOLD), HOME_NOW_STORED)

    def _done_with(self, row_id: int) -> None:
        done = self._sending.pop(row_id, None)
        if done is not None and not done.done():
            done.set_result(None)

    async def _send_one(self, marks: SentMarks, row: OutboxMessage, reclaimed: bool,
                        urgent: bool = False) -> int:
        assert row.id is not None
        try:
            if reclaimed and await self._sent_before_crash(row, marks):
                return 0
            if keys.is_home(row.key):
                return await self._home_views.send(row, marks, urgent)
            return await self._send(row, marks)
        finally:
            self._done_with(row.id)

    async def _sent_before_crash(self, row: OutboxMessage, marks: SentMarks) -> bool:
        """A row whose dispatcher died mid-send: ask the platform before sending again."""
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            return False
        try:
            message_id = await messenger.find_sent(row.tenant_id, json.loads(row.recipients),
                                                   row.key)
        except DeliveryError as exc:
            if exc.permanent:  # the platform will never tell us: send
                log.warning("cannot check whether %s was sent (%s); sending it", row.key, exc)
                return False
            # Unknown is not "not sent": the row stays claimed, its lease runs out, and the
            # next claim checks again (after a history rate limit has passed).
            log.warning("could not check whether %s was sent (%s); checking later", row.key, exc)
            return True
        except Exception:
            log.warning("could not check whether %s was sent; checking later", row.key,
                        exc_info=True)
            return True
        if message_id is None:
            return False
        await marks.add(row, message_id)
        log.info("outbox %s was sent before a restart; not sending it again", row.key)
        return True

    async def _send(self, row: OutboxMessage, marks: SentMarks) -> int:
        recipients: list[str] = json.loads(row.recipients)
        message = Message.from_json(json.loads(row.payload))
        messenger = self._messengers.get(row.platform)
        for _ in range(RATE_LIMIT_RETRIES):
            if isinstance(messenger, LooksUpFirst):
                await self._look_up(messenger, row, recipients)
            await self._pacer.wait_turn(row.platform, row.tenant_id, ",".join(recipients))
            if self._outcomes.lease_running_out(row):
                # The row may be another dispatcher's any moment now, and it would not find
                # our post yet: leave the row to whoever claims it next (they check first).
                log.warning("outbox %s waited out most of its claim; leaving it", row.key)
                return 0
            try:
                message_id = await self._deliver(row, recipients, message)
            except DeliveryError as exc:
                if exc.retry_after is not None and not exc.permanent:
                    # Rate limited: this conversation, or the whole workspace, waits (the
                    # pacer tells which), and the try is not counted.
                    self._telemetry.rate_limited(row.platform, exc.retry_after)
                    self._pacer.rate_limited(row.platform, row.tenant_id, ",".join(recipients),
                                             min(exc.retry_after, HOLD_LIMIT),
                                             one_conversation=exc.one_conversation)
                    if exc.retry_after <= HOLD_LIMIT:
                        continue
                    return await self._outcomes.give_back(row, exc.retry_after)
                return await self._outcomes.failed(row, exc, exc.permanent)
            except Exception as exc:
                return await self._outcomes.failed(row, exc, False)
            await marks.add(row, message_id)  # only now, after the platform took it
            self._telemetry.delivered(row.platform)
            return 1
        return await self._outcomes.give_back(row, HOLD_LIMIT)

    async def _look_up(self, messenger: LooksUpFirst, row: OutboxMessage,
                       recipients: list[str]) -> None:
        """Before the turn, so that between the turn and the post there is only the post."""
        try:
            await messenger.look_up(row.tenant_id, recipients)
        except Exception:  # the post looks again, and says what went wrong
            log.debug("looking up before %s's turn failed", row.key, exc_info=True)

    async def _deliver(self, row: OutboxMessage, recipients: list[str], message: Message) -> str | None:
        messenger = self._messengers.get(row.platform)
        if messenger is None:
            raise DeliveryError(f"{row.platform} is not connected", permanent=True)
        if len(recipients) == 1:
            return await messenger.send_dm(row.tenant_id, recipients[0], message, row.key)
        return await messenger.send_group(row.tenant_id, recipients, message, row.key)
