"""Matching: an admin previews a round, confirms it, the pair is introduced and agrees; later
one of them ends it with a reason."""

from __future__ import annotations

import re

from sqlmodel import func, select

from storage.models import MatchExclusion, MatchRound, Pair
from tests.support.drivers import ADMIN, ChatWorld, with_action
from tests.support.drivers.journeys import AGREE, CONFIRM, JUNIOR, SENIOR, join, matched

END = "pair.end"


async def the_pairs(chat: ChatWorld) -> list[Pair]:
    async with chat.service.database.session() as session:
        return list(await session.exec(select(Pair)))


async def test_a_previewed_round_introduces_the_pair_once_confirmed_and_both_agree(
    chat: ChatWorld,
) -> None:
    jo, sam, ada = chat.person("jo"), chat.person("sam", "Europe/London"), chat.person(ADMIN)
    await join(jo, JUNIOR)
    await join(sam, SENIOR)
    jo_seen, sam_seen = len(await jo.inbox()), len(await sam.inbox())

    working, preview = await ada.say("admin match")  # answered at once; the preview follows
    assert working.text.startswith("Working on a round for 2 people…") and not working.buttons
    assert preview.actions == (CONFIRM, "match.details", "match.discard")
    assert not re.search(r"\b(Jo|Sam)\b", preview.text)  # blind review: no names yet
    [line] = [s for s in preview.text.splitlines() if s.startswith("1. ")]
    assert re.search(r"· fit \d{1,3}/100: [^;]+; [^;]+$", line)  # the fit, two reasons
    [full] = await ada.press("match.details")
    assert full.text.count("\n") > line.count("\n") + 3  # every reason, one press away
    assert not re.search(r"\b(Jo|Sam)\b", full.text)  # still blind
    assert await the_pairs(chat) == []
    assert len(await jo.inbox()) == jo_seen and len(await sam.inbox()) == sam_seen

    await ada.press(CONFIRM)
    await ada.press(CONFIRM)  # a second press confirms nothing twice

    [pair] = await the_pairs(chat)
    for person, seen in ((jo, jo_seen), (sam, sam_seen)):
        [intro] = (await person.inbox())[seen:]
        assert intro.actions == (AGREE, "meet.find")  # agree, or book the first meeting
        assert re.search(r"\bJo\b", intro.text) and re.search(r"\bSam\b", intro.text)

    await jo.press(AGREE)
    [pair] = await the_pairs(chat)
    assert pair.mentor_agreed_at is not None and pair.agreed_at is None
    sam_before, jo_before = len(await sam.inbox()), len(await jo.inbox())
    await sam.press(AGREE)
    [pair] = await the_pairs(chat)
    assert pair.agreed_at is not None
    assert len(await jo.inbox()) == jo_before + 1  # both agreed: now the kick-off
    assert len(await sam.inbox()) == sam_before + 2  # thanks, and the kick-off
    assert "kickoff.open" in (await jo.inbox())[-1].actions


async def test_discarding_a_preview_introduces_no_one(chat: ChatWorld) -> None:
    jo, sam, ada = chat.person("jo"), chat.person("sam", "Europe/London"), chat.person(ADMIN)
    await join(jo, JUNIOR)
    await join(sam, SENIOR)
    seen = len(await jo.inbox())

    await ada.say("admin match")
    await ada.press("match.discard")

    assert await the_pairs(chat) == [] and len(await jo.inbox()) == seen
    async with chat.service.database.session() as session:
        assert (await session.exec(select(MatchRound.status))).all() == ["discarded"]


async def test_ending_a_pairing_with_a_reason_tells_the_partner_and_the_admins(
    chat: ChatWorld,
) -> None:
    jo, sam = await matched(chat)
    ada = chat.person(ADMIN)

    [question] = await sam.say("end")
    assert question.actions == (END, END, END, "pair.keep")  # three reasons, or *Cancel*
    mismatch = next(b for b in question.buttons if b.value.endswith(":mismatch"))
    jo_seen, ada_seen = len(await jo.inbox()), len(await ada.inbox())
    await sam.press(mismatch)

    [pair] = await the_pairs(chat)
    assert pair.status == "ended" and pair.end_reason
    async with chat.service.database.session() as session:
        never_again = (await session.exec(select(func.count()).select_from(MatchExclusion))).one()
    assert never_again == 1  # "not a good match": never paired again
    assert len((await jo.inbox())[jo_seen:]) == 1
    [notice] = (await ada.inbox())[ada_seen:]
    assert re.search(r"\bSam\b", notice.text) and re.search(r"\bJo\b", notice.text)
    [nothing] = await sam.say("end")
    assert nothing.buttons == ()
    assert with_action(await sam.say("status"), END) == []
