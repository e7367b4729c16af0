"""Prometheus metrics of one service, in a registry of its own (no module-level collectors).

The composition root builds one `Metrics` and hands it to the dispatcher, the job runner and
the request observer as their `Telemetry`; `/metrics` exports it. Counters are this replica's;
the outbox gauges read the shared database, so every replica reports the same queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

from storage.database import Database
from storage.outbox.counts import depth as outbox_depth

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Slack wants its ack within 3 s: the buckets are fine below that and coarse above.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
OUTBOX_TIMEOUT = 3.0  # a scrape must answer even when the database hangs


class Metrics:
    """Implements runtime.telemetry.Telemetry, plus what only the web layer sees."""

    def __init__(self, platforms: Iterable[str] = (), jobs: Iterable[str] = ()) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        self.outbox_messages = Gauge("turnabout_outbox_messages",
                            "Outgoing messages not sent (yet), by state", ["state"], registry=r)
        self.messages_delivered = Counter("turnabout_messages_delivered",
                                 "Messages a platform accepted", ["platform"], registry=r)
        self.messages_failed = Counter(
            "turnabout_messages_failed",
            "Failed delivery attempts; outcome gave_up when it was the last",
            ["platform", "outcome"], registry=r)
        self.rate_limits = Counter("turnabout_rate_limited",
                                    "Rate-limit answers (429) from a platform", ["platform"],
                                    registry=r)
        self.rate_limit_pauses = Counter("turnabout_rate_limit_pause_seconds",
                              "Seconds of Retry-After a platform asked delivery to pause",
                              ["platform"], registry=r)
        self.requests = Counter("turnabout_inbound_requests",
                                "Requests from a platform, by kind and outcome",
                                ["platform", "kind", "outcome"], registry=r)
        self.ack_seconds = Histogram("turnabout_inbound_ack_seconds",
                             "Time from a platform's request to our answer (the ack)",
                             ["platform", "kind"], buckets=ACK_BUCKETS, registry=r)
        self.job_last_run = Gauge("turnabout_job_last_run_timestamp_seconds",
                                  "When each scheduled job last finished", ["job"], registry=r)
        self.job_last_success = Gauge("turnabout_job_last_success_timestamp_seconds",
                                      "When each scheduled job last finished without error",
                                      ["job"], registry=r)
        self.job_runs = Counter("turnabout_job_runs", "Scheduled job runs, by outcome",
                                ["job", "outcome"], registry=r)
        self.job_queued = Counter("turnabout_job_queued_messages",
                                  "Messages scheduled jobs queued", ["job"], registry=r)
        # Series that exist from the start read 0, not "no data", on a dashboard.
        for platform in platforms:
            self.messages_delivered.labels(platform)
            self.rate_limits.labels(platform)
        for job in jobs:
            self.job_runs.labels(job, "ok")
            self.job_runs.labels(job, "failed")

    # runtime.telemetry.Telemetry
    def delivered(self, platform: str) -> None:
        self.messages_delivered.labels(platform).inc()

    def delivery_failed(self, platform: str, gave_up: bool) -> None:
        self.messages_failed.labels(platform, "gave_up" if gave_up else "retrying").inc()

    def rate_limited(self, platform: str, retry_after: float) -> None:
        self.rate_limits.labels(platform).inc()
        self.rate_limit_pauses.labels(platform).inc(max(retry_after, 0.0))

    def job_ran(self, job: str, at: datetime, queued: int, ok: bool) -> None:
        self.job_last_run.labels(job).set(at.timestamp())
        if ok:
            self.job_last_success.labels(job).set(at.timestamp())
        self.job_runs.labels(job, "ok" if ok else "failed").inc()
        if queued:
            self.job_queued.labels(job).inc(queued)

    def inbound(self, platform: str, kind: str, outcome: str, seconds: float) -> None:
        self.requests.labels(platform, kind, outcome).inc()
        self.ack_seconds.labels(platform, kind).observe(seconds)

    async def refresh_outbox(self, database: Database) -> None:
        try:
            async with asyncio.timeout(OUTBOX_TIMEOUT), database.session() as session:
                counts = await outbox_depth(session)
        except Exception as exc:
            # No figure is better than a stale one that looks current.
            log.warning("metrics: outbox depth unavailable (%s)", type(exc).__name__)
            self.outbox_messages.clear()
            return
        for state, count in counts.items():
            self.outbox_messages.labels(state).set(count)

    async def exposition(self, database: Database) -> bytes:
        await self.refresh_outbox(database)
        return generate_latest(self.registry)
