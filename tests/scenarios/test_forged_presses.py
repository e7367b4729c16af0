"""Someone outside a pair presses the pair's own buttons and submits its forms (copied, or
their values guessed): at every step of the journey, each is refused kindly (no form opens)
and changes nothing anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.database_snapshot import changed_rows, snapshot
from tests.support.drivers import ChatDriver, ChatWorld, Seen, SeenButton
from tests.support.drivers.journeys import AGREE, JUNIOR, KICKOFF, join, matched

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # past 09:30 in London: a weekly prompt
# Buttons that act on whoever presses them (pausing oneself, one's own survey): not the pair's.
FORGED = {**KICKOFF, "goal_1": "Whatever Mallory wants"}
SELF = ("membership.", "survey.", "journey.again", "checkin.")


def pair_buttons(*inboxes: list[Seen]) -> list[SeenButton]:
    found: dict[tuple[str, str], SeenButton] = {}
    for seen in inboxes:
        for item in seen:
            for b in item.buttons:
                if b.value and not b.action_id.startswith(SELF):
                    found.setdefault((b.action_id, b.value), b)
    return list(found.values())


async def forge_each(chat: ChatWorld, outsiders: tuple[ChatDriver, ...], jo: ChatDriver,
                     sam: ChatDriver) -> dict[str, list[str]]:
    """Every outsider presses every pair button Jo and Sam hold; returns what changed in the
    database (table → rows) and any reply that reads like a failure."""
    buttons = pair_buttons(await jo.inbox(), await sam.inbox())
    assert buttons
    before = await snapshot(chat.service.database)
    jo_seen, sam_seen = len(await jo.inbox()), len(await sam.inbox())
    bad: dict[str, list[str]] = {}
    forms = [s.form for s in await jo.inbox() + await sam.inbox()
             if s.form is not None and s.form.form_id != "signup"]
    for outsider in outsiders:
        replies = [r for b in buttons for r in await outsider.press(b)]
        for form in forms:  # the pair's own forms, filled in by someone else
            filled = {k: v for k, v in FORGED.items() if k in form.fields}
            replies += await outsider.submit(filled, form=form)
        bad["replies"] = [r.text for r in replies if "went wrong" in r.text or r.form is not None]
    changed = changed_rows(before, await snapshot(chat.service.database),
                           ignore=[o.address.user_id for o in outsiders])
    bad.update(changed)
    if not bad["replies"]:
        del bad["replies"]
    if (await jo.inbox())[jo_seen:] or (await sam.inbox())[sam_seen:]:
        heard = (await jo.inbox())[jo_seen:] + (await sam.inbox())[sam_seen:]
        bad["pair heard"] = [s.text for s in heard]
    return bad


async def test_nobody_outside_a_pair_can_press_its_buttons_at_any_step(chat: ChatWorld) -> None:
    jo, sam = await matched(chat)
    mallory, trudy = chat.person("mallory"), chat.person("trudy")
    await join(mallory, JUNIOR)  # a member waiting for a match; Trudy never joined
    assert await forge_each(chat, (mallory, trudy), jo, sam) == {}  # the introduction's *I agree*

    await jo.press(AGREE)
    await sam.press(AGREE)
    await sam.press("kickoff.open")
    assert await forge_each(chat, (mallory, trudy), jo, sam) == {}  # the kick-off form
    await sam.submit(KICKOFF)
    assert await forge_each(chat, (mallory, trudy), jo, sam) == {}  # the proposal's *Confirm*

    await jo.press("kickoff.confirm")
    await chat.tick(MONDAY)
    await jo.say("schedule")
    await jo.press("meet.pick")
    await jo.say("end")
    assert await forge_each(chat, (mallory, trudy), jo, sam) == {}  # prompts, slots, *End*

    await sam.press("meet.confirm")
    await chat.tick(MONDAY + timedelta(days=10))  # the meeting has been: "Did you meet?"
    assert await forge_each(chat, (mallory, trudy), jo, sam) == {}
