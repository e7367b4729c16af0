"""Senior mentees choose their mentors: suggestions, requests, answers, expiry, nudges, check-ins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import MatchHelp, MatchRequest, Pair
from tests.support.choosing import BEST_JUNIOR, GOOD_JUNIOR, SAME_TEAM_JUNIOR, SENIOR, choosing
from tests.support.world import Chat, World


async def enrol(world: World) -> dict[str, Chat]:
    people = {name: world.person(name, display_name=name.title())
              for name in ("jo", "lee", "kim", "sam")}
    await people["jo"].join(**BEST_JUNIOR)
    await people["lee"].join(**GOOD_JUNIOR)
    await people["kim"].join(**SAME_TEAM_JUNIOR)  # Sam's own team: never suggested
    await people["sam"].join(**SENIOR)
    await world.deliver()
    world.messenger.sent.clear()
    return people


def buttons(reply: object) -> dict[str, tuple[str, str]]:
    return {b.label: (b.action_id, b.value) for m in reply.messages for b in m.buttons}  # type: ignore[attr-defined]


async def requests_in(world: World) -> list[MatchRequest]:
    async with world.database.session() as session:
        return list(await session.exec(select(MatchRequest).order_by(MatchRequest.id)))


async def pairs_in(world: World) -> list[Pair]:
    async with world.database.session() as session:
        return list(await session.exec(select(Pair)))


@pytest.fixture
def self_world(database: Database, program: Program, clock: FrozenClock) -> World:
    return World(database, choosing(program, "self"), clock)


async def test_a_senior_sees_the_best_mentors_blind_and_never_their_own_team(
        self_world: World) -> None:
    await enrol(self_world)
    reply = await self_world.person("sam").say("suggest")
    [message] = reply.messages
    assert message.title == "Suggested mentors"
    text = message.text
    assert "Marketing" in text and "Sales" in text  # blind: department and level
    assert "Jo" not in text and "Lee" not in text and "Kim" not in text
    assert "working hour" in text and "AI" in text  # timezone overlap and topics
    assert text.index("Marketing") < text.index("Sales")  # the best fit first
    assert list(buttons(reply)) == ["Request 1", "Request 2"]  # Kim is on Sam's team


async def test_names_show_when_blind_review_is_off(database: Database, program: Program,
                                                   clock: FrozenClock) -> None:
    world = World(database, choosing(program, "self", blind=False), clock)
    await enrol(world)
    text = (await world.person("sam").say("suggest")).messages[0].text
    assert "Jo" in text and "Lee" in text and "Kim" not in text


async def test_in_assigned_mode_there_is_nothing_to_choose(world: World) -> None:
    await enrol(world)
    reply = await world.person("sam").say("suggest")
    assert "program team makes the matches" in reply.messages[0].text
    assert buttons(reply) == {}


async def test_juniors_and_paused_people_get_a_clear_answer(self_world: World) -> None:
    people = await enrol(self_world)
    assert "for senior mentees" in (await people["jo"].say("suggest")).messages[0].text
    await people["sam"].say("pause")
    assert "resume" in (await people["sam"].say("suggest")).messages[0].text


async def test_the_welcome_offers_suggestions_to_seniors_only(self_world: World) -> None:
    await self_world.person("jo").join(**BEST_JUNIOR)
    await self_world.person("sam").join(**SENIOR)
    await self_world.deliver()
    [welcome_sam] = self_world.messenger.to("sam")
    [welcome_jo] = self_world.messenger.to("jo")
    assert [b.label for b in welcome_sam.buttons] == ["See suggested mentors"]
    assert welcome_jo.buttons == ()


async def test_an_accepted_request_forms_the_pair_and_introduces_it_once(
        self_world: World) -> None:
    people = await enrol(self_world)
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]
    sent = await people["sam"].press(action, value)
    assert "Request sent" in sent.messages[0].text and "5 days" in sent.messages[0].text
    assert "waiting" in (await people["sam"].say("suggest")).messages[0].text
    assert "waiting for their answer" in (await people["sam"].say("status")).messages[0].text
    await self_world.deliver()
    [ask] = self_world.messenger.to("jo")
    assert "Sam" in ask.text and "Get confident with AI tools" in ask.text
    answer = {b.label: b for b in ask.buttons}
    accepted = await people["jo"].press(answer["Accept"].action_id, answer["Accept"].value)
    assert "now a pair" in accepted.messages[0].text
    again = await people["jo"].press(answer["Accept"].action_id, answer["Accept"].value)
    assert "already accepted" in again.messages[0].text
    [pair] = await pairs_in(self_world)
    assert (pair.mentor_id, pair.mentee_id, pair.status) == (1, 4, "active")
    await self_world.deliver()
    intros = [s for s in self_world.messenger.sent if s.key.startswith("intro:")]
    assert [sorted(s.user_ids) for s in intros] == [["jo", "sam"]]
    assert "Meet your reverse mentoring partner: Jo and Sam" in (intros[0].message.title or "")


async def test_a_decline_frees_the_senior_without_saying_who_or_why(self_world: World) -> None:
    people = await enrol(self_world)
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]
    await people["sam"].press(action, value)
    await self_world.deliver()
    decline = next(b for b in self_world.messenger.to("jo")[0].buttons if b.label == "Decline")
    assert "not who said no" in (await people["jo"].press(decline.action_id,
                                                          decline.value)).messages[0].text
    await self_world.deliver()
    [note] = self_world.messenger.to("sam")
    assert "didn't work out this time" in note.text
    assert "Jo" not in note.text and "declin" not in note.text.lower()
    again = await people["sam"].say("suggest")
    assert list(buttons(again)) == ["Request 1"]  # Jo is not offered again; Lee is
    assert "Sales" in again.messages[0].text and "Marketing" not in again.messages[0].text
    assert [p for p in await pairs_in(self_world)] == []


async def test_silence_expires_a_request_with_the_same_words_as_a_decline(
        self_world: World, clock: FrozenClock) -> None:
    people = await enrol(self_world)
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]
    await people["sam"].press(action, value)
    await self_world.deliver()
    accept = next(b for b in self_world.messenger.to("jo")[0].buttons if b.label == "Accept")
    clock.advance(timedelta(days=5, minutes=1))
    late = await people["jo"].press(accept.action_id, accept.value)
    assert "expired" in late.messages[0].text and await pairs_in(self_world) == []
    assert await self_world.jobs.run("match_requests") >= 1
    assert await self_world.jobs.run("match_requests") == 0  # once
    await self_world.deliver()
    notes = [m for m in self_world.messenger.to("sam") if "didn't work out" in m.text]
    assert len(notes) == 1 and "expired" not in notes[0].text
    assert [r.status for r in await requests_in(self_world)] == ["expired"]


async def test_a_mentor_takes_no_more_requests_than_places(self_world: World) -> None:
    people = await enrol(self_world)
    await self_world.person("max").join(**{**SENIOR, "team": "audit"})
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]
    await people["sam"].press(action, value)  # Jo's one place is now held by Sam's request
    reply = await self_world.person("max").say("suggest")
    assert "Marketing" not in reply.messages[0].text
    refused = await self_world.person("max").press(action, value)
    assert "isn't available" in refused.messages[0].text
    assert len(await requests_in(self_world)) == 1


async def test_a_senior_who_never_asks_gets_one_nudge_with_their_top_suggestion(
        self_world: World, clock: FrozenClock) -> None:
    await enrol(self_world)
    clock.advance(timedelta(days=6))
    await self_world.jobs.run("match_requests")
    await self_world.deliver()
    assert self_world.messenger.to("sam") == []
    clock.advance(timedelta(days=1, hours=1))
    await self_world.jobs.run("match_requests")
    clock.advance(timedelta(days=3))
    await self_world.jobs.run("match_requests")
    await self_world.deliver()
    [nudge] = self_world.messenger.to("sam")
    assert "Marketing" in nudge.text and "Jo" not in nudge.text
    assert [b.label for b in nudge.buttons] == ["Request", "See suggested mentors"]
    assert nudge.buttons[0].value == "1"  # Jo, the best fit


async def test_people_waiting_long_get_one_check_in_and_can_ask_the_team(
        self_world: World, clock: FrozenClock) -> None:
    people = await enrol(self_world)
    clock.advance(timedelta(days=29))
    await self_world.jobs.run("check_ins")
    await self_world.deliver()
    assert self_world.messenger.to("sam") == []
    clock.advance(timedelta(days=2))
    await self_world.jobs.run("check_ins")
    await self_world.jobs.run("check_ins")
    await self_world.deliver()
    [check_in] = self_world.messenger.to("sam")
    assert check_in.title == "Still interested?"
    labels = {b.label: b for b in check_in.buttons}
    assert {"Yes, keep me in", "Pause", "Leave", "Ask the program team to find me a match",
            "See suggested mentors"} == set(labels)
    assert len([s for s in self_world.messenger.sent if s.key.startswith("still-interested:")]) == 4
    ask = labels["Ask the program team to find me a match"]
    assert "first on their list" in (await people["sam"].press(ask.action_id)).messages[0].text
    keep = labels["Yes, keep me in"]
    assert "stay in line" in (await people["jo"].press(keep.action_id)).messages[0].text
    pause = labels["Pause"]
    assert "paused" in (await people["lee"].press(pause.action_id)).messages[0].text
    leave = labels["Leave"]
    assert (await people["kim"].press(leave.action_id)).messages[0].title == "Leave the program?"
    async with self_world.database.session() as session:
        assert [h.person_id for h in await session.exec(select(MatchHelp))] == [4]
    await self_world.deliver()
    [notice] = [m for m in self_world.messenger.to("ada") if "asked you for a match" in (m.title or "")]
    assert "Sam" in notice.text
    stats = (await self_world.person("ada").say("admin stats")).messages[0].text
    assert "Asked the program team to find them a match: 1" in stats
    assert "Senior mentees choosing a mentor: 1 waiting" in stats


async def test_hybrid_rounds_skip_mentors_with_open_requests_and_people_who_chose(
        database: Database, program: Program, clock: FrozenClock) -> None:
    world = World(database, choosing(program, "hybrid"), clock)
    people = await enrol(world)
    await world.person("max").join(**{**SENIOR, "team": "audit"})
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]
    await people["sam"].press(action, value)  # Sam asks Jo
    preview = (await world.match()).messages[0]
    assert "*1 pair*" in preview.text  # only Max is matched; Jo and Sam sit out
    confirm = next(b for b in preview.buttons if b.label.startswith("Confirm"))
    await world.person("ada").press(confirm.action_id, confirm.value)
    [pair] = await pairs_in(world)
    assert pair.mentee_id == 5 and pair.mentor_id in (2, 3)  # Lee or Kim, never Jo


async def test_a_mentor_who_pauses_frees_the_senior_and_a_leaver_hears_nothing(
        self_world: World) -> None:
    people = await enrol(self_world)
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]
    await people["sam"].press(action, value)
    await people["jo"].say("pause")
    assert await self_world.jobs.run("match_requests") == 1
    await self_world.deliver()
    assert [m for m in self_world.messenger.to("sam") if "didn't work out" in m.text]
    action, value = buttons(await people["sam"].say("suggest"))["Request 1"]  # Lee
    await people["sam"].press(action, value)
    await self_world.deliver()
    accept = next(b for b in self_world.messenger.to("lee")[-1].buttons if b.label == "Accept")
    leave = next(b for b in (await people["sam"].say("leave")).messages[0].buttons
                 if b.label == "Leave")
    await people["sam"].press(leave.action_id, leave.value)
    refused = await people["lee"].press(accept.action_id, accept.value)
    assert "isn't possible any more" in refused.messages[0].text
    await self_world.deliver()
    assert len([m for m in self_world.messenger.to("sam") if "didn't work out" in m.text]) == 1
    assert await pairs_in(self_world) == []
