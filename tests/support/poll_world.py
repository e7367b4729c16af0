"""A program with pairs, poll rounds opened by the real scheduler job, and answers given through
the inbound path, as participants give them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.messages import Response
from tests.support.engagement_world import SENIOR, tick
from tests.support.world import Chat, World

# Pairs made on the fixture's Monday (23 Nov 2026) are old enough for the poll round of 28 Dec.
ROUND_OPENS = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)
# Well past any poll window a test uses: the round has closed.
ROUND_CLOSED = ROUND_OPENS + timedelta(days=8)
GOOD = {"value": "4", "met": "2", "roles": "yes"}


async def pairs_of(world: World, count: int, start: int = 0,
                   force: bool = False) -> list[tuple[Chat, Chat]]:
    """Juniors j{n} and seniors s{n}, joined if new and paired by hand by Ada, the admin."""
    made = []
    ada = world.person("ada")
    for n in range(start, start + count):
        junior = world.person(f"j{n}", display_name=f"Junior {n}")
        senior = world.person(f"s{n}", display_name=f"Senior {n}")
        if not force:
            await junior.join(team="brand")
            await senior.join(**SENIOR)
        reply = (await ada.say(f"admin pair @j{n} @s{n}" + (" force" if force else "")))
        assert "Paired" in reply.messages[0].text, reply
        made.append((junior, senior))
    return made


def everyone(pairs: list[tuple[Chat, Chat]]) -> list[Chat]:
    return [person for pair in pairs for person in pair]


async def open_round(world: World, at: datetime = ROUND_OPENS) -> str:
    """Run the scheduled jobs at `at`; the id of the poll round whose invitations went out."""
    await tick(world, at)
    buttons = [b for s in world.messenger.sent for b in s.message.buttons
               if b.action_id == "pulse.open"]
    assert buttons, "no poll invitation went out"
    return buttons[-1].value


async def answer(chat: Chat, poll_id: str, value: int, **more: str | tuple[str, ...]) -> Response:
    return await chat.submit({**GOOD, "value": str(value), **more}, form_id="pulse",
                             context=poll_id)


async def close_cohort(world: World) -> str:
    """Close the open cohort; the id its closing-survey invitations carry."""
    reply = await world.person("ada").confirm("admin cohort close")
    assert "is closed" in reply.messages[0].text, reply
    await world.deliver()
    buttons = [b for s in world.messenger.sent for b in s.message.buttons
               if b.action_id == "closing.open"]
    return buttons[-1].value


async def answer_closing(chat: Chat, cohort_id: str, recommend: int, learned: str = "",
                         share: bool = True) -> Response:
    return await chat.submit({"learned": learned, "future_leader": "yes", "changed_view": "more",
                              "recommend": str(recommend), "helps_retention": "yes",
                              "share": ("share",) if share else ()},
                             form_id="closing", context=cohort_id)


async def later(world: World, at: datetime) -> None:
    """Time passes to `at`: every scheduled job runs once and messages go out."""
    await tick(world, at)
