"""/metrics, scraped over HTTP after real traffic: what an operator's dashboards read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import STARTUP_SWEEPS
from config.program import Program
from core.clock import FrozenClock
from tests.support import databases
from tests.support.database_cuts import outage, through
from tests.support.fake_teams import TeamsUser, TeamsWorld, teams_world
from tests.support.metrics import scrape
from tests.support.service import make_settings, serve
from tests.support.slack_requests import slack_workspace


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, program, clock) as world:
        yield world


async def install(world: TeamsWorld, user: TeamsUser) -> None:
    """Installing queues a welcome; deliver it (or try to) before going on."""
    status, _ = await user.post(user.activity(type="installationUpdate", action="add",
                                              text=None))
    assert status == 201
    await world.running.service.deliver_now()


async def test_deliveries_failures_and_rate_limits_are_counted_by_platform(
    world: TeamsWorld,
) -> None:
    ada, jo, sam = (world.user(user_id=f"29:1{name}", aad_object_id=f"aad-{name}")
                    for name in ("ada", "jo", "sam"))
    world.connector.fail_next(1, status=429, retry_after="0.2")
    await install(world, ada)  # paused for 0.2 s, then delivered
    world.connector.fail_next(1, status=502)
    await install(world, jo)  # failed once, waits for its retry
    world.connector.fail_next(1, status=403)
    await install(world, sam)  # the bot was blocked: never retried

    metrics = await scrape(world.http, world.running.url)

    assert metrics.value("turnabout_messages_delivered_total", platform="teams") == 1
    assert metrics.value("turnabout_rate_limited_total", platform="teams") == 1
    assert metrics.value("turnabout_rate_limit_pause_seconds_total", platform="teams") == 0.2
    assert metrics.value("turnabout_messages_failed_total", platform="teams",
                         outcome="retrying") == 1
    assert metrics.value("turnabout_messages_failed_total", platform="teams",
                         outcome="gave_up") == 1
    assert metrics.value("turnabout_outbox_messages", state="pending") == 1
    assert metrics.value("turnabout_outbox_messages", state="sending") == 0
    assert metrics.value("turnabout_outbox_messages", state="failed") == 1
    assert metrics.content_type.startswith("text/plain")


async def test_inbound_requests_and_their_ack_times_are_counted_by_platform_and_kind(
    world: TeamsWorld,
) -> None:
    user = world.user()
    await install(world, user)
    assert await user.say("status") == 201
    assert await user.say("help") == 201
    status, _ = await user.post({"type": "message"})  # no serviceUrl: refused unread
    assert status == 400

    metrics = await scrape(world.http, world.running.url)

    requests = "turnabout_inbound_requests_total"
    assert metrics.value(requests, platform="teams", kind="installationUpdate",
                         outcome="ok") == 1
    assert metrics.value(requests, platform="teams", kind="message", outcome="ok") == 2
    assert metrics.value(requests, platform="teams", kind="invalid", outcome="rejected") == 1
    acks = "turnabout_inbound_ack_seconds"
    assert metrics.value(f"{acks}_count", platform="teams", kind="message") == 2
    assert 0 < (metrics.value(f"{acks}_sum", platform="teams", kind="message") or 0) < 3
    assert metrics.value(f"{acks}_bucket", platform="teams", kind="message", le="3.0") == 2
    # Probes and scrapes are not a platform's requests.
    assert all(dict(labels)["platform"] == "teams" for labels in metrics.series(requests))


async def test_each_scheduled_job_reports_when_it_last_ran(
    world: TeamsWorld, clock: FrozenClock,
) -> None:
    before = await scrape(world.http, world.running.url)
    # Only the sweeps for work left by a stopped process run at start-up (bot/app.py).
    assert {dict(labels)["job"] for labels
            in before.series("turnabout_job_last_run_timestamp_seconds")} == set(STARTUP_SWEEPS)

    await world.running.service.jobs.run_all()

    metrics = await scrape(world.http, world.running.url)
    last_runs = {dict(labels)["job"]: value for labels, value
                 in metrics.series("turnabout_job_last_run_timestamp_seconds").items()}
    assert last_runs == dict.fromkeys(world.running.service.jobs.jobs,
                                      clock.now().timestamp())
    assert {"weekly_prompts", "nudges", "housekeeping"} <= set(last_runs)
    assert metrics.value("turnabout_job_runs_total", job="nudges", outcome="ok") == 1
    assert metrics.value("turnabout_job_runs_total", job="nudges", outcome="failed") == 0


async def test_slack_requests_are_counted_by_kind(
    database_url: str, program: Program, clock: FrozenClock,
) -> None:
    async with slack_workspace(database_url, program, clock) as slack:
        assert (await slack.command("help")).status == 200
        assert (await slack.dm("hello")).status == 200
        assert (await slack.send("payload=%7B%7D", sign=False)).status == 401
        await slack.settle()

        metrics = await scrape(slack.http, slack.running.url)

    requests = "turnabout_inbound_requests_total"
    assert metrics.value(requests, platform="slack", kind="command", outcome="ok") == 1
    assert metrics.value(requests, platform="slack", kind="event", outcome="ok") == 1
    assert metrics.value(requests, platform="slack", kind="other", outcome="refused") == 1


async def test_while_the_database_is_unreachable_metrics_still_answer_without_outbox_figures(
    program: Program, clock: FrozenClock, postgres_url: str | None,
) -> None:
    if postgres_url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    assert postgres_url is not None
    databases.truncate_postgres(postgres_url)
    async with outage(postgres_url) as hop:
        settings = make_settings(through(postgres_url, hop.port), program, web_chat=True)
        async with serve(settings, clock) as running:
            import aiohttp

            async with aiohttp.ClientSession() as http:
                assert (await scrape(http, running.url)).value(
                    "turnabout_outbox_messages", state="pending") == 0
                await hop.cut()

                metrics = await scrape(http, running.url)
                assert metrics.series("turnabout_outbox_messages") == {}
                assert metrics.value("turnabout_messages_delivered_total", platform="web") == 0

                await hop.restore()
                assert (await scrape(http, running.url)).value(
                    "turnabout_outbox_messages", state="pending") == 0
