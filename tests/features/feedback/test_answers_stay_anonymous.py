"""What one person answers in a pulse poll never puts their pair in front of the program team;
only their own explicit request for a check-in does, and it says nothing else they answered."""

from __future__ import annotations

import re

from sqlmodel import select

from storage.models import OutboxMessage, Pair, WebChatMessage
from tests.support.curious_admin import export
from tests.support.poll_world import answer, open_round, pairs_of
from tests.support.world import World


async def test_one_low_score_and_slipped_roles_flag_no_pair_and_tell_the_admins_nothing(
    world: World,
) -> None:
    ((junior, _senior),) = await pairs_of(world, 1)
    poll = await open_round(world)
    await world.deliver()
    world.messenger.sent.clear()

    await answer(junior, poll, 1, roles="slipped", comment="We never meet", share=("share",))
    await world.deliver()

    ada = world.person("ada")
    assert world.messenger.to("ada") == []
    assert "No pair is flagged" in (await ada.say("admin at-risk")).messages[0].text
    (pair,) = (await export(world))["pairs.csv"]
    assert (pair["at risk since"], pair["at risk reason"]) == ("", "")
    async with world.database.session() as session:
        stored = (await session.exec(select(Pair))).one()
    assert stored.at_risk_since is None and stored.at_risk_reason is None


async def test_a_check_in_request_reaches_the_admins_with_the_pair_and_nothing_else(
    world: World,
) -> None:
    ((junior, senior),) = await pairs_of(world, 1)
    poll = await open_round(world)
    await world.deliver()
    world.messenger.sent.clear()

    await answer(junior, poll, 2, comment="canary words", share=("share",),
                 check_in=("check_in",))
    await answer(senior, poll, 5, check_in=("check_in",))  # both asked: one notice
    await world.deliver()

    (notice,) = [s for s in world.messenger.sent if "ada" in s.user_ids]
    async with world.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
    assert notice.key.startswith(f"check-in:{pair.id}:{poll}:")  # the pair, not who asked
    assert "Junior 0" in notice.message.text and "Senior 0" in notice.message.text
    assert "canary" not in notice.message.text and "score" not in notice.message.text
    listed = (await world.person("ada").say("admin at-risk")).messages
    assert "Junior 0 → Senior 0" in listed[1].text and "check-in" in listed[1].text
    assert pair.at_risk_since is not None
    assert "Junior" not in (pair.at_risk_reason or "") and "Senior" not in (pair.at_risk_reason or "")


async def test_answering_queues_nothing_that_joins_an_answer_to_a_person(world: World) -> None:
    made = await pairs_of(world, 2)
    poll = await open_round(world)
    await world.deliver()
    async with world.database.session() as session:
        before = {row.key: row.status for row in await session.exec(select(OutboxMessage))}

    for n, person in enumerate(p for pair in made for p in pair):
        await answer(person, poll, n + 1, comment=f"canary {n}", share=("share",) if n else (),
                     check_in=("check_in",) if n == 0 else ())
    await world.deliver()

    async with world.database.session() as session:
        rows = list(await session.exec(select(OutboxMessage)))
        inbox = " ".join(m.payload for m in await session.exec(select(WebChatMessage)))
    new = [row for row in rows if row.key not in before]
    # Invitations say who was asked, as before; answering changes none of them.
    assert {row.key: row.status for row in rows if row.key in before} == before
    # The only new rows: the check-in the first person asked for, one per admin, keyed by pair.
    assert new and all(re.fullmatch(rf"check-in:\d+:{poll}:web::ada", row.key) for row in new)
    assert "canary" not in " ".join(row.payload for row in rows) and "canary" not in inbox
