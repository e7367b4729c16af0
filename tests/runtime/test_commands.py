"""Command words: help, near-misses, odd and oversized input."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Person
from tests.support.world import GOOD_ANSWERS, World


async def test_help_explains_the_program_and_lists_every_command(world: World) -> None:
    message = (await world.person("jo").say("help")).messages[0]
    for word in ("join", "profile", "status", "pause", "resume", "leave"):
        assert f"`{word}" in message.text
    assert "optional" in message.text


async def test_an_empty_message_gets_help(world: World) -> None:
    assert (await world.person("jo").say("   ")).messages[0].title.startswith("Turnabout")  # type: ignore[union-attr]


async def test_a_typo_gets_the_closest_command(world: World) -> None:
    text = (await world.person("jo").say("jion")).messages[0].text
    assert "Did you mean `join`?" in text


async def test_unknown_words_are_quoted_back_safely_and_briefly(world: World) -> None:
    text = (await world.person("jo").say("<!channel> *hey* " + "x" * 100)).messages[0].text
    assert "<!channel>" not in text and "‹!channel›" in text
    assert len(text) < 200


async def test_ten_kilobytes_of_text_gets_a_clear_answer(world: World) -> None:
    text = (await world.person("jo").say("join " + "🙂" * 10_000)).messages[0].text
    assert "too long" in text


async def test_the_slash_command_name_typed_in_a_chat_is_understood(world: World) -> None:
    response = await world.person("jo").say("/mentoring join")
    assert response.form is not None


async def test_a_failure_inside_a_flow_answers_kindly_and_changes_nothing(
    tmp_path: Path, program: Program, clock: FrozenClock
) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    upgrade(url)
    database = Database(url)
    async with database.session() as session:
        await session.exec(text("DROP TABLE person_topic"))  # type: ignore[call-overload]
    world = World(database, program, clock)
    jo = world.person("jo")
    await jo.say("join")
    reply = (await jo.submit(GOOD_ANSWERS)).messages[0].text
    assert reply.startswith("Sorry, something went wrong") and "person_topic" not in reply
    async with database.session() as session:
        assert (await session.exec(select(Person.status))).one() == "pending"
    assert await world.deliver() == 0
    await database.dispose()
