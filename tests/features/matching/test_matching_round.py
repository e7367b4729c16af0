"""Admins match the pool: a blind preview first, introductions only after Confirm, once."""

from __future__ import annotations

import json
import re

from sqlmodel import select

from storage.models import OutboxMessage, Pair
from tests.support.round_people import enrol
from tests.support.world import World


async def queued(world: World) -> list[OutboxMessage]:
    async with world.database.session() as session:
        return list(await session.exec(select(OutboxMessage).where(OutboxMessage.status != "sent")))


async def all_pairs(world: World) -> list[Pair]:
    async with world.database.session() as session:
        return list(await session.exec(select(Pair)))


async def test_only_admins_can_match_and_a_refusal_changes_nothing(world: World) -> None:
    people = await enrol(world)
    reply = (await people["jo"].say("admin match")).messages[0].text
    assert "for the program team" in reply
    async with world.database.session() as session:
        assert list(await session.exec(select(Pair))) == []


async def test_the_preview_is_blind_explains_itself_and_sends_nothing(world: World) -> None:
    await enrol(world)
    preview = (await world.match()).messages[0]
    assert preview.title == "Matching round #1: preview"
    assert "*1 pair*" in preview.text and "1 waitlisted" in preview.text
    assert "1. Sales · Entry level / graduate → Finance · Director · fit " in preview.text
    assert re.search(r"· fit \d{1,3}/100: The mentor can teach", preview.text)
    assert "Jo" not in preview.text and "Sam" not in preview.text
    assert "The mentor can teach AI and digital tools" in preview.text
    assert [b.action_id for b in preview.buttons] == [
        "match.confirm", "match.details", "match.discard"]
    assert await queued(world) == [] and await all_pairs(world) == []


async def test_confirming_introduces_each_pair_once_and_tells_the_waitlisted_why(
    world: World,
) -> None:
    await enrol(world)
    ada = world.person("ada")
    round_id = (await world.match()).messages[0].buttons[0].value
    done = (await ada.press("match.confirm", round_id)).messages[0]
    assert done.title == f"Round #{round_id} confirmed" and "Jo → Sam" in done.text
    again = (await ada.press("match.confirm", round_id)).messages[0].text
    assert "already confirmed" in again
    await world.deliver()
    (intro,) = [s for s in world.messenger.sent if len(s.user_ids) == 2]
    assert intro.user_ids == ("jo", "sam")
    assert ("*Jo* (Sales) leads your conversations, and *Sam* (Finance) is here to learn"
            in intro.message.text)
    assert "Jo can teach AI and digital tools" in intro.message.text
    assert "Keep the roles reversed" in intro.message.text
    assert intro.message.buttons[0].action_id == "pair.agree"
    (notice,) = world.messenger.to("kim")
    assert notice.title == "No match this round"
    status = (await world.person("kim").say("status")).messages[0].text
    assert "waitlist" in status
    assert "paired with Sam" in (await world.person("jo").say("status")).messages[0].text


async def test_a_discarded_round_cannot_be_confirmed_afterwards(world: World) -> None:
    await enrol(world)
    ada = world.person("ada")
    round_id = (await world.match()).messages[0].buttons[0].value
    assert "discarded" in (await ada.press("match.discard", round_id)).messages[0].text
    assert "already discarded" in (await ada.press("match.confirm", round_id)).messages[0].text
    assert await all_pairs(world) == []


async def test_people_who_left_after_the_preview_are_skipped_at_confirm(world: World) -> None:
    people = await enrol(world)
    ada = world.person("ada")
    round_id = (await world.match()).messages[0].buttons[0].value
    await people["sam"].press("membership.leave", "keep")
    done = (await ada.press("match.confirm", round_id)).messages[0].text
    assert "0 pairs" in done and "1 pair was skipped" in done


async def test_both_agreeing_is_acknowledged_once_in_the_pair_conversation(world: World) -> None:
    people = await enrol(world)
    ada = world.person("ada")
    await ada.press("match.confirm", (await world.match()).messages[0].buttons[0].value)
    (pair,) = await all_pairs(world)
    first = (await people["jo"].press("pair.agree", str(pair.id))).messages[0].text
    assert "once your partner agrees" in first
    assert (
        "already agreed" in (await people["jo"].press("pair.agree", str(pair.id))).messages[0].text
    )
    assert (
        "belongs to another pair"
        in (await people["kim"].press("pair.agree", str(pair.id))).messages[0].text
    )
    await people["sam"].press("pair.agree", str(pair.id))
    await world.deliver()
    acks = [s for s in world.messenger.sent if "both agreed" in s.message.text]
    assert len(acks) == 1 and acks[0].user_ids == ("jo", "sam")
    (pair,) = await all_pairs(world)
    assert pair.agreed_at is not None


async def test_a_manual_pair_breaking_a_rule_is_explained_and_can_be_forced(world: World) -> None:
    await enrol(world)
    ada = world.person("ada")
    refused = (await ada.say("admin pair @kim @sam")).messages[0].text
    assert "same team" in refused and "force" in refused
    assert await all_pairs(world) == []
    forced = (await ada.say("admin pair @kim @sam force")).messages[0].text
    assert "override: they are on the same team" in forced
    (pair,) = await all_pairs(world)
    assert pair.manual and pair.override
    assert "already in a pair" in (await ada.say("admin pair @jo @sam force")).messages[0].text


async def test_unpairing_tells_both_kindly_and_they_are_never_proposed_together_again(
    world: World,
) -> None:
    await enrol(world)
    ada = world.person("ada")
    await ada.press("match.confirm", (await world.match()).messages[0].buttons[0].value)
    await world.deliver()
    world.messenger.sent.clear()
    [question] = (await ada.say("admin unpair @sam")).messages
    assert question.title == "Unpair Jo and Sam?"
    await world.deliver()
    assert world.messenger.sent == []  # asking tells nobody anything
    unpair = question.buttons[0]
    assert "ended" in (await ada.press(unpair.action_id, unpair.value)).messages[0].text
    assert "already ended" in (await ada.press(unpair.action_id, unpair.value)).messages[0].text
    await world.deliver()
    assert {s.user_ids for s in world.messenger.sent} == {("jo",), ("sam",)}
    preview = (await world.match()).messages[0]
    assert "*0 pairs*" in preview.text and preview.buttons == ()
    assert "paired before" in (await ada.say("admin pair @jo @sam")).messages[0].text


async def test_a_participant_ends_their_pair_with_a_reason_and_admins_hear_of_it(
    world: World,
) -> None:
    people = await enrol(world)
    ada = world.person("ada")
    await ada.say("help")  # the admin has met the bot, so it can reach them
    await ada.press("match.confirm", (await world.match()).messages[0].buttons[0].value)
    await world.deliver()
    world.messenger.sent.clear()
    question = (await people["sam"].say("end")).messages[0]
    assert [b.label for b in question.buttons] == [
        "We reached our goals",
        "Not a good match",
        "No time right now",
        "Cancel",
    ]
    reply = (await people["sam"].press("pair.end", question.buttons[1].value)).messages[0].text
    assert "closed" in reply
    await world.deliver()
    assert "Sam has closed your pairing" in world.messenger.to("jo")[0].text
    (told,) = world.messenger.to("ada")
    assert "Reason: Not a good match" in told.text
    (pair,) = await all_pairs(world)
    assert (pair.status, pair.end_reason) == ("ended", "Not a good match")
    assert json.loads(pair.reasons)
