"""`admin waitlist`: who waits, since when and why in the admin's words, the best candidates and
a Pair button that obeys `admin pair`'s rules; those who asked the program team come first.
And self-matching keeps to the same hard rules."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.models import Pair
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
