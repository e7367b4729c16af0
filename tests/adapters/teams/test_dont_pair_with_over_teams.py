""""Please don't pair me with…" on Teams, where people type names (a bot's card has no people
picker): a name that fits nobody, or several people, is refused next to the field with why,
and nothing is saved until every name means exactly one person."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Person, PersonAvoid
from tests.support.fake_teams import ConnectorCall, TeamsUser, TeamsWorld, submit_value
from tests.support.teams_people import JUNIOR, SENIOR, join, reply

SAM_SENIOR = {**SENIOR, "goals": "Learn how my team's juniors use AI tools"}


def avoid_error(call: ConnectorCall) -> str | None:
    """The error the card shows under the field, if any."""
    body = call.card["body"]
    for n, element in enumerate(body):
        if element.get("id") == "avoid" and n + 1 < len(body):
            after = body[n + 1]
            if after.get("type") == "TextBlock" and after.get("color") == "Attention":
                return str(after["text"])
    return None


async def submitted(world: TeamsWorld, user: TeamsUser, card: ConnectorCall,
                    answers: dict[str, str]) -> ConnectorCall | None:
    """Submit the card; the card shown again with errors, or None once it was saved."""
    before = len(world.connector.to(user.conversation_id))
    assert await user.submit(card.sent_id or "", submit_value(card.card, answers)) == 201
    after = world.connector.to(user.conversation_id)[before:]
    again = [c for c in after if c.kind != "update" and c.cards]
    return again[-1] if again else None


async def kept_apart(world: TeamsWorld) -> list[PersonAvoid]:
    async with world.running.service.database.session() as session:
        return list(await session.exec(select(PersonAvoid)))


async def status_of(world: TeamsWorld, user: TeamsUser) -> str:
    async with world.running.service.database.session() as session:
        person = (await session.exec(select(Person).where(Person.user_id == user.user_id))).one()
    return str(person.status)


async def test_a_name_that_fits_nobody_or_several_people_is_refused_and_changes_nothing(
    world: TeamsWorld,
) -> None:
    # Two colleagues Teams shows by the same name, and one with a name of her own.
    alexes = [world.user(user_id=f"29:1alex{n}", name="Alex Kim", aad_object_id=f"aad-alex{n}")
              for n in (1, 2)]
    jo = world.user(user_id="29:1jo", name="Jo Park", aad_object_id="aad-jo")
    for junior in (*alexes, jo):
        await join(world, junior, JUNIOR)
    sam = world.user(user_id="29:1sam", name="Sam Lee", aad_object_id="aad-sam",
                     timezone="Europe/London")
    card = await reply(world, sam, text="join")

    card = await submitted(world, sam, card, {**SAM_SENIOR, "avoid": "alex  KIM"}) or card
    assert avoid_error(card) == (
        "More than one person here is called “alex  KIM”: type their work email instead, so "
        "I keep the right person apart. Nothing was saved yet.")
    assert await status_of(world, sam) == "pending" and await kept_apart(world) == []

    card = await submitted(world, sam, card,
                           {**SAM_SENIOR, "avoid": "Jo Park, Nobody Atall; Alex Kim"}) or card
    error = avoid_error(card) or ""
    assert error.startswith("I couldn't find “Nobody Atall” among the people I know.")
    assert "More than one person here is called “Alex Kim”" in error
    assert await status_of(world, sam) == "pending" and await kept_apart(world) == []

    # One name that means one person: saved, and only that wish.
    assert await submitted(world, sam, card, {**SAM_SENIOR, "avoid": "jo park"}) is None
    assert await status_of(world, sam) == "active"
    [wish] = await kept_apart(world)
    async with world.running.service.database.session() as session:
        avoided = await session.get(Person, wish.avoid_id)
    assert avoided is not None and avoided.user_id == jo.user_id
