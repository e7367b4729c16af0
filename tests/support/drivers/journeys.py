"""Steps many scenarios share: signing people up, and an admin matching them."""

from __future__ import annotations

from collections.abc import Mapping

from tests.support.drivers.base import ADMIN, ChatDriver, ChatWorld
from tests.support.drivers.records import Answer, Seen, with_action

# Jo (a junior in Berlin) can teach what Sam (a senior in London) wants to learn.
JUNIOR: dict[str, Answer] = {
    "role": "mentor", "department": "sales", "team": "Inside Sales", "seniority": "entry",
    "timezone": "Europe/Berlin", "teach": ("ai-digital-tools", "social-media"), "learn": (),
    "goals": "Help a leader get confident with AI tools", "cadence": "weekly",
    "meeting_mode": "video"}
SENIOR: dict[str, Answer] = {
    "role": "mentee", "department": "finance", "team": "Treasury", "seniority": "director",
    "timezone": "Europe/London", "teach": ("leadership",),
    "learn": ("ai-digital-tools", "social-media"), "goals": "", "cadence": "fortnightly",
    "meeting_mode": "video"}
CONFIRM, AGREE = "match.confirm", "pair.agree"


async def join(person: ChatDriver, answers: Mapping[str, Answer]) -> list[Seen]:
    """Type `join`, fill in the survey; returns what came after the submission."""
    opened = await person.say("join")
    assert [s.form.form_id for s in opened if s.form] == ["signup"], opened
    return await person.submit(answers)


async def matched(chat: ChatWorld) -> tuple[ChatDriver, ChatDriver]:
    """Jo and Sam signed up, and Ada confirmed the round that pairs them."""
    jo, sam = chat.person("jo"), chat.person("sam", "Europe/London")
    await join(jo, JUNIOR)
    await join(sam, SENIOR)
    ada = chat.person(ADMIN)
    preview = await ada.say("admin match")
    assert with_action(preview, CONFIRM), preview
    await ada.press(CONFIRM)
    return jo, sam
