"""People's words stay words on Teams: no link, no emphasis, no code from what they typed.

Canaries carry Teams markdown, Slack mrkdwn and HTML in every free-text field a card shows
(display names, team, goals, end reason; a poll comment reaches no card), through the real
protocol.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from tests.support.fake_teams import (
    ConnectorCall,
    TeamsUser,
    TeamsWorld,
    button_data,
    submit_value,
    teams_world,
)

LINK = "[Reset your password](https://evil.example/reset)"
SLACK_LINK = "<https://evil.example/slack|Reset here>"


def canary(tag: str) -> str:
    return (f"{tag} *BOSS{tag}* **LOUD{tag}** _SLANT{tag}_ ~~GONE{tag}~~ `CODE{tag}` "
            f"{LINK} {SLACK_LINK} <b>HTML{tag}</b>")


JO, SAM = f"Jo {canary('jo')}", f"Sam {canary('sam')}"
TEAM = "*BOSSteam* [Team site](https://evil.example/team)"
MARKERS = "BOSS|LOUD|SLANT|GONE|CODE"
# Formatting around a canary word means a person's markup became ours.
FORMATTED = re.compile(rf"[*_~`](?:{MARKERS})|(?:{MARKERS})\w*[*_~`]")
LINKED = re.compile(r"\]\s*[(\[]|<(?:https?|mailto):", re.IGNORECASE)

JUNIOR = {"role": "mentor", "department": "sales", "team": TEAM, "seniority": "entry",
          "teach": "ai-digital-tools", "goals": canary("goals"), "cadence": "weekly",
          "meeting_mode": "video"}
SENIOR = {"role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
          "learn": "ai-digital-tools", "teach": "leadership", "goals": canary("goals2"),
          "cadence": "fortnightly", "meeting_mode": "in-person"}
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def rendered(call: ConnectorCall) -> list[str]:
    """Every string Teams reads as markdown: TextBlock texts and FactSet titles and values."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for fact in node.get("facts", []):
                found.extend((fact["title"], fact["value"]))
            for value in node.values():
                walk(value)

    walk(call.cards)
    return found


def assert_words_stay_words(calls: list[ConnectorCall]) -> None:
    for call in calls:
        for text in rendered(call):
            assert not LINKED.search(text), text
            assert not FORMATTED.search(text), text


async def reply(world: TeamsWorld, user: TeamsUser, **activity: object) -> ConnectorCall:
    before = len(world.connector.to(user.conversation_id))
    status, _ = await user.post(user.activity(**activity))
    assert status == 201
    replies = world.connector.to(user.conversation_id)
    assert len(replies) > before
    return replies[-1]


async def join(world: TeamsWorld, user: TeamsUser, answers: dict[str, str]) -> ConnectorCall:
    survey = await reply(world, user, text="join")
    assert await user.submit(survey.sent_id or "", submit_value(survey.card, answers)) == 201
    return await delivered(world, user, "Welcome to")


async def delivered(world: TeamsWorld, user: TeamsUser, words: str) -> ConnectorCall:
    await world.running.service.deliver_now()
    await world.connector.wait_for(
        lambda: any(words in c.text for c in world.connector.to(user.conversation_id)))
    return next(c for c in reversed(world.connector.to(user.conversation_id)) if words in c.text)


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    """Ada is an admin; the team is typed (no list in app.yaml), so it can carry markup."""
    typed = program.model_copy(update={
        "admins": Admins(teams=("aad-ada",)),
        "survey": program.survey.model_copy(update={"teams": {}})})
    async with teams_world(database_url, typed, clock) as world:
        yield world


async def test_names_goals_teams_comments_and_reasons_never_format_a_teams_card(
    world: TeamsWorld, clock: FrozenClock,
) -> None:
    jo = world.user(user_id="29:1jo", name=JO, aad_object_id="aad-jo")
    sam = world.user(user_id="29:1sam", name=SAM, aad_object_id="aad-sam")
    ada = world.user()  # an admin by her directory id
    welcome = await join(world, jo, JUNIOR)
    await join(world, sam, SENIOR)
    assert "Team site" in " ".join(rendered(welcome))
    mentions = [{"type": "mention", "text": "<at>Jo</at>", "mentioned": {"id": "29:1jo"}},
                {"type": "mention", "text": "<at>Sam</at>", "mentioned": {"id": "29:1sam"}}]
    paired = await reply(world, ada, text="admin pair <at>Jo</at> <at>Sam</at>", entities=mentions)
    assert "Paired Jo" in paired.text
    # Her first command made her row; the next one records her directory id, by which she is
    # an admin who hears about pairs.
    await reply(world, ada, text="admin at-risk")

    intro = await delivered(world, sam, "Meet your reverse mentoring partner")
    text = "\n".join(rendered(intro))
    assert "Reset your password" in text and "BOSSgoals" in text and "BOSSjo" in text
    assert "Reset here (https://evil.example/slack)" in text  # a Slack link shows its address
    # Our own emphasis around the names still opens and closes where it should.
    assert re.search(r"learns: \*\*Jo [^*\n]+\*\* \(Sales\) leads your", text)
    assert "**Your goals**" in text

    for week in range(12):  # until the pulse poll comes round
        clock.advance(MONDAY + timedelta(weeks=week) - clock.now())
        await world.running.service.tick()
        invites = [c for c in world.connector.to(sam.conversation_id) if "Pulse poll" in c.text]
        if invites:
            break
    poll = await reply(world, sam, value=button_data(invites[-1].card, "Answer"),
                       replyToId=invites[-1].sent_id)
    answers = {"value": "4", "met": "1", "roles": "yes", "comment": canary("comment"),
               "share": "share", "check_in": "check_in"}
    await reply(world, sam, value=submit_value(poll.card, answers), replyToId=poll.sent_id)
    flagged = await delivered(world, ada, "asked for a check-in")
    # The request names the pair; the comment stays out of it (it is released only in the
    # anonymous export, once the poll closes).
    assert "BOSSsam" in flagged.text and "BOSScomment" not in flagged.text
    at_risk = await reply(world, ada, text="admin at-risk")
    assert "BOSSjo" in at_risk.text

    question = await reply(world, jo, text=f"end {canary('reason')}")
    assert "BOSSreason" in question.text  # the confirmation shows the reason as words too
    await reply(world, jo, value=button_data(question.card, "End the pairing"))
    ended = await delivered(world, ada, "A pair has ended")
    assert "BOSSreason" in ended.text and "Reset your password" in ended.text

    assert_words_stay_words(world.connector.calls)
