"""People in a Teams tenant, driven through Bot Framework activities: replies and signing up."""

from __future__ import annotations

from tests.support.fake_teams import ConnectorCall, TeamsUser, TeamsWorld, submit_value

JUNIOR = {"role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
          "teach": "ai-digital-tools", "cadence": "weekly", "meeting_mode": "video"}
SENIOR = {"role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
          "learn": "ai-digital-tools", "teach": "leadership", "cadence": "fortnightly",
          "meeting_mode": "in-person"}


async def reply(world: TeamsWorld, user: TeamsUser, **activity: object) -> ConnectorCall:
    """Send one activity; the one reply the bot gave in that turn."""
    before = len(world.connector.to(user.conversation_id))
    status, _ = await user.post(user.activity(**activity))
    assert status == 201
    replies = world.connector.to(user.conversation_id)
    assert len(replies) == before + 1, [r.text for r in replies[before:]]
    return replies[-1]


async def join(world: TeamsWorld, user: TeamsUser, answers: dict[str, str]) -> None:
    survey = await reply(world, user, text="join")
    assert await user.submit(survey.sent_id or "", submit_value(survey.card, answers)) == 201
