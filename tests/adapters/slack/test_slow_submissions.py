"""A modal submitted while the database is busy: Slack gives the ack 3 s, then shows the person
an error and drops the answer. The modal closes in time and the answer follows in their DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Person
from tests.support import databases
from tests.support.database_cuts import stopped_at
from tests.support.slack_requests import Answer, Reply, SlackWorkspace, slack_workspace

MENTEE: dict[str, Answer] = {
    "role": "mentee", "department": "engineering", "team": "payments", "seniority": "director",
    "cadence": "weekly", "meeting_mode": "video", "timezone": "Europe/Berlin",
    "learn": ("ai-digital-tools",)}


@asynccontextmanager
async def workspace(postgres_url: str | None, program: Program,
                    clock: FrozenClock) -> AsyncIterator[tuple[SlackWorkspace, str]]:
    if postgres_url is None:
        databases.skip_or_fail(f"PostgreSQL is not reachable at {databases.POSTGRES_URL}")
    assert postgres_url is not None
    databases.truncate_postgres(postgres_url)
    async with slack_workspace(postgres_url, program, clock) as ws:
        yield ws, postgres_url


async def submitted_while_people_are_locked(ws: SlackWorkspace, url: str,
                                            answers: dict[str, Answer]) -> Reply:
    await ws.command("join", "U1", trigger_id="trigger-join")
    await ws.settle()
    async with stopped_at(url, "person") as held:
        reply = await ws.submit(ws.opened_view(), answers)
        await held.waiting_backend()  # the flow is still waiting: the ack went out without it
    await ws.settle()
    return reply


def dm_texts(ws: SlackWorkspace) -> list[str]:
    return [str(p.get("blocks") or p.get("text")) for p in ws.fake.calls_to("chat.postMessage")
            if p["channel"] == "DU1"]


async def test_a_signup_held_up_by_the_database_closes_the_modal_and_welcomes_by_dm(
    program: Program, clock: FrozenClock, postgres_url: str | None
) -> None:
    async with workspace(postgres_url, program, clock) as (ws, url):
        reply = await submitted_while_people_are_locked(ws, url, MENTEE)

        assert (reply.status, reply.text) == (200, "")  # acked in time: the modal closes
        [welcome] = dm_texts(ws)
        assert "Europe/Berlin" in welcome
        async with ws.running.service.database.session() as session:
            [person] = list(await session.exec(select(Person)))
        assert (person.status, person.role) == ("active", "mentee")


async def test_a_slow_signup_with_a_mistake_says_what_to_fix_and_offers_the_form_again(
    program: Program, clock: FrozenClock, postgres_url: str | None
) -> None:
    async with workspace(postgres_url, program, clock) as (ws, url):
        reply = await submitted_while_people_are_locked(ws, url, {**MENTEE, "learn": ()})

        assert (reply.status, reply.text) == (200, "")
        explanation, invitation = dm_texts(ws)
        assert "weren't saved" in explanation and "open the form again" in explanation
        assert "signup.open" in invitation
        async with ws.running.service.database.session() as session:
            assert [p.status for p in await session.exec(select(Person))] != ["active"]
