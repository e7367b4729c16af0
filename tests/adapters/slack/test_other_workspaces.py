"""Slack from another workspace: a request correctly signed for the app but naming another
workspace or organisation is acknowledged and changes nothing, so an admin's user id counts
only in the workspace the bot is installed in."""

from __future__ import annotations

from sqlmodel import select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Cohort, OutboxMessage, Person
from tests.support.fake_slack import TEAM_ID, FakeSlack
from tests.support.slack_people import (
    ADMIN,
    JUNIOR,
    SENIOR,
    confirm_button,
    join,
    match_preview,
    with_admin,
)
from tests.support.slack_requests import (
    JSON,
    SlackWorkspace,
    block_actions,
    dm_event,
    slack_workspace,
    slash_command,
    view_submission,
)

OTHER_TEAM = "T0OTHER"
OTHER_ORG = "E0OTHER"


async def people(ws: SlackWorkspace) -> list[tuple[str, str]]:
    async with ws.running.service.database.session() as session:
        return [(p.tenant_id, p.user_id) for p in await session.exec(select(Person))]


def posted(ws: SlackWorkspace, key: str | None = None) -> list[dict[str, object]]:
    """What reached the person after the ack (response_url posts): the refusal rides on it."""
    return [r for r in ws.fake.responses(key) if r.get("via") != "ack"]


async def command_from(ws: SlackWorkspace, text: str, user: str, *, team: str = TEAM_ID,
                       enterprise: str | None = None) -> tuple[str, str]:
    """A signed slash command; returns its immediate answer and its response_url key."""
    key = ws.fresh("cmd")
    reply = await ws.send(slash_command(text, user=user, trigger_id=ws.fresh("trigger"),
                                        response_url=ws.fake.response_url(key), team=team,
                                        enterprise=enterprise))
    assert reply.status == 200
    await ws.settle()
    return reply.text, key


async def test_the_admins_user_id_in_another_workspace_runs_no_admin_command(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        answer, key = await command_from(ws, "admin cohort start Breach", ADMIN, team=OTHER_TEAM)
        stats, stats_key = await command_from(ws, "admin stats", ADMIN, team=OTHER_TEAM)

        assert "another Slack workspace" in answer and "another Slack workspace" in stats
        assert posted(ws, key) == posted(ws, stats_key) == []
        async with ws.running.service.database.session() as session:
            assert list(await session.exec(select(Cohort))) == []
            assert list(await session.exec(select(OutboxMessage))) == []
        assert await people(ws) == []

        # At home the same id is the admin.
        _, home = await command_from(ws, "admin stats", ADMIN)
        assert "Program stats" in str(ws.fake.responses(home))


async def test_a_button_pressed_in_another_workspace_confirms_nothing(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await join(ws, "U1", JUNIOR)
        await join(ws, "U2", SENIOR)
        confirm = confirm_button(await match_preview(ws))
        posts_before = len(ws.fake.calls_to("chat.postMessage"))

        reply = await ws.send(block_actions(
            confirm["action_id"], confirm["value"], user=ADMIN, trigger_id="t-other",
            response_url=ws.fake.response_url("other"), team=OTHER_TEAM))
        await ws.settle()

        assert (reply.status, reply.text) == (200, "")
        assert posted(ws, "other") == []
        assert len(ws.fake.calls_to("chat.postMessage")) == posts_before  # no introduction
        assert not [c for c in ws.fake.calls_to("conversations.open") if "," in c["users"]]


async def test_a_survey_submitted_from_another_workspace_signs_nobody_up(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("join", "U1")
        await ws.settle()
        survey = ws.opened_view()
        await ws.send(slash_command("join", user="U9", trigger_id="t-join", team=OTHER_TEAM,
                                    response_url=ws.fake.response_url("join")))
        await ws.settle()

        reply = await ws.send(view_submission(survey, JUNIOR, user="U9", trigger_id="t-9",
                                              team=OTHER_TEAM))
        await ws.settle()

        assert (reply.status, reply.text) == (200, "")  # the modal closes, nothing is saved
        assert len(ws.fake.calls_to("views.open")) == 1  # only U1's survey at home opened
        assert await people(ws) == [(TEAM_ID, "U1")]
        assert not [p for p in ws.fake.calls_to("chat.postMessage") if p["channel"] == "DU9"]


async def test_another_organisation_a_guest_and_a_dm_from_elsewhere_are_all_refused(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        org, _ = await command_from(ws, "join", "U7", enterprise=OTHER_ORG)
        # A Slack Connect guest: the press happens at home, the person belongs elsewhere.
        guest = await ws.send(block_actions("signup.open", user="U8", trigger_id="t-8",
                                            response_url=ws.fake.response_url("guest"),
                                            user_team=OTHER_TEAM))
        dm = await ws.send(dm_event("join", user="U6", event_id="Ev-other", team=OTHER_TEAM),
                           JSON)
        await ws.settle()

        assert "another Slack workspace" in org
        assert (guest.status, dm.status) == (200, 200)
        assert ws.fake.calls_to("views.open") == [] and ws.fake.calls_to("chat.postMessage") == []
        assert posted(ws) == []
        assert await people(ws) == []


async def test_inside_an_enterprise_grid_org_only_its_own_organisation_is_served(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    grid = FakeSlack(enterprise_id="E0TEST")
    async with slack_workspace(database_url, program, clock, grid) as ws:
        _, home = await command_from(ws, "help", "U1", enterprise="E0TEST")
        elsewhere, away = await command_from(ws, "help", "U1", enterprise=OTHER_ORG)

        assert "join" in str(ws.fake.responses(home))
        assert "another Slack workspace" in elsewhere and posted(ws, away) == []
