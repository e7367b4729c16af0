"""Choosing a mentor over Teams: suggest, request, Accept or Decline on a card, or silence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from tests.support.choosing import choosing
from tests.support.fake_teams import (
    ConnectorCall,
    TeamsUser,
    TeamsWorld,
    button_data,
    submit_value,
    teams_world,
)

JUNIOR = {"role": "mentor", "department": "marketing", "team": "brand", "seniority": "entry",
          "teach": "ai-digital-tools", "cadence": "weekly", "meeting_mode": "video"}
SENIOR = {"role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
          "learn": "ai-digital-tools", "teach": "leadership", "cadence": "fortnightly",
          "meeting_mode": "in-person", "goals": "Get confident with AI tools"}


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, choosing(program, admins=Admins(teams=("aad-ada",))),
                           clock) as world:
        yield world


async def reply(world: TeamsWorld, user: TeamsUser, **activity: object) -> ConnectorCall:
    before = len(world.connector.to(user.conversation_id))
    status, _ = await user.post(user.activity(**activity))
    assert status == 201
    replies = world.connector.to(user.conversation_id)
    assert len(replies) == before + 1, [r.text for r in replies[before:]]
    return replies[-1]


async def enrol(world: TeamsWorld) -> tuple[TeamsUser, TeamsUser]:
    jo = world.user(user_id="29:1jo", name="Jo", aad_object_id="aad-jo")
    sam = world.user(user_id="29:1sam", name="Sam", aad_object_id="aad-sam")
    for user, answers in ((jo, JUNIOR), (sam, SENIOR)):
        survey = await reply(world, user, text="join")
        assert await user.submit(survey.sent_id or "", submit_value(survey.card, answers)) == 201
    await world.running.service.deliver_now()
    return jo, sam


async def request_card(world: TeamsWorld, jo: TeamsUser, sam: TeamsUser) -> ConnectorCall:
    """Sam asks for suggestions and requests the first; the card Jo receives."""
    suggested = await reply(world, sam, text="suggest")
    assert "Suggested mentors" in suggested.text and "Jo" not in suggested.text
    sent = await reply(world, sam, value=button_data(suggested.card, "Request 1"),
                       replyToId=suggested.sent_id)
    assert "Request sent" in sent.text
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: any(
        "would like you" in c.text for c in world.connector.to(jo.conversation_id)))
    return next(c for c in world.connector.to(jo.conversation_id) if "would like you" in c.text)


async def test_a_senior_requests_a_mentor_who_accepts_over_teams(world: TeamsWorld) -> None:
    jo, sam = await enrol(world)
    welcome = next(c for c in world.connector.to(sam.conversation_id) if "Welcome" in c.text)
    assert button_data(welcome.card, "See suggested mentors")["action_id"] == "match.suggest"
    ask = await request_card(world, jo, sam)
    assert "Sam" in ask.text and "Get confident with AI tools" in ask.text
    accept = button_data(ask.card, "Accept")
    assert "now a pair" in (await reply(world, jo, value=accept, replyToId=ask.sent_id)).text
    # The introductions go out through the outbox, on their own time: let them arrive before
    # the second press, whose answer must then be the only new message.
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: all(any(
        "Meet your reverse mentoring partner" in c.text for c in world.connector.to(u))
        for u in (jo.conversation_id, sam.conversation_id)))
    assert "already accepted" in (await reply(world, jo, value=accept,
                                              replyToId=ask.sent_id)).text
    intros = [c for c in world.connector.messages if "Meet your reverse mentoring" in c.text]
    assert len(intros) == 2  # Teams: one 1:1 introduction each


async def test_a_decline_and_an_expiry_read_the_same_over_teams(world: TeamsWorld,
                                                                clock: FrozenClock) -> None:
    jo, sam = await enrol(world)
    ask = await request_card(world, jo, sam)
    declined = await reply(world, jo, value=button_data(ask.card, "Decline"),
                           replyToId=ask.sent_id)
    assert "not who said no" in declined.text
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: any(
        "didn't work out" in c.text for c in world.connector.to(sam.conversation_id)))
    note = next(c for c in world.connector.to(sam.conversation_id) if "didn't work out" in c.text)
    assert "Jo" not in note.text

    lee = world.user(user_id="29:1lee", name="Lee", aad_object_id="aad-lee")
    survey = await reply(world, lee, text="join")
    await lee.submit(survey.sent_id or "", submit_value(survey.card, {**JUNIOR, "team": "field-sales"}))
    await request_card(world, lee, sam)
    clock.advance(timedelta(days=6))
    await world.running.service.tick()
    await world.running.service.deliver_now()
    await world.connector.wait_for(lambda: len([
        c for c in world.connector.to(sam.conversation_id) if "didn't work out" in c.text]) == 2)
    notes = [c.text for c in world.connector.to(sam.conversation_id) if "didn't work out" in c.text]
    assert notes[0] == notes[1]
