"""Answers given in Slack modals arrive: the modal's private_metadata says which poll, cohort or
pair they belong to, and the service reads it back when the person submits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from config.program import Privacy, Program
from core.clock import FrozenClock
from storage.models import ClosingAnswer, Pair, PulseAnswer
from tests.support.slack_people import ADMIN, JUNIOR, SENIOR, buttons, join, matched, with_admin
from tests.support.slack_requests import SlackWorkspace, slack_workspace

FIRST_MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # after 09:30 in Berlin and London


def posts_with(ws: SlackWorkspace, action_prefix: str) -> list[dict[str, Any]]:
    return [p for p in ws.fake.calls_to("chat.postMessage")
            if any(b["action_id"].startswith(action_prefix) for b in buttons(p))]


def dm_texts(ws: SlackWorkspace, user: str) -> str:
    return str([p for p in ws.fake.calls_to("chat.postMessage") if p["channel"] == f"D{user}"])


async def open_from(ws: SlackWorkspace, post: dict[str, Any], action_prefix: str) -> tuple[
        str, dict[str, Any]]:
    """The DM's owner presses its button; returns who they are and the modal that opened."""
    button = next(b for b in buttons(post) if b["action_id"].startswith(action_prefix))
    owner = post["channel"].removeprefix("D")
    await ws.press(button["action_id"], button["value"], owner)
    await ws.settle()
    view = ws.opened_view()
    assert view["private_metadata"] == button["value"]
    return owner, view


async def test_a_pulse_poll_answered_in_a_slack_modal_is_saved_for_that_poll(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await matched(ws)
        for week in range(6):  # polls come every four weeks, once a pair is two weeks old
            clock.advance(FIRST_MONDAY + timedelta(weeks=week) - clock.now())
            await ws.running.service.tick()
            if posts_with(ws, "pulse.open"):
                break
        invitation = posts_with(ws, "pulse.open")[0]
        owner, view = await open_from(ws, invitation, "pulse.open")

        reply = await ws.submit(view, {"value": "4", "met": "2", "roles": "sometimes",
                                       "comment": "We talked about AI tools"}, owner)
        await ws.settle()

        assert (reply.status, reply.text) == (200, "")  # the modal closes
        async with ws.running.service.database.session() as session:
            [answer] = list(await session.exec(select(PulseAnswer)))
        assert answer.poll_id == int(view["private_metadata"])
        assert (answer.value, answer.met, answer.roles_kept) == (4, "2", "sometimes")
        assert "Thanks for answering" in dm_texts(ws, owner)
        assert "has closed" not in dm_texts(ws, owner)


async def test_a_closing_survey_answered_in_a_slack_modal_is_saved_for_that_cohort(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await ws.command("admin cohort start Autumn", ADMIN)
        await join(ws, "U1", JUNIOR)
        await join(ws, "U2", SENIOR)
        await ws.command("admin pair <@U1> <@U2>", ADMIN)
        await ws.settle()
        await ws.confirm("admin cohort close", ADMIN)
        await ws.settle()
        owner, view = await open_from(ws, posts_with(ws, "closing.open")[0], "closing.open")

        reply = await ws.submit(view, {"learned": "How the budget cycle works",
                                       "taught": "Prompting well", "future_leader": "yes",
                                       "changed_view": "more", "recommend": "5",
                                       "helps_retention": "yes"}, owner)  # if a senior
        await ws.settle()

        assert (reply.status, reply.text) == (200, "")
        async with ws.running.service.database.session() as session:
            [answer] = list(await session.exec(select(ClosingAnswer)))
        assert answer.cohort_id == int(view["private_metadata"])
        assert (answer.future_leader, answer.changed_view, answer.recommend) == ("yes", "more", 5)
        assert answer.learned == "How the budget cycle works"
        assert "Thank you" in dm_texts(ws, owner) and "isn't open" not in dm_texts(ws, owner)


async def test_an_admins_note_written_in_a_slack_modal_reaches_that_pair(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched(ws)
        async with ws.running.service.database.session() as session:
            [pair] = list(await session.exec(select(Pair)))
        await ws.press("admin.message_pair", str(pair.id), ADMIN)
        await ws.settle()
        view = ws.opened_view()

        await ws.submit(view, {"text": "How are the two of you getting on?"}, ADMIN)
        await ws.settle()

        notes = [p for p in ws.fake.calls_to("chat.postMessage")
                 if p["channel"] == group and "getting on" in str(p["blocks"])]
        assert len(notes) == 1
        assert "Sent to both of them" in dm_texts(ws, ADMIN)


async def test_closing_survey_answers_from_slack_modals_show_in_stats_once_released(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    small = with_admin(program).model_copy(update={"privacy": Privacy(min_group_size=2)})
    async with slack_workspace(database_url, small, clock) as ws:
        await ws.command("admin cohort start Pilot", ADMIN)
        await join(ws, "U1", JUNIOR)
        await join(ws, "U2", SENIOR)
        await ws.command("admin pair <@U1> <@U2>", ADMIN)
        await ws.settle()
        await ws.confirm("admin cohort close", ADMIN)
        await ws.settle()
        assert len(posts_with(ws, "closing.open")) == 2
        for post in posts_with(ws, "closing.open"):
            owner, view = await open_from(ws, post, "closing.open")
            answers = {"future_leader": "yes", "changed_view": "more", "recommend": "5"}
            if owner == "U2":  # the senior mentee's own ROI question
                answers["helps_retention"] = "yes"
            reply = await ws.submit(view, answers, owner)
            await ws.settle()
            assert (reply.status, reply.text) == (200, "")

        await ws.command("admin stats", ADMIN, reply_key="open")
        await ws.settle()
        clock.advance(timedelta(days=8))  # the survey closes and its results are released
        await ws.command("admin stats", ADMIN, reply_key="released")
        await ws.settle()

        while_open = str(ws.fake.responses("open"))
        released = str(ws.fake.responses("released"))
        assert "2 answers so far" in while_open and "future leader surfaced 100%" not in while_open
        assert "Closing surveys (2 answers): a potential future leader surfaced 100%" in released
        assert "help keep junior staff: 100% of 1" not in released  # one senior: too few
