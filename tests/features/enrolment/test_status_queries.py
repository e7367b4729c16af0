"""`status` is the most typed command: it reads a handful of rows by key, so the statements it
costs stay the same however large the program grows (a scan would show as more of them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from core.events import Address, Command
from storage.models import Pair, Person, PersonTopic, WaitlistEntry
from tests.support.world import World

MOST = 3  # the event's claim, the sender with their activity stamp, where they stand
# ... and for someone paired: their pair, their partner, the kick-off and its goals (a partner
# read with the pair is not read again, nor the sender by the Home tab's check).
MOST_PAIRED = 7


@contextmanager
def statements(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    engine = world.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def grow(world: World, pairs: int, prefix: str) -> None:
    """`pairs` more pairs, each person with topics, and as many people waiting."""
    now = world.clock.now()
    async with world.database.session() as session:
        people = [Person(platform="web", user_id=f"{prefix}{n}", display_name=f"P {n}",
                         role="mentor" if n % 2 else "mentee", department="sales",
                         team="Inside Sales", seniority="entry", status="active",
                         timezone="Europe/Berlin", created_at=now, updated_at=now,
                         joined_at=now)
                  for n in range(3 * pairs)]
        session.add_all(people)
        await session.flush()
        session.add_all(PersonTopic(person_id=p.id, direction="teach", topic=t)  # type: ignore[arg-type]
                        for p in people for t in ("ai-digital-tools", "social-media"))
        session.add_all(Pair(mentor_id=people[2 * n + 1].id, mentee_id=people[2 * n].id,  # type: ignore[arg-type]
                             created_at=now, score=2.0) for n in range(pairs))
        session.add_all(WaitlistEntry(person_id=p.id, round_id=None, code="no-fit",  # type: ignore[arg-type]
                                      reason="nobody fits yet", since=now)
                        for p in people[2 * pairs:])


async def cost_of_status(world: World, user_id: str) -> tuple[int, str]:
    with statements(world) as seen:
        answer = await world.inbound.handle(Command(Address("web", user_id), "status",
                                                    f"status-{user_id}-{len(seen)}"))
    return len(seen), answer.messages[0].text


async def test_status_costs_the_same_few_statements_in_a_small_and_a_large_program(
    world: World,
) -> None:
    await grow(world, 2, "small")
    small_paired, paired_text = await cost_of_status(world, "small0")
    small_waiting, waiting_text = await cost_of_status(world, "small5")
    assert "paired with" in paired_text and "waitlist" in waiting_text

    await grow(world, 500, "large")
    large_paired, _ = await cost_of_status(world, "large0")
    large_waiting, _ = await cost_of_status(world, "large1499")

    assert small_waiting == large_waiting <= MOST
    assert small_paired == large_paired <= MOST_PAIRED
