"""A matched pair to run the engagement engine against, week by week."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from storage.models import Pair
from tests.support.world import Chat, World

JUNIOR = {"learn": ("leadership",)}
SENIOR = {"role": "mentee", "seniority": "director", "teach": ("leadership",),
          "learn": ("ai-digital-tools", "social-media"), "department": "finance",
          "team": "treasury", "cadence": "fortnightly", "timezone": "Europe/London"}


KICKOFF: dict[str, str | tuple[str, ...]] = {
    "goal_1": "By March, use an AI assistant to draft my weekly team update",
    "mentor_goal": "Lead every session and practise giving feedback upward",
    "rhythm": "weekly", "meeting_mode": "video", "length": "6",
    "ground_rules": "What we discuss stays between us two."}


async def introduced_pair(world: World, **senior: str) -> tuple[Chat, Chat, Pair]:
    """Jo (junior, Berlin) and Sam (senior, London unless told otherwise), introduced but
    neither has agreed yet."""
    jo, sam, ada = (world.person(n, display_name=n.title()) for n in ("jo", "sam", "ada"))
    await jo.join(**JUNIOR)
    await sam.join(**{**SENIOR, **senior})
    await ada.say("help")
    round_id = (await world.match()).messages[0].buttons[0].value
    await ada.press("match.confirm", round_id)
    await world.deliver()
    world.messenger.sent.clear()
    async with world.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
    return jo, sam, pair


async def kick_off(world: World, proposer: Chat, confirmer: Chat, pair: Pair,
                   **answers: str | tuple[str, ...]) -> None:
    """Both agree to the introduction; one proposes the kick-off and the other confirms it."""
    for chat in (proposer, confirmer):
        await chat.press("pair.agree", str(pair.id))
    await proposer.submit({**KICKOFF, **answers}, form_id="kickoff", context=str(pair.id))
    await world.deliver()
    proposal = next(s for s in reversed(world.messenger.sent)
                    if any(b.action_id == "kickoff.confirm" for b in s.message.buttons))
    confirm = next(b for b in proposal.message.buttons if b.action_id == "kickoff.confirm")
    await confirmer.press(confirm.action_id, confirm.value)
    await world.deliver()


async def matched_pair(world: World, **kickoff: str | tuple[str, ...]) -> tuple[Chat, Chat, Pair]:
    """Jo and Sam, matched, both agreed and kick-off confirmed (weekly unless told otherwise);
    the messages so far are cleared."""
    jo, sam, pair = await introduced_pair(world)
    await kick_off(world, sam, jo, pair, **kickoff)
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
