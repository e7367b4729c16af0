"""Weeks go by: each Monday morning the pair gets a prompt, "We met" logs a meeting, and a
quiet senior mentee (never the junior) gets a check-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import Meeting, Pair
from tests.support.drivers import ChatWorld, with_action
from tests.support.drivers.journeys import started

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # past 09:30 in London, Sam's morning
MET, FIND, PAUSE = "engage.met", "meet.find", "membership.pause_for"


async def test_the_weekly_prompt_reaches_both_and_we_met_logs_the_meeting(
    chat: ChatWorld,
) -> None:
    jo, sam = await started(chat)
    jo_seen, sam_seen = len(await jo.inbox()), len(await sam.inbox())

    await chat.tick(MONDAY)
    await chat.tick(MONDAY + timedelta(minutes=20))  # the same week: nothing more

    [jo_prompt] = (await jo.inbox())[jo_seen:]
    [sam_prompt] = (await sam.inbox())[sam_seen:]
    assert jo_prompt.actions == sam_prompt.actions == (MET, "engage.skip", "engage.another", FIND)
    assert jo_prompt.title == sam_prompt.title

    await sam.press(MET)
    async with chat.service.database.session() as session:
        [meeting] = (await session.exec(select(Meeting))).all()
        pair = (await session.exec(select(Pair))).one()
    assert meeting.day == MONDAY.date() and pair.last_met_on == MONDAY.date()
    await sam.press(MET)  # the same day twice is one meeting
    async with chat.service.database.session() as session:
        assert len((await session.exec(select(Meeting))).all()) == 1

    await chat.tick(MONDAY + timedelta(weeks=1))
    next_week = with_action((await jo.inbox())[jo_seen + 1:], MET)
    assert len(next_week) == 1 and next_week[0].title != jo_prompt.title  # never a repeat


async def test_a_quiet_senior_gets_a_check_in_each_week_and_the_junior_never_does(
    chat: ChatWorld,
) -> None:
    jo, sam = await started(chat)
    jo_seen, sam_seen = len(await jo.inbox()), len(await sam.inbox())

    for week in range(3):  # day 7, 14 and 21 of silence
        await chat.tick(MONDAY + timedelta(weeks=week))

    assert with_action((await jo.inbox())[jo_seen:], PAUSE) == []
    check_ins = with_action((await sam.inbox())[sam_seen:], PAUSE)
    assert len(check_ins) == 2  # days 14 and 21; once a week, not once a tick
    assert MET in check_ins[0].actions
