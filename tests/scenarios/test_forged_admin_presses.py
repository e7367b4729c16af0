"""Every button the program team was shown (a round's preview, an announcement, closing a
cohort, the waitlist's *Pair*), pressed by a member or a stranger: one refusal each, and not a
row changes; the admin hears nothing of it."""

from __future__ import annotations

from runtime.router import REFUSAL
from tests.support.database_snapshot import changed_rows, snapshot
from tests.support.drivers import ADMIN, ChatWorld
from tests.support.drivers.journeys import JUNIOR, SENIOR, join


async def test_a_member_or_a_stranger_pressing_the_admins_buttons_is_refused_and_changes_nothing(
    chat: ChatWorld,
) -> None:
    jo, sam, ada = chat.person("jo"), chat.person("sam", "Europe/London"), chat.person(ADMIN)
    mallory, trudy = chat.person("mallory"), chat.person("trudy")  # Trudy never joined
    await join(jo, JUNIOR)
    await join(sam, SENIOR)
    await join(mallory, JUNIOR)
    await ada.say("admin waitlist")
    await ada.say("admin match")
    await ada.say("admin announce Lunch on Friday")
    await ada.say("admin cohort start Spring")
    await ada.say("admin cohort close")
    buttons = {(b.action_id, b.value): b for s in await ada.inbox() for b in s.buttons}
    assert {"waitlist.pair", "match.confirm", "match.discard", "match.details", "announce.send",
            "announce.cancel", "cohort.close", "cohort.keep_open"} <= {a for a, _ in buttons}

    before = await snapshot(chat.service.database)
    ada_seen = len(await ada.inbox())
    replies = {(who.name, *key): [s.text for s in await who.press(button)]
               for who in (mallory, trudy) for key, button in buttons.items()}

    assert {k: r for k, r in replies.items() if r != [REFUSAL]} == {}
    assert changed_rows(before, await snapshot(chat.service.database),
                        ignore=[mallory.address.user_id, trudy.address.user_id]) == {}
    assert (await ada.inbox())[ada_seen:] == []
