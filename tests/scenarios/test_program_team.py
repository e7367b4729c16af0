"""The program team's commands: refused to everyone else; closing a cohort."""

from __future__ import annotations

from sqlmodel import func, select

from storage.models import ClosingAnswer, Cohort, MatchRound, OutboxMessage, Pair
from tests.support.drivers import ADMIN, ChatWorld, forms, with_action
from tests.support.drivers.journeys import CONFIRM, JUNIOR, SENIOR, join, matched

CLOSING = "closing.open"


async def count(chat: ChatWorld, table: type) -> int:
    async with chat.service.database.session() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


async def test_admin_commands_and_buttons_are_refused_to_a_member_and_change_nothing(
    chat: ChatWorld,
) -> None:
    jo, sam, ada = chat.person("jo"), chat.person("sam", "Europe/London"), chat.person(ADMIN)
    await join(jo, JUNIOR)
    await join(sam, SENIOR)
    queued = await count(chat, OutboxMessage)

    refusals = [await jo.say(words) for words in
                ("admin match", "admin stats", "admin cohort start Sneaky", "admin announce Hi")]

    assert [len(r) for r in refusals] == [1, 1, 1, 1]
    assert len({r[0].text for r in refusals}) == 1  # one refusal, whatever was asked
    assert refusals[0][0].buttons == () and refusals[0][0].facts == {}
    assert await count(chat, MatchRound) == await count(chat, Cohort) == 0
    assert await count(chat, OutboxMessage) == queued

    _working, preview = await ada.say("admin match")
    confirm = preview.button(CONFIRM)
    assert confirm is not None
    [refused] = await jo.press(confirm)  # a forged press of Ada's button
    assert refused.text == refusals[0][0].text
    assert await count(chat, Pair) == 0

    stats, *charts = await ada.say("admin stats")  # the figures, then each chart
    assert stats.text != refused.text and stats.title
    assert [c.title for c in charts] == ["People enrolled, by role", "Goal progress against target"]


async def test_an_admins_report_arrives_privately_as_a_pdf(chat: ChatWorld) -> None:
    ada = chat.person(ADMIN)
    jo, _sam = await matched(chat)
    jo_seen, ada_seen = len(await jo.inbox()), len(await ada.inbox())

    # The answer comes first; the page is drawn afterwards and sent once (`say` settles).
    building, *_ = await ada.say("admin report")
    assert building.text.startswith("Building your report")
    await chat.settle()

    [report] = [s for s in (await ada.inbox())[ada_seen:] if "turnabout-report-" in s.text]
    assert "turnabout-report-" in report.text and "one page for leadership" in report.text
    assert len(await jo.inbox()) == jo_seen  # nobody else hears of it


async def test_closing_a_cohort_ends_its_pairs_and_asks_each_person_once_for_feedback(
    chat: ChatWorld,
) -> None:
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Autumn")
    jo, sam = await matched(chat)
    jo_seen, sam_seen = len(await jo.inbox()), len(await sam.inbox())

    [question] = await ada.say("admin cohort close")
    assert "1 pair will end" in question.text and "2 people" in question.text
    await ada.press("Close the cohort")
    await ada.press("Close the cohort")  # a second press sends nothing twice
    [nothing] = await ada.say("admin cohort close")  # nothing is open any more
    assert nothing.buttons == ()

    async with chat.service.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
    assert pair.status == "ended"
    for person, seen in ((jo, jo_seen), (sam, sam_seen)):
        [thanks] = (await person.inbox())[seen:]
        assert thanks.actions == (CLOSING,)

    [survey] = forms(await jo.press(CLOSING), "closing")
    assert {"future_leader", "changed_view", "recommend"} <= set(survey.fields)
    assert with_action(await ada.say("admin match"), CONFIRM) == []  # nobody left to pair


async def test_the_closing_survey_keeps_each_persons_answers(chat: ChatWorld) -> None:
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Autumn")
    jo, _ = await matched(chat)
    await ada.say("admin cohort close")
    await ada.press("Close the cohort")

    await jo.press(CLOSING)
    marked = forms(await jo.submit({"future_leader": "yes"}), "closing")
    assert [set(f.errors) for f in marked] == [{"changed_view", "recommend"}]
    await jo.submit({"changed_view": "more", "recommend": "5"})

    async with chat.service.database.session() as session:
        answer = (await session.exec(select(ClosingAnswer))).one()
    assert (answer.future_leader, answer.changed_view, answer.recommend, answer.role) == (
        "yes", "more", 5, "mentor")
