"""A paired person who met, booked a meeting and was announced to leaves with "delete my data":
afterwards no table holds their name, platform id, directory id or conversation, on every
platform; their old buttons and forms then do nothing for anyone."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.database_scan import find_anywhere
from tests.support.database_snapshot import changed_rows, snapshot
from tests.support.drivers import ADMIN, ChatWorld, with_action
from tests.support.drivers.journeys import started

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # past 09:30 in London: a weekly prompt
# Slack "UZEPHYR", Teams "29:1zephyr", "aad-zephyr" and "a:personal-29:1zephyr", web "zephyr";
# shown as "Zephyr" everywhere.
TRACES = ("zephyr", "Zephyr", "ZEPHYR")


async def test_a_paired_person_who_deletes_their_data_leaves_no_trace_on_any_platform(
    chat: ChatWorld,
) -> None:
    zephyr, sam = await started(chat, junior="zephyr")
    ada = chat.person(ADMIN)
    await chat.tick(MONDAY)
    await zephyr.say("schedule")
    await zephyr.press("meet.pick")
    await sam.press("meet.confirm")
    await zephyr.say("met we talked about Zephyr's budget")
    await ada.say("admin announce Hello Zephyr and everyone")
    await ada.press("Send")
    await ada.say("admin export")
    await ada.say("admin waitlist")
    await ada.say("admin at-risk")
    planted = {h.table for h in await find_anywhere(chat.service.database, TRACES)}
    assert {"person", "outbox", "meeting", "announcement"} <= planted, planted
    old = [b for s in await zephyr.inbox() for b in s.buttons if b.value]
    assert with_action(await zephyr.inbox(), "engage.met")

    [question] = await zephyr.say("leave")
    await zephyr.press(next(b for b in question.buttons if b.value == "delete"))

    assert await find_anywhere(chat.service.database, TRACES) == []

    # Her old buttons pressed again: nothing changes, nothing leaks, and she is not known.
    before = await snapshot(chat.service.database)
    for button in old:
        for reply in await zephyr.press(button):
            assert "went wrong" not in reply.text
    # Only what any stranger's message leaves: the web chat's transcript of her page, where
    # Teams answers her. No row of the program's, and not her name.
    assert changed_rows(before, await snapshot(chat.service.database),
                        ignore=[zephyr.address.user_id]) == {}
    assert await chat.row(zephyr) is None
    assert await find_anywhere(chat.service.database, ("Zephyr",)) == []
