"""Steps many scenarios share: signing people up, and an admin matching them."""

from __future__ import annotations

from collections.abc import Mapping

from tests.support.drivers.base import ADMIN, ChatDriver, ChatWorld
from tests.support.drivers.records import Answer, Seen, with_action

# Jo (a junior in Berlin) can teach what Sam (a senior in London) wants to learn.
JUNIOR: dict[str, Answer] = {
    "role": "mentor", "department": "sales", "team": "inside-sales", "seniority": "entry",
    "timezone": "Europe/Berlin", "teach": ("ai-digital-tools", "social-media"), "learn": (),
    "goals": "Help a leader get confident with AI tools", "cadence": "weekly",
    "meeting_mode": "video"}
SENIOR: dict[str, Answer] = {
    "role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
    "timezone": "Europe/London", "teach": ("leadership",),
    "learn": ("ai-digital-tools", "social-media"), "goals": "", "cadence": "fortnightly",
    "meeting_mode": "video"}
CONFIRM, AGREE = "match.confirm", "pair.agree"


async def join(person: ChatDriver, answers: Mapping[str, Answer]) -> list[Seen]:
    """Type `join`, fill in the survey; returns what came after the submission."""
    opened = await person.say("join")
    assert [s.form.form_id for s in opened if s.form] == ["signup"], opened
    return await person.submit(answers)


async def matched(chat: ChatWorld, junior: str = "jo") -> tuple[ChatDriver, ChatDriver]:
    """Jo (or `junior`) and Sam signed up, and Ada confirmed the round that pairs them."""
    jo, sam = chat.person(junior), chat.person("sam", "Europe/London")
    await join(jo, JUNIOR)
    await join(sam, SENIOR)
    ada = chat.person(ADMIN)
    preview = await ada.say("admin match")
    assert with_action(preview, CONFIRM), preview
    await ada.press(CONFIRM)
    return jo, sam


KICKOFF: dict[str, Answer] = {
    "goal_1": "By March, use an AI assistant to draft my weekly team update",
    "mentor_goal": "Lead every session and practise giving feedback upward",
    "rhythm": "weekly", "meeting_mode": "video", "length": "6"}


async def kicked_off(jo: ChatDriver, sam: ChatDriver, **answers: Answer) -> list[Seen]:
    """Both press *I agree*; Sam proposes the kick-off (weekly unless told otherwise) and Jo
    confirms it. Returns what reached Jo on confirming."""
    await jo.press(AGREE)
    await sam.press(AGREE)
    opened = await sam.press("kickoff.open")
    assert [s.form.form_id for s in opened if s.form] == ["kickoff"], opened
    await sam.submit({**KICKOFF, **answers})
    return await jo.press("kickoff.confirm")


async def started(chat: ChatWorld, junior: str = "jo",
                  **answers: Answer) -> tuple[ChatDriver, ChatDriver]:
    """Jo (or `junior`) and Sam matched, both agreed, and their kick-off confirmed: prompts may
    begin."""
    jo, sam = await matched(chat, junior)
    await kicked_off(jo, sam, **answers)
    return jo, sam
