"""`admin waitlist`: who waits, since when and why in the admin's words, the best candidates and
a Pair button that obeys `admin pair`'s rules; those who asked the program team come first.
And self-matching keeps to the same hard rules."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import MatchRound, Pair, Person
from tests.support.choosing import choosing
from tests.support.world import World

SENIOR = {
    "role": "mentee", "seniority": "director", "teach": ("leadership",),
    "learn": ("ai-digital-tools",), "department": "finance", "team": "treasury",
    "cadence": "fortnightly", "timezone": "Europe/London",
}


async def test_the_waitlist_says_why_in_the_admins_words_and_pairs_by_the_rules(
    world: World,
) -> None:
    ada = world.person("ada", display_name="Ada")
    kim = world.person("kim", display_name="Kim")
    sam = world.person("sam", display_name="Sam")
    jo = world.person("jo", display_name="Jo")
    # Kim teaches AI tools but is on Sam's team; nobody else teaches it yet.
    await kim.join(department="finance", team="treasury", teach=("ai-digital-tools",))
    await sam.join(**SENIOR)
    world.clock.advance(timedelta(days=3))
    await jo.join(teach=("social-media",))
    text = (await ada.say("admin waitlist")).messages[0].text
    assert "*3 waiting for a match*" in text
    assert "*Sam* (senior mentee), waiting for 3 days: no mentor outside their team teaches " \
           "AI and digital tools" in text
    assert "*Jo* (junior mentor), waiting since today: no senior mentee wants to learn " \
           "Social media and digital communication" in text
    # The reason is the true one: nobody here is "outmatched".
    assert "can be paired now" not in text

    # A new junior who fits: Sam can be paired now, with a button.
    lee = world.person("lee", display_name="Lee")
    await lee.join(department="marketing", team="brand", teach=("ai-digital-tools",))
    reply = (await ada.say("admin waitlist")).messages[0]
    assert "Best available: Lee (fit " in reply.text
    [button] = [b for b in reply.buttons if "Sam" in b.label]
    done = (await ada.press(button.action_id, button.value)).messages[0].text
    assert done.startswith("Paired Lee with Sam")
    again = (await ada.press(button.action_id, button.value)).messages[0].text
    assert "already in a pair" in again  # admin pair's own rules, checked at the press
    async with world.database.session() as session:
        assert len((await session.exec(select(Pair))).all()) == 1


async def test_who_asked_the_program_team_for_a_match_is_first(world: World) -> None:
    ada = world.person("ada", display_name="Ada")
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join(teach=("social-media",))
    world.clock.advance(timedelta(days=40))
    await sam.join(**SENIOR)
    first = (await ada.say("admin waitlist")).messages[0].text.splitlines()[1]
    assert first.startswith("1. *Jo*")
    await sam.press("waiting.help")
    lines = (await ada.say("admin waitlist")).messages[0].text.splitlines()
    assert lines[1].startswith("1. *Sam*") and "asked the program team" in lines[1]


async def test_suggestions_never_offer_someone_kept_apart(
    database: Database, program: Program, clock: FrozenClock,
) -> None:
    world = World(database, choosing(program, "self", blind=False), clock)
    jo, lee = world.person("jo", display_name="Jo"), world.person("lee", display_name="Lee")
    sam = world.person("sam", display_name="Sam")
    await jo.join()
    await lee.join(department="marketing", team="brand", teach=("ai-digital-tools",))
    await sam.join(**SENIOR, avoid=("jo",))
    offered = (await sam.say("suggest")).messages[0]
    assert "Lee" in offered.text and "Jo" not in offered.text
    # Nor the other way round: Jo asked to stay apart from Kim, a new senior.
    kim = world.person("kim", display_name="Kim")
    await jo.join(avoid=("kim",))
    await kim.join(**{**SENIOR, "team": "risk"})
    offered = (await kim.say("suggest")).messages[0]
    assert "Lee" in offered.text and "Jo" not in offered.text


async def round_codes(world: World) -> dict[int, str]:
    async with world.database.session() as session:
        round_ = (await session.exec(select(MatchRound).order_by(MatchRound.id.desc()))).first()  # type: ignore[union-attr]
        names = {p.id: p.user_id for p in await session.exec(select(Person))}
    assert round_ is not None
    return {names[w["person"]]: w["code"] for w in json.loads(round_.proposal)["waitlist"]}


async def test_a_senior_whose_every_fitting_mentor_is_full_is_told_so_by_a_round(
    world: World,
) -> None:
    ada = world.person("ada", display_name="Ada")
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    lee, kim = world.person("lee", display_name="Lee"), world.person("kim", display_name="Kim")
    mia = world.person("mia", display_name="Mia")
    await jo.join(teach=("ai-digital-tools",))  # the only one who teaches AI tools
    await sam.join(**SENIOR)
    assert (await ada.say("admin pair @jo @sam")).messages[0].text.startswith("Paired Jo with")
    # Jo is full (one mentee each). Lee wants AI tools too; Kim and Mia fit each other only.
    await lee.join(**{**SENIOR, "team": "risk"})
    await kim.join(department="marketing", team="brand", teach=("social-media",))
    await mia.join(**{**SENIOR, "team": "audit", "learn": ("social-media",)})
    await world.deliver()
    world.messenger.sent.clear()

    preview = (await world.match()).messages[0]
    assert "1 waiting: every mentor who teaches AI and digital tools is full" in preview.text
    assert await round_codes(world) == {"lee": "no_capacity"}  # Jo, full, is not waiting
    await ada.press("match.confirm", preview.buttons[0].value)
    await world.deliver()
    [told] = world.messenger.to("lee")
    assert told.title == "No match this round"
    assert told.text.startswith("The mentors who would fit have no free places this round.")
    assert world.messenger.to("jo") == []
    text = (await ada.say("admin waitlist")).messages[0].text
    assert ("*Lee* (senior mentee), waiting since today: every mentor who teaches AI and "
            "digital tools is full") in text


async def test_a_round_when_every_mentor_is_full_says_so_and_changes_nothing(
    world: World,
) -> None:
    ada = world.person("ada", display_name="Ada")
    jo, sam = world.person("jo", display_name="Jo"), world.person("sam", display_name="Sam")
    await jo.join()
    await sam.join(**SENIOR)
    await ada.say("admin pair @jo @sam")
    await world.person("lee", display_name="Lee").join(**{**SENIOR, "team": "risk"})
    [said] = (await ada.say("admin match")).messages
    assert said.text.startswith("The one junior mentor is full: each already has 1 mentee, "
                                "the most `matching.max_mentees_per_mentor` allows, so the "
                                "1 senior mentee waiting can't be matched yet.")
    async with world.database.session() as session:
        assert (await session.exec(select(MatchRound))).all() == []
