"""A matched pair to run the engagement engine against, week by week."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from storage.models import Pair
from tests.support.world import Chat, World

JUNIOR = {"learn": ("leadership",)}
SENIOR = {"role": "mentee", "seniority": "director", "teach": ("leadership",),
          "learn": ("ai-digital-tools", "social-media"), "department": "finance",
          "team": "Treasury", "cadence": "fortnightly", "timezone": "Europe/London"}


async def matched_pair(world: World) -> tuple[Chat, Chat, Pair]:
    """Jo (junior, Berlin) mentors Sam (senior, London); Ada, the admin, confirmed it."""
    jo, sam, ada = (world.person(n, display_name=n.title()) for n in ("jo", "sam", "ada"))
    await jo.join(**JUNIOR)
    await sam.join(**SENIOR)
    await ada.say("help")
    round_id = (await ada.say("admin match")).messages[0].buttons[0].value
    await ada.press("match.confirm", round_id)
    await world.deliver()
    world.messenger.sent.clear()
    async with world.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
    return jo, sam, pair


async def tick(world: World, at: datetime) -> dict[str, int]:
    """Move the clock to `at`, run every job once, deliver."""
    world.clock.advance(at - world.clock.now())
    counts = await world.jobs.run_all()
    counts["delivered"] = await world.deliver()
    return counts


def mondays(first: datetime, weeks: int) -> list[datetime]:
    return [first + timedelta(weeks=n) for n in range(weeks)]
