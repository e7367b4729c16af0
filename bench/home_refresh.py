"""Benchmark of a job's Home refreshes: what re-arming Home rows adds to a job over many people.

    .venv/bin/python bench/home_refresh.py [--people 100000] [--batch 1000]
                                           [--database sqlite|postgres|both]

For each database it migrates an empty schema, then re-arms the Home rows of `--people` Slack
people in batches of `--batch` (one transaction each, as a job commits a page), three times:
first (every row new), again at once (every row still pending: coalesced, nothing changes),
and after marking them all sent (every row re-armed). It prints the time per pass, per batch
and per 1,000 people, and the statements per batch.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text

from bench._databases import database
from bot.app import platform_capabilities
from core.events import Address
from runtime.outgoing import OutboxWriter
from storage.database import Database
from storage.migrate import upgrade

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


async def passes(url: str, people: int, batch: int) -> None:
    upgrade(url)
    db = Database(url)
    writer = OutboxWriter(platform_capabilities())
    everyone = [Address("slack", f"U{n:07d}", "T1") for n in range(people)]  # type: ignore[arg-type]
    statements = [0]

    def count(*_: object) -> None:
        statements[0] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        for name in ("new rows", "still pending", "re-armed after sent"):
            if name == "re-armed after sent":
                async with db.session() as session:
                    await session.exec(text("UPDATE outbox SET status = 'sent'"))  # type: ignore[call-overload]
            statements[0] = 0
            started = time.perf_counter()
            for start in range(0, people, batch):
                async with db.session() as session:
                    await writer.refresh_homes(session, NOW, everyone[start:start + batch],
                                               hurry=False)
            took = time.perf_counter() - started
            batches = -(-people // batch)
            print(f"  {name:22} {took:7.2f} s   {took / batches * 1000:7.1f} ms/batch   "
                  f"{took / people * 1_000_000:7.1f} ms per 1,000 people   "
                  f"{statements[0] / batches:.1f} statements/batch")
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for kind in kinds:
        print(f"{kind}: {args.people:,} people, batches of {args.batch:,}")
        with tempfile.TemporaryDirectory() as directory, \
                database(kind, Path(directory), "home") as url:
            asyncio.run(passes(url, args.people, args.batch))


if __name__ == "__main__":
    main()
