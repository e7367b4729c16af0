"""Admins run the program from chat: stats that protect privacy, cohorts, announcements, at-risk."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import func
from sqlmodel import select

from runtime.router import REFUSAL
from storage.models import Announcement, ClosingAnswer, OutboxMessage, Pair, PollInvitation
from tests.support.engagement_world import SENIOR
from tests.support.poll_world import (
    ROUND_CLOSED,
    answer,
    everyone,
    later,
    open_round,
    pairs_of,
)
from tests.support.world import World

ADMIN_COMMANDS = ["admin stats", "admin match", "admin at-risk", "admin export",
                  "admin cohort start Spring", "admin cohort close", "admin announce Hello",
                  "admin grant @sam", "admin revoke @ada", "admin unpair @sam"]


async def count(world: World, model: type, *where: object) -> int:
    async with world.database.session() as session:
        return (await session.exec(select(func.count()).select_from(model).where(*where))).one()


@pytest.mark.parametrize("text", ADMIN_COMMANDS)
async def test_every_admin_command_refuses_a_non_admin_and_changes_nothing(
    world: World, text: str
) -> None:
    sam = world.person("sam")
    await sam.join()
    reply = (await sam.say(text)).messages[0].text
    assert "for the program team" in reply
    assert await count(world, Announcement) == 0
    assert await count(world, OutboxMessage, OutboxMessage.key.like("announce%")) == 0  # type: ignore[attr-defined]


async def test_an_admin_grants_and_revokes_another(world: World) -> None:
    ada, jo = world.person("ada"), world.person("jo", display_name="Jo")
    await jo.join()
    assert "now an admin" in (await ada.say("admin grant @jo")).messages[0].text
    assert (await jo.say("admin stats")).messages[0].title == "Program stats"
    assert "through app.yaml" in (await jo.say("admin revoke @ada")).messages[0].text
    assert "no longer an admin" in (await ada.say("admin revoke @jo")).messages[0].text
    assert "for the program team" in (await jo.say("admin stats")).messages[0].text


async def test_stats_show_enrollment_matching_and_engagement_at_a_glance(world: World) -> None:
    await pairs_of(world, 5)
    await world.person("late").say("join")
    text = (await world.person("ada").say("admin stats")).messages[0].text
    assert "Active: 5 junior mentors, 5 senior mentees" in text
    assert "Survey not finished: 1" in text
    assert "Pairs formed: 5 · active: 5 (0 agreed)" in text
    [chart] = [m.image for m in (await world.person("ada").say("admin stats")).messages
               if m.title == "People enrolled, by role"]
    assert chart is not None and chart.fallback.endswith("`Nov 2026` ████████████ 5 mentors · 5 mentees")
    assert base64.b64decode(chart.png_base64).startswith(b"\x89PNG")
    assert "Average match score:" in text and "too few" not in text.split("Average match")[1][:30]
    assert "turnabout import-people" in text


async def test_poll_figures_over_fewer_than_five_people_are_too_few_to_report(
    world: World,
) -> None:
    made = await pairs_of(world, 2)
    poll = await open_round(world)
    for person in everyone(made):
        await answer(person, poll, 2)
    await later(world, ROUND_CLOSED)
    text = (await world.person("ada").say("admin stats")).messages[0].text
    assert "Poll of 28 Dec: 4 answers" in text and "too few to report" in text, text
    assert "2.0" not in text


async def test_filtering_by_cohort_cannot_reveal_one_persons_poll_answer(world: World) -> None:
    ada = world.person("ada")
    outside = await pairs_of(world, 1)
    await ada.say("admin cohort start Alpha")
    alpha = await pairs_of(world, 3, start=1)
    poll = await open_round(world)
    for person in everyone(alpha):
        await answer(person, poll, 4)
    await answer(outside[0][1], poll, 1)  # the one answer someone might hunt
    await later(world, ROUND_CLOSED)

    overall = (await ada.say("admin stats")).messages[0].text
    assert "Average value: 3.6 / 5" in overall  # 7 answers: fine to show
    # Alpha's 6 answers would reveal the 1 outside by subtraction from the whole.
    text = (await ada.say("admin stats cohort Alpha")).messages[0].text
    assert "too few to report" in text and "Average value: 4" not in text


async def test_closing_a_cohort_sends_the_closing_survey_once_and_ends_its_pairs(
    world: World,
) -> None:
    ada = world.person("ada")
    assert "has started" in (await ada.say("admin cohort start Spring ends 2027-06-30")).messages[0].text
    assert "still open" in (await ada.say("admin cohort start Summer")).messages[0].text
    made = await pairs_of(world, 2)
    await world.deliver()
    world.messenger.sent.clear()
    [question] = (await ada.say("admin cohort close")).messages
    assert "2 pairs will end" in question.text and "4 people will get" in question.text
    assert [b.label for b in question.buttons] == ["Close the cohort", "Cancel"]
    await world.deliver()
    assert world.messenger.sent == []  # asking sends nothing
    close, cancel = question.buttons
    closed = (await ada.press(close.action_id, close.value)).messages[0].text
    assert "2 pairs ended" in closed and "4 people get" in closed
    again = (await ada.press(close.action_id, close.value)).messages[0].text
    assert "already closed; nothing was sent twice" in again
    assert "already closed" in (await ada.press(cancel.action_id, cancel.value)).messages[0].text
    assert "nothing to close" in (await ada.say("admin cohort close")).messages[0].text
    await world.deliver()
    surveys = [s for s in world.messenger.sent if s.message.buttons
               and s.message.buttons[0].action_id == "closing.open"]
    assert sorted(s.user_ids[0] for s in surveys) == ["j0", "j1", "s0", "s1"]
    assert await count(world, Pair, Pair.status == "ended") == 2

    junior = made[0][0]
    form = (await junior.press("closing.open", surveys[0].message.buttons[0].value)).form
    assert form is not None and form.form_id == "closing"
    bad = await junior.submit({"recommend": "7"}, form_id="closing", context=form.context)
    assert set(bad.errors) == {"future_leader", "changed_view", "recommend"}
    good = await junior.submit({"learned": "How budgets really get made", "future_leader": "yes",
                                "changed_view": "more", "recommend": "5"}, form_id="closing",
                               context=form.context)
    assert good.close_form and await count(world, ClosingAnswer) == 1


async def test_an_announcement_reaches_every_active_participant_once(world: World) -> None:
    made = await pairs_of(world, 2)
    await made[0][1].say("pause")
    await world.deliver()
    world.messenger.sent.clear()
    ada = world.person("ada")
    preview, question = (await ada.say("admin announce Round two starts Monday!")).messages
    assert preview.text == "Round two starts Monday!" and "3 active participants" in question.text
    send, _ = question.buttons
    reply = (await ada.press(send.action_id, send.value)).messages[0]
    assert "on its way to 3 active participants" in reply.text
    twice = (await ada.press(send.action_id, send.value)).messages[0]
    assert "nothing was sent twice" in twice.text
    await world.deliver()
    assert sorted(s.user_ids[0] for s in world.messenger.sent) == ["j0", "j1", "s1"]
    assert all(s.message.text == "Round two starts Monday!" for s in world.messenger.sent)
    too_long = (await ada.say("admin announce " + "🎉" * 1501)).messages[0].text
    assert "to 1,500 characters (this one has 1,501)" in too_long
    fits = (await ada.say("admin announce " + "🎉" * 1500)).messages
    assert len(fits) == 2  # an emoji counts as one character


async def test_the_at_risk_list_offers_a_note_to_the_pair_and_unpairing(world: World) -> None:
    ada = world.person("ada", display_name="Ada")
    assert "No pair is flagged" in (await ada.say("admin at-risk")).messages[0].text
    made = await pairs_of(world, 1)
    async with world.database.session() as session:
        pair = (await session.exec(select(Pair))).one()
        pair.at_risk_since, pair.at_risk_reason = world.clock.now(), "a low value score"
        session.add(pair)
    listed = (await ada.say("admin at-risk")).messages
    assert "Junior 0 → Senior 0" in listed[1].text and "a low value score" in listed[1].text
    note, unpair = listed[1].buttons
    form = (await ada.press(note.action_id, note.value)).form
    assert form is not None
    sent = await ada.submit({"text": "How can we help?"}, form_id=form.form_id, context=form.context)
    assert sent.close_form
    await world.deliver()
    [note_sent] = [s for s in world.messenger.sent if "How can we help?" in s.message.text]
    assert note_sent.user_ids == ("j0", "s0")
    assert note_sent.message.title == "A note from the Turnabout team"  # signed below, by name
    assert note_sent.message.text.endswith("— Ada")
    [question] = (await ada.press(unpair.action_id, unpair.value)).messages
    assert question.title == "Unpair Junior 0 and Senior 0?"
    really = question.buttons[0]
    assert "ended" in (await ada.press(really.action_id, really.value)).messages[0].text
    assert made


async def test_two_admins_closing_a_cohort_at_once_send_the_survey_once(world: World) -> None:
    import asyncio

    ada = world.person("ada")
    await ada.say("admin cohort start Winter")
    await pairs_of(world, 1)
    await world.deliver()
    world.messenger.sent.clear()
    [close, _] = (await ada.say("admin cohort close")).messages[0].buttons
    replies = await asyncio.gather(ada.press(close.action_id, close.value),
                                   ada.press(close.action_id, close.value))
    texts = sorted(r.messages[0].text for r in replies)
    assert sum("1 pair ended" in t for t in texts) == 1, texts
    await world.deliver()
    assert len([s for s in world.messenger.sent if s.message.buttons
                and s.message.buttons[0].action_id == "closing.open"]) == 2


async def test_a_cohorts_response_rate_counts_only_its_own_invitations(world: World) -> None:
    ada = world.person("ada")
    await pairs_of(world, 3)  # outside any cohort
    await ada.say("admin cohort start Beta")
    beta = await pairs_of(world, 3, start=3)
    poll = await open_round(world)
    assert await count(world, PollInvitation) == 12
    assert await count(world, PollInvitation, PollInvitation.cohort_id.is_not(None)) == 6  # type: ignore[union-attr]
    for person in everyone(beta)[:5]:
        await answer(person, poll, 4)
    text = (await ada.say("admin stats cohort beta")).messages[0].text
    assert "5 answers so far of 6 invited" in text and "Average value" not in text
    await later(world, ROUND_CLOSED)
    text = (await ada.say("admin stats cohort beta")).messages[0].text
    assert "5 answers, response rate 83%" in text, text


async def test_an_admin_whose_rights_were_revoked_cannot_use_the_buttons_they_were_shown(
    world: World,
) -> None:
    ada, jo = world.person("ada"), world.person("jo", display_name="Jo")
    await jo.join()
    await world.person("sam").join(**SENIOR)
    await ada.say("admin grant @jo")
    preview = await world.match("jo")
    announced = await jo.say("admin announce Lunch on Friday")
    buttons = [b for m in (*preview.messages, *announced.messages) for b in m.buttons]
    assert {"match.confirm", "announce.send"} <= {b.action_id for b in buttons}

    assert "no longer an admin" in (await ada.say("admin revoke @jo")).messages[0].text
    for button in buttons:
        assert (await jo.press(button.action_id, button.value)).messages[0].text == REFUSAL
    await world.settle()
    assert await count(world, Pair) == 0
    assert await count(world, OutboxMessage, OutboxMessage.key.like("announce%")) == 0  # type: ignore[attr-defined]
