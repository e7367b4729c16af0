"""Three people for matching-round tests: Jo (a junior mentor), Sam (a senior mentee in
Treasury) and Kim (a junior on Sam's own team, so never paired with Sam)."""

from __future__ import annotations

from tests.support.world import Chat, World

SENIOR = {
    "role": "mentee",
    "seniority": "director",
    "teach": ("leadership",),
    "learn": ("ai-digital-tools", "social-media"),
    "department": "finance",
    "team": "treasury",
    "cadence": "fortnightly",
    "timezone": "Europe/London",
}


async def enrol(world: World) -> dict[str, Chat]:
    people = {
        "jo": world.person("jo", display_name="Jo"),
        "sam": world.person("sam", display_name="Sam"),
        "kim": world.person("kim", display_name="Kim"),
    }
    await people["jo"].join(learn=("leadership",))
    await people["sam"].join(**SENIOR)
    await people["kim"].join(department="finance", team="treasury ")
    await world.deliver()
    world.messenger.sent.clear()
    return people
