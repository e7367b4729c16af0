"""Forgetting one person redacts what names them, and nothing of anyone else's."""

from __future__ import annotations

import json

from sqlmodel import col, select

from core.erasure import REDACTED
from core.messages import Message
from storage.models import Announcement, OutboxMessage
from tests.support.world import World

SENIOR = {"role": "mentee", "seniority": "director", "teach": ("leadership",),
          "learn": ("ai-digital-tools",), "department": "finance", "team": "treasury",
          "goals": "Understand how younger colleagues use AI"}


async def outbox(world: World) -> dict[str, tuple[list[str], str]]:
    """Each row's recipients and text, by key."""
    async with world.database.session() as session:
        rows = await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return {row.key: (json.loads(row.recipients),
                          Message.from_json(json.loads(row.payload)).text) for row in rows}


async def test_forgetting_al_spares_messages_that_only_share_letters_with_him(
    world: World,
) -> None:
    al, jo = world.person("al", display_name="Al"), world.person("jo", display_name="Jo")
    sam, priya = world.person("sam", display_name="Sam"), world.person("priya", display_name="Priya")
    ada = world.person("ada", display_name="Ada")
    await al.join(goals="Coach a senior leader through AI")
    await jo.join(goals="Show someone how I work")
    await sam.join(**SENIOR)
    await priya.join(**SENIOR)
    await ada.say("admin pair @al @sam")
    await ada.say("admin pair @jo @priya")
    await ada.confirm("admin announce Also: the next round opens on Monday.")
    await world.deliver()
    before = await outbox(world)

    await al.press("membership.leave", "delete")

    after = await outbox(world)
    (told,) = (after[key] for key in after.keys() - before.keys())  # Sam hears, unnamed
    assert told[0] == ["sam"] and told[1].startswith("Your partner has left the program")
    changed = {key for key in before if after[key] != before[key]}
    # Only what was for Al changed (his welcome, his copy of the announcement, his pair's
    # introduction, which named him): nobody else's "Also" or "Always" or "Alex".
    assert changed == {key for key, (to, _) in before.items() if "al" in to}
    assert "Al" in before["intro:1:web:"][1] and after["intro:1:web:"] == (["sam"], REDACTED.text)
    assert after["intro:2:web:"] == before["intro:2:web:"]
    assert sum(text.startswith("Also:") for _, text in after.values()) == 3  # Jo, Sam, Priya
    async with world.database.session() as session:
        (announcement,) = (await session.exec(select(Announcement))).all()
    assert announcement.text.startswith("Also: the next round")
