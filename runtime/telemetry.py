"""What the runtime reports about its own work, to whoever watches (bot/metrics.py exports it
to Prometheus). An optional collaborator: without one, nothing is recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Telemetry(Protocol):
    def delivered(self, platform: str) -> None:
        """The platform accepted one message."""
        ...

    def delivery_failed(self, platform: str, gave_up: bool) -> None:
        """One attempt failed; `gave_up`: it was the last one and the row is now 'failed'."""
        ...

    def rate_limited(self, platform: str, retry_after: float) -> None:
        """The platform answered 429 (or the like) and asked for a pause of `retry_after`."""
        ...

    def job_ran(self, job: str, at: datetime, queued: int, ok: bool) -> None:
        """A scheduled job finished at `at` (the clock's time), queuing `queued` messages."""
        ...


class NoTelemetry:
    """Records nothing: for tests, benches and `turnabout tick`."""

    def delivered(self, platform: str) -> None:
        return None

    def delivery_failed(self, platform: str, gave_up: bool) -> None:
        return None

    def rate_limited(self, platform: str, retry_after: float) -> None:
        return None

    def job_ran(self, job: str, at: datetime, queued: int, ok: bool) -> None:
        return None
