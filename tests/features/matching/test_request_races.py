"""A request never makes a second pair, however the clicks and the admin's confirmation interleave.

Each race runs two events through the real inbound pipeline at once, each in its own database
session and transaction, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from core.messages import Button, Response
from storage.database import Database
from storage.models import MatchRequest, OutboxMessage, Pair, Person
from tests.support.choosing import BEST_JUNIOR, GOOD_JUNIOR, SENIOR, choosing
from tests.support.world import Chat, World


@pytest.fixture
def hybrid(database: Database, program: Program, clock: FrozenClock) -> World:
    return World(database, choosing(program, "hybrid"), clock)


def button(reply: Response, label: str) -> Button:
    return next(b for m in reply.messages for b in m.buttons if b.label == label)


async def ask(world: World, senior: Chat, label: str = "Request 1") -> Button:
    """The senior asks their top suggestion; the mentor's Accept button."""
    wanted = button(await senior.say("suggest"), label)
    assert "Request sent" in (await senior.press(wanted.action_id, wanted.value)).messages[0].text
    async with world.database.session() as session:
        request = (await session.exec(select(MatchRequest).where(MatchRequest.status == "open"))).one()
    return Button("Accept", "request.accept", str(request.id))


async def id_of(world: World, user: str) -> int:
    async with world.database.session() as session:
        return (await session.exec(select(Person.id).where(Person.user_id == user))).one()  # type: ignore[return-value]


async def active_pairs(world: World) -> list[Pair]:
    async with world.database.session() as session:
        return list(await session.exec(select(Pair).where(Pair.status == "active")))


async def intros(world: World) -> list[str]:
    """The pair id of every introduction queued (one outbox row per conversation)."""
    async with world.database.session() as session:
        rows = await session.exec(select(OutboxMessage.key))
        return sorted(k.split(":")[1] for k in rows if k.startswith("intro:"))


async def test_two_clicks_on_accept_at_once_make_one_pair(hybrid: World) -> None:
    jo, sam = hybrid.person("jo", display_name="Jo"), hybrid.person("sam", display_name="Sam")
    await jo.join(**BEST_JUNIOR)
    await sam.join(**SENIOR)
    accept = await ask(hybrid, sam)
    replies = await asyncio.gather(*(jo.press(accept.action_id, accept.value) for _ in range(2)))
    texts = [r.messages[0].text for r in replies]
    assert sum("now a pair" in t for t in texts) == 1
    assert sum("already accepted" in t for t in texts) == 1
    [pair] = await active_pairs(hybrid)
    assert await intros(hybrid) == [str(pair.id)]


async def test_two_mentors_accepting_at_once_make_one_pair(hybrid: World,
                                                           clock: FrozenClock) -> None:
    """Sam's request to Jo ran out and Sam asked Lee; Jo's late Accept races Lee's."""
    jo, lee = hybrid.person("jo", display_name="Jo"), hybrid.person("lee", display_name="Lee")
    sam = hybrid.person("sam", display_name="Sam")
    await jo.join(**BEST_JUNIOR)
    await lee.join(**GOOD_JUNIOR)
    await sam.join(**SENIOR)
    from_jo = await ask(hybrid, sam)
    clock.advance(timedelta(days=6))
    await hybrid.jobs.run("match_requests")
    from_lee = await ask(hybrid, sam)
    late, accepted = await asyncio.gather(jo.press(from_jo.action_id, from_jo.value),
                                          lee.press(from_lee.action_id, from_lee.value))
    assert "expired" in late.messages[0].text and "now a pair" in accepted.messages[0].text
    [pair] = await active_pairs(hybrid)
    assert (pair.mentor_id, pair.mentee_id) == (await id_of(hybrid, "lee"),
                                                await id_of(hybrid, "sam"))
    assert await intros(hybrid) == [str(pair.id)]


@pytest.mark.parametrize("first", ["confirm", "accept"])
async def test_an_admin_confirm_racing_an_accept_makes_one_pair(hybrid: World, first: str) -> None:
    """The round (made before Sam asked) pairs Sam with Lee; Jo accepts Sam's request at the
    same moment the admin confirms. Sam ends up in exactly one pair, introduced once."""
    lee, sam = hybrid.person("lee", display_name="Lee"), hybrid.person("sam", display_name="Sam")
    ada = hybrid.person("ada")
    await lee.join(**GOOD_JUNIOR)
    await sam.join(**SENIOR)
    confirm = button(await hybrid.match(), "Confirm 1 pair")
    jo = hybrid.person("jo", display_name="Jo")
    await jo.join(**BEST_JUNIOR)
    accept = await ask(hybrid, sam)
    racers = {"confirm": ada.press(confirm.action_id, confirm.value),
              "accept": jo.press(accept.action_id, accept.value)}
    other = "accept" if first == "confirm" else "confirm"
    replies = dict(zip((first, other), await asyncio.gather(racers[first], racers[other]),
                       strict=True))
    assert all(not r.failed for r in replies.values())
    [pair] = await active_pairs(hybrid)
    lee_id, jo_id = await id_of(hybrid, "lee"), await id_of(hybrid, "jo")
    assert pair.mentee_id == await id_of(hybrid, "sam") and pair.mentor_id in (lee_id, jo_id)
    assert await intros(hybrid) == [str(pair.id)]
    if pair.mentor_id == lee_id:  # Lee, from the round: Jo hears it isn't possible any more
        assert "isn't possible any more" in replies["accept"].messages[0].text
    else:
        assert "skipped" in replies["confirm"].messages[0].text
