"""The outbox keeps every message ever sent, so the dispatcher's queries must find the few rows
they want through an index: PostgreSQL's own plans for them, on a table of realistic size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, event, text

from storage import stats
from storage.database import Database, driver_urls
from storage.outbox import claims, counts, queueing
from tests.support import databases

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SENT = 200_000
PARTIAL = ("ix_outbox_due", "ix_outbox_leased", "ix_outbox_failed")  # about a year of weekly prompts, nudges and polls for a 2,000-pair program


def _fill(url: str) -> None:
    """Many sent rows, then the newest: 2,000 due and 50 leased by a dispatcher that died."""
    engine = create_engine(driver_urls(url)[0])
    with engine.begin() as connection:
        connection.execute(text(
            """INSERT INTO outbox (key, platform, tenant_id, recipients, payload, status,
                                   attempts, next_attempt_at, claimed_until, created_at)
               SELECT kind || ':' || i, 'slack', 'T1', '["U1"]', '{"text": "hi"}', kind,
                      0, :due, CASE WHEN kind = 'sending' THEN :lapsed END, :due
               FROM generate_series(1, :sent) AS i,
                    LATERAL (SELECT CASE WHEN i > :sent - 2000 THEN 'pending'
                                         WHEN i > :sent - 2050 THEN 'sending'
                                         ELSE 'sent' END AS kind) AS k"""),
            {"sent": SENT, "due": NOW - timedelta(days=30), "lapsed": NOW - timedelta(hours=1)})
        connection.execute(text("ANALYZE outbox"))
    engine.dispose()


def _whole_table_scans(plan: str) -> list[str]:
    """Scans of the outbox that read it whole: a Seq Scan, or an index over every row walked
    without an Index Cond (ORDER BY id LIMIT n filtering the primary key from the oldest row
    up). The partial indexes hold only unsent rows: reading one whole is the point of it."""
    lines = plan.splitlines()

    def reads_all(n: int, line: str) -> bool:
        if "Seq Scan" in line:
            return True
        if "Bitmap Heap Scan" in line or any(f"using {i} " in line for i in PARTIAL):
            return False  # the bitmap's index scans are listed below it
        return not (n + 1 < len(lines) and "Index Cond" in lines[n + 1])

    return [line for n, line in enumerate(lines)
            if "Scan" in line and " on outbox" in line and reads_all(n, line)]


def _plans(url: str, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    engine = create_engine(driver_urls(url)[0])
    with engine.connect() as connection:
        found = [(sql, "\n".join(row[0] for row in connection.exec_driver_sql(
            f"EXPLAIN {sql}", parameters))) for sql, parameters in statements]
    engine.dispose()
    return found


async def test_the_claim_the_metrics_and_a_key_lookup_never_scan_the_whole_outbox(
        postgres_url: str | None) -> None:
    if postgres_url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    databases.truncate_postgres(postgres_url)
    _fill(postgres_url)
    database = Database(postgres_url)
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        if "outbox" in sql and sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE")):
            statements.append((sql, parameters))

    event.listen(database.engine.sync_engine, "before_cursor_execute", keep)
    async with database.session() as session:
        claimed = await claims.claim(session, NOW, limit=50)
        await claims.claim(session, NOW, limit=10, only=[row.id for row in claimed.rows[:3]])
        # A full pass: posts, and the few Home rows whose views turn is near.
        await claims.claim(session, NOW, limit=50, views=claims.Views(
            "home:", 10, busy=frozenset({("slack", "T9")}), kept=frozenset({1, 2})))
        await counts.depth(session)
        await stats.engagement_counts(session, None)  # counts the failed messages
        assert not await queueing.enqueue(session, key="sent:7", platform="slack", tenant_id="T1",
                                        recipients=["U1"], payload={"text": "hi"}, now=NOW)
        await session.rollback()
    await database.dispose()

    assert len(claimed.rows) == 50 and claimed.reclaimed  # due rows and lapsed leases alike
    plans = _plans(postgres_url, statements)
    kinds = {sql.split()[0] for sql, _ in plans}
    assert {"SELECT", "UPDATE", "INSERT"} <= kinds
    for sql, plan in plans:
        assert not _whole_table_scans(plan), f"{sql}\n{plan}"
    insert_plan = next(plan for sql, plan in plans if sql.startswith("INSERT"))
    assert "Conflict Arbiter Indexes: outbox_key_key" in insert_plan
