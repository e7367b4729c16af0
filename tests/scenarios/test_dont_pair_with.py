""""Please don't pair me with…": a confidential wish in the survey that holds both ways, and
that no message, preview or stats line ever shows, on every platform."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Pair, PersonAvoid
from tests.support.drivers import ADMIN, ChatDriver, ChatWorld
from tests.support.drivers.journeys import CONFIRM, JUNIOR, SENIOR, join
from tests.support.drivers.records import Answer, Seen, forms

# Words that would give the wish away.
TELLTALES = ("don't pair", "do not pair", "asked not", "avoid", "kept apart")


def naming(chat: ChatWorld, person: ChatDriver) -> Answer:
    """How a person names a colleague in the field: Slack's and the web chat's pickers answer
    with ids; on Teams people type a name."""
    if chat.platform == "teams":
        return person.name.title()
    return (person.address.user_id,)


def shows_the_wish(seen: list[Seen]) -> list[str]:
    return [s.text for s in seen if s.form is None
            and any(word in s.text.lower() for word in TELLTALES)]


async def test_a_senior_who_asks_not_to_meet_a_junior_is_never_paired_with_them_and_nobody_hears_why(
    chat: ChatWorld,
) -> None:
    jo, sam, kim = chat.person("jo"), chat.person("sam", "Europe/London"), chat.person("kim")
    ada = chat.person(ADMIN)
    await join(jo, JUNIOR)
    await join(kim, {**JUNIOR, "team": "brand", "department": "marketing",
                     "teach": ("ai-digital-tools",)})  # a weaker fit than Jo
    opened = await sam.say("join")
    assert [f.form_id for f in forms(opened)] == ["signup"]
    assert "avoid" in forms(opened)[0].fields
    await sam.submit({**SENIOR, "avoid": naming(chat, jo)})

    async with chat.service.database.session() as session:
        assert len((await session.exec(select(PersonAvoid))).all()) == 1

    # The admin sees who waits and why: Jo's reason names no rule and no one, and Jo is
    # nobody's candidate for Sam.
    [waitlist] = await ada.say("admin waitlist")
    [sam_line] = [line for line in waitlist.text.splitlines() if "*Sam*" in line]
    [jo_line] = [line for line in waitlist.text.splitlines() if "*Jo*" in line]
    assert "program's rules" in jo_line
    best = waitlist.text.split(sam_line)[1].splitlines()[1]
    assert "Kim" in best and "Jo" not in best

    _working, preview = await ada.say("admin match")  # the preview follows once computed
    assert "program's rules" in preview.text  # Jo waits, and nobody learns why
    await ada.press(CONFIRM)
    async with chat.service.database.session() as session:
        pairs = list(await session.exec(select(Pair)))
    kim_row, sam_row = await chat.row(kim), await chat.row(sam)
    assert [(p.mentor_id, p.mentee_id) for p in pairs] == [(kim_row.id, sam_row.id)]  # type: ignore[union-attr]

    stats = "\n".join(s.text for s in await ada.say("admin stats"))
    assert "- 1 waiting: no available senior mentee fits the program's rules yet" in stats
    for person in (jo, sam, kim, ada):
        assert shows_the_wish(await person.inbox()) == [], person.name
    jo_waiting = (await jo.inbox())[-1]
    assert "program's rules" in jo_waiting.text

    # Only Sam sees the wish again, in their own survey.
    [profile] = forms(await sam.say("join"), "signup")
    expected = naming(chat, jo)
    assert profile.values.get("avoid") == expected


async def test_a_typed_name_nobody_has_is_refused_next_to_the_field_and_nothing_is_saved(
    chat: ChatWorld,
) -> None:
    if chat.platform != "teams":
        return  # Slack's and the web chat's pickers offer only real people; Teams types names
    sam = chat.person("sam", "Europe/London")
    await sam.say("join")
    marked = forms(await sam.submit({**SENIOR, "avoid": "Nobody Atall"}), "signup")
    assert [set(f.errors) for f in marked] == [{"avoid"}]
    assert (await chat.row(sam)).status == "pending"  # type: ignore[union-attr]
