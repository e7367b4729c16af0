"""APScheduler 3 drives the few jobs declared in app.yaml; each only queues work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from config.program import Schedule
from runtime.jobs import JobRunner


def build_scheduler(schedule: Schedule, runner: JobRunner) -> AsyncIOScheduler:
    """One interval job per job name. No job store is shared between processes: every replica
    may run the same jobs, and unique outbox keys keep them from sending anything twice."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    first = datetime.now(UTC) + timedelta(seconds=5)  # let the web server come up first
    for name in runner.jobs:
        scheduler.add_job(
            runner.run, "interval", args=[name], id=name, name=name,
            minutes=getattr(schedule, name), next_run_time=first,
            max_instances=1, coalesce=True, misfire_grace_time=300,
        )
    return scheduler
