"""Home tabs follow what scheduled jobs change, without anyone opening them; refreshes are one
re-armed row per person, queued in bulk, and published at views.publish's own pace, apart
from posts. Played through signed requests, `tick` and the fake Slack's views.publish."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlmodel import col

from adapters.slack.home_retries import WAITS
from config.program import Program
from core import keys
from core.clock import FrozenClock
from core.events import Address
from runtime.outgoing import OutboxWriter
from runtime.pacing import HomeViewPacing
from storage.database import Database
from storage.models import OutboxMessage
from tests.support.slack_people import JUNIOR, buttons, kicked_off, matched, with_admin
from tests.support.slack_requests import slack_workspace


def words(ws: object, user: str) -> str:
    return json.dumps(ws.fake.homes[user]["blocks"], ensure_ascii=False)  # type: ignore[attr-defined]


async def test_the_weekly_prompt_moves_the_next_prompt_on_the_home_tab_unopened(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched(ws)
        await kicked_off(ws, group)
        assert "Next conversation prompt:* Mon 23 Nov 2026" in words(ws, "U2")
        published = len(ws.fake.calls_to("views.publish"))

        clock.advance(datetime(2026, 11, 23, 9, 31, tzinfo=UTC) - clock.now())
        counts = await ws.running.service.tick()
        assert counts["weekly_prompts"] == 1
        # Both partners' pages followed the prompt, each published once.
        after = [c["user_id"] for c in ws.fake.calls_to("views.publish")[published:]]
        assert sorted(after) == ["U1", "U2"]
        assert "Next conversation prompt:* Mon 30 Nov 2026" in words(ws, "U2")


async def test_a_pause_that_runs_out_gives_the_home_tab_its_pause_button_back(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    from tests.support.slack_people import join

    async with slack_workspace(database_url, program, clock) as ws:
        await join(ws, "U1", JUNIOR)
        pause = next(b for b in buttons(ws.fake.homes["U1"]) if b["text"]["text"] == "Pause 2 weeks")
        await ws.press_on_home(pause["action_id"], pause["value"], user="U1")
        await ws.settle()
        assert "You're on a break" in words(ws, "U1")

        clock.advance(timedelta(days=15))
        assert (await ws.running.service.tick())["resume_pauses"] == 1
        assert "You're on a break" not in words(ws, "U1")
        assert "Pause 2 weeks" in words(ws, "U1")


async def test_refreshing_many_people_is_a_few_statements_and_coalesces(
    database: Database, clock: FrozenClock
) -> None:
    from bot.app import platform_capabilities

    writer = OutboxWriter(platform_capabilities())
    people = [Address("slack", f"U{n}", "T1") for n in range(1200)]  # type: ignore[arg-type]
    statements: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        statements.append(sql)

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.session() as session:
            first = await writer.refresh_homes(session, clock.now(), people, hurry=False)
            again = await writer.refresh_homes(session, clock.now(), people, hurry=False)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    assert first == again == []  # a job's refresh: nothing to deliver with an event
    upserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(upserts) == 2  # one statement for all 1,200, twice; never one per person

    async with database.session() as session:
        rows = list(await session.exec(select(  # type: ignore[call-overload]
            OutboxMessage.key, OutboxMessage.status, OutboxMessage.attempts).where(
            col(OutboxMessage.key).startswith("home:"))))
    assert len(rows) == 1200 and {(r[1], r[2]) for r in rows} == {("pending", 0)}

    # Once sent, the next batch re-arms them all; someone acting now gets their row's id.
    async with database.session() as session:
        await session.exec(update(OutboxMessage).values(status="sent"))  # type: ignore[call-overload]
        await writer.refresh_homes(session, clock.now(), people, hurry=False)
        mine = await writer.refresh_homes(session, clock.now(), people[:1])
        assert len(mine) == 0  # pending again already: coalesced with the job's refresh
    async with database.session() as session:
        pending = await session.exec(select(OutboxMessage.id).where(  # type: ignore[call-overload]
            col(OutboxMessage.status) == "pending"))
        assert len(list(pending)) == 1200


def test_home_views_take_turns_apart_from_posts_and_keep_a_turn_they_must_wait_for() -> None:
    now = [0.0]
    views = HomeViewPacing(per_minute=60, burst=3, now=lambda: now[0])
    assert [views.turn("slack", "T1", n) for n in range(3)] == [0.0, 0.0, 0.0]  # the burst
    assert views.turn("slack", "T1", 3) == 1.0 and views.turn("slack", "T1", 4) == 2.0
    assert views.turn("slack", "T2", 5) == 0.0  # another workspace has its own lane
    # A turn further off than a sender waits is kept while the row waits in the outbox:
    far = views.turn("slack", "T1", 6)
    views.keep(6, far)
    now[0] = far
    assert views.turn("slack", "T1", 6) == 0.0  # its own turn, not one at the back
    # A 429 on views.publish pauses views, and no burst follows it.
    views.rate_limited("slack", "T2", 30)
    assert views.turn("slack", "T2", 7) == 30.0 and views.turn("slack", "T2", 8) == 31.0


def test_a_claim_leaves_alone_the_home_rows_of_a_lane_with_no_turn_free_soon() -> None:
    now = [0.0]
    views = HomeViewPacing(per_minute=60, burst=3, now=lambda: now[0])
    assert views.busy(1.0) == frozenset()
    for n in range(3):
        views.turn("slack", "T1", n)  # the burst: the next turn is a second off
    assert views.busy(1.0) == frozenset() and views.busy(0.5) == {("slack", "T1")}
    views.keep(3, views.turn("slack", "T1", 3))
    assert views.busy(1.0) == {("slack", "T1")}
    # The row that went back with a kept turn is claimed once that turn is near, busy or not.
    assert views.kept_due(0.5) == frozenset()
    now[0] = 0.5
    assert views.kept_due(0.5) == {3}


async def test_a_rate_limited_home_view_waits_in_the_outbox_and_holds_up_no_prompt(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched(ws)
        await kicked_off(ws, group)
        posted = len(ws.fake.calls_to("chat.postMessage"))
        ws.fake.fail_next("views.publish", times=1, retry_after=60)

        clock.advance(datetime(2026, 11, 23, 9, 31, tzinfo=UTC) - clock.now())
        await ws.running.service.tick()
        assert len(ws.fake.calls_to("chat.postMessage")) > posted  # the prompt went out
        async with ws.running.service.database.session() as session:
            waiting = list(await session.exec(select(OutboxMessage).where(  # type: ignore[call-overload]
                col(OutboxMessage.key).startswith("home:"),
                col(OutboxMessage.status) == "pending")))
        assert waiting, "the rate-limited view waits for its turn"
        assert all(r[0].next_attempt_at.replace(tzinfo=UTC) >= clock.now() + timedelta(seconds=50)
                   for r in waiting)


async def test_a_home_tab_slack_turns_away_says_so_and_is_tried_again_without_an_outbox_row(
    database_url: str, program: Program, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.fail_next("views.publish", error="internal_error")
        assert (await ws.open_home("U9")).status == 200
        await ws.settle()
        told = str(ws.fake.calls_to("chat.postMessage"))
        assert "Your Home tab didn't load just now" in told
        assert "Sorry, something went wrong" not in told
        assert "views.publish for U9 failed (internal_error)" in caplog.text
        # Tried again a moment later, in the process: no row keeps the id of someone who
        # never joined.
        await asyncio.sleep(WAITS[0] + 1.0)
        assert "Join" in words(ws, "U9")
        async with ws.running.service.database.session() as session:
            rows = list(await session.exec(select(OutboxMessage)))
        assert not [r for (r,) in rows if "U9" in r.recipients]


async def test_someone_acting_gets_their_page_at_once_behind_thousands_a_job_refreshed(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    from tests.support.slack_people import join

    slow = program.model_copy(update={"delivery": program.delivery.model_copy(
        update={"slack_home_views_per_minute": 1})})
    async with slack_workspace(database_url, slow, clock) as ws:
        await join(ws, "U1", JUNIOR)
        service = ws.running.service
        published = len(ws.fake.calls_to("views.publish"))
        backlog = [Address("slack", f"U{n}", "T0TEST") for n in range(100, 130)]  # type: ignore[arg-type]
        async with service.database.session() as session:
            await service.outbox.refresh_homes(session, clock.now(), backlog, hurry=False)
        await service.deliver_now()
        # A burst goes out; the rest wait in the outbox for their turns (one a minute here).
        before = len(ws.fake.calls_to("views.publish"))
        assert before - published <= 10

        pause = next(b for b in buttons(ws.fake.homes["U1"])
                     if b["text"]["text"] == "Pause 2 weeks")
        await ws.press_on_home(pause["action_id"], pause["value"], user="U1")
        await ws.settle()
        assert "You're on a break" in words(ws, "U1")
        assert len(ws.fake.calls_to("views.publish")) == before + 1


async def test_a_jobs_thousands_of_home_rows_stay_unclaimed_until_their_turn_is_near(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    """Claimed with the posts, nearly every one would go straight back to wait its turn (the
    posts paid for it: bench/fanout.py). A pass takes the burst and leaves the rest alone."""
    slow = program.model_copy(update={"delivery": program.delivery.model_copy(
        update={"slack_home_views_per_minute": 1})})
    async with slack_workspace(database_url, slow, clock) as ws:
        service = ws.running.service
        backlog = [Address("slack", f"U{n}", "T0TEST") for n in range(100, 400)]  # type: ignore[arg-type]
        async with service.database.session() as session:
            await service.outbox.refresh_homes(session, clock.now(), backlog, hurry=False)
        published = len(ws.fake.calls_to("views.publish"))
        for _ in range(3):  # the service's passes come back every few seconds
            await service.deliver_now()
        assert len(ws.fake.calls_to("views.publish")) - published <= 10  # the burst
        async with service.database.session() as session:
            rows = [r[0] for r in await session.exec(select(OutboxMessage).where(  # type: ignore[call-overload]
                col(OutboxMessage.key).in_([keys.home(a) for a in backlog])))]
        touched = [r for r in rows if r.claimed_by is not None]
        assert len(rows) == 300 and len(touched) <= 2 * 10
        untouched = [r for r in rows if r.claimed_by is None]
        assert all(r.status == "pending" and r.attempts == 0 for r in untouched)
