"""Logging for operators: LOG_LEVEL, LOG_FORMAT (text or json), and which request a line is for.

Lines carry ids, platforms, kinds and outcomes, never what people wrote or answered: the
program is confidential, and logs travel further than the database.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Literal

LogFormat = Literal["text", "json"]
LEVELS = ("debug", "info", "warning", "error")
FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"
# Structured fields a line may carry (as `extra=`); anything else stays out of the JSON.
FIELDS = ("request_id", "platform", "kind", "outcome", "status", "duration_ms", "job")
# Libraries that say too much at DEBUG (every query, every token): they stop at INFO.
CHATTY = ("aiosqlite", "asyncio", "msal", "msrest", "urllib3", "botframework")


@dataclass(frozen=True)
class RequestScope:
    request_id: str
    platform: str = ""


# Logging context, like the request id a proxy puts in its own lines: set by the request
# middleware for the task serving one request, read only by the filter below.
current_request: ContextVar[RequestScope | None] = ContextVar("turnabout_request", default=None)


class RequestFilter(logging.Filter):
    """Adds the current request's id and platform to every line logged while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = current_request.get()
        if scope is not None:
            if not hasattr(record, "request_id"):
                record.request_id = scope.request_id
            if scope.platform and not hasattr(record, "platform"):
                record.platform = scope.platform
        fields = [f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name)]
        record.context = f" [{' '.join(fields)}]" if fields else ""
        return True


class AlembicChatter(logging.Filter):
    """Alembic says which dialect it uses every time it looks at the schema (each /readyz);
    the upgrades it runs are worth a line, that is not."""

    NOISE = ("Context impl ", "Will assume ")

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.NOISE)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log shipper."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    out = logging.StreamHandler(stream or sys.stderr)
    out.addFilter(RequestFilter())
    out.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT))
    return out


def configure(level: str, log_format: LogFormat) -> None:
    """Set up the root logger once, as logging.basicConfig would: a process whose logging is
    already set up (a test run) keeps its own handlers."""
    root = logging.getLogger()
    numeric = logging.getLevelName(level.upper())
    if not root.handlers:
        root.addHandler(handler(log_format))
        root.setLevel(numeric)
    migrations = logging.getLogger("alembic.runtime.migration")
    if numeric > logging.DEBUG and not any(isinstance(f, AlembicChatter)
                                           for f in migrations.filters):
        migrations.addFilter(AlembicChatter())
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(logging.INFO, numeric))
    # APScheduler logs every run of every job at INFO; an operator wants those only when
    # debugging (our job runner logs what a run queued).
    scheduler = logging.INFO if numeric <= logging.DEBUG else logging.WARNING
    logging.getLogger("apscheduler").setLevel(max(scheduler, numeric))
