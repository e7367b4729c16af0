"""Admins listed in app.yaml with OAuth installs: a Slack user id is one workspace's, so an
admin is named with their workspace (T…:U…) and counts there only; a bare id counts nowhere.
Played through signed requests from two installed workspaces against the fake Slack."""

from __future__ import annotations

import logging

import pytest

from config.admins import Admins
from config.program import ConfigError, Program, parse_program
from core.clock import FrozenClock
from features.matching.checkin import HELP
from tests.support.slack_oauth import install, join_in, oauth_service
from tests.support.slack_requests import SlackWorkspace, block_actions, slash_command

REFUSED = "Admin commands are for the program team"


def admins(program: Program, *slack: str) -> Program:
    return program.model_copy(update={"admins": Admins(slack=slack)})


async def admin_waitlist(ws: SlackWorkspace, team: str, user: str) -> str:
    key = ws.fresh("waitlist")
    await ws.send(slash_command("admin waitlist", user=user, trigger_id=ws.fresh("trigger"),
                                response_url=ws.fake.response_url(key), team=team))
    await ws.settle()
    return str(ws.fake.responses(key))


async def test_an_admin_listed_with_their_workspace_is_an_admin_there_and_nowhere_else(
    database_url: str, program: Program, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with oauth_service(database_url, admins(program, "T1:UADA", "UOLD"), clock) as ws:
        assert await install(ws, "code-1", "T1") == 200
        assert await install(ws, "code-2", "T2") == 200
        assert REFUSED not in await admin_waitlist(ws, "T1", "UADA")
        # The same user id in the other workspace is someone else.
        assert REFUSED in await admin_waitlist(ws, "T2", "UADA")
        # A bare id would name someone in every workspace: it names no one, and says so.
        assert REFUSED in await admin_waitlist(ws, "T1", "UOLD")
        assert REFUSED in await admin_waitlist(ws, "T2", "UOLD")
        assert "admins.slack: UOLD ignored" in caplog.text
        assert "T…:U…" in caplog.text


async def test_a_listed_admin_hears_from_the_program_before_ever_writing_to_the_bot(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with oauth_service(database_url, admins(program, "T1:UADA"), clock) as ws:
        assert await install(ws, "code-1", "T1") == 200
        assert await install(ws, "code-2", "T2") == 200
        await join_in(ws, "T1", "U1")
        # U1 asks the program team for a match: the admin is told, in T1, with T1's token.
        await ws.send(block_actions(HELP, user="U1", trigger_id=ws.fresh("trigger"),
                                    response_url=ws.fake.response_url("help"), team="T1"))
        await ws.settle()
        token = ws.fake.token_of("T1")
        opened = ws.fake.calls_with(token, "conversations.open")
        assert {"users": "UADA"} in [{"users": c["users"]} for c in opened]
        told = [c for c in ws.fake.calls_with(token, "chat.postMessage")
                if c["channel"] == "DUADA"]
        assert "asked the program team" in str(told)
        # Nothing went to the other workspace's UADA, nor with its token.
        assert not [c for c in ws.fake.calls_with(ws.fake.token_of("T2"), "chat.postMessage")
                    if "asked the program team" in str(c)]


async def test_with_one_bot_token_a_bare_or_qualified_admin_id_means_that_workspace(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    from tests.support.slack_requests import slack_workspace

    async with slack_workspace(database_url, admins(program, "UADA", "T0TEST:UBEA"),
                               clock) as ws:
        for user in ("UADA", "UBEA"):
            key = ws.fresh("w")
            await ws.command("admin waitlist", user, reply_key=key)
            await ws.settle()
            assert REFUSED not in str(ws.fake.responses(key))


def test_app_yaml_refuses_a_slack_admin_that_is_no_user_id() -> None:
    with pytest.raises(ConfigError, match=r"admins\.slack.*'ada@example\.com' is not a Slack"):
        parse_program({"admins": {"slack": ["ada@example.com"]}}, "app.yaml")


async def test_a_notice_for_an_admin_whose_workspace_never_installed_is_reported(
    database_url: str, program: Program, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.slack_oauth import rows

    caplog.set_level(logging.WARNING)
    async with oauth_service(database_url, admins(program, "T1:UADA", "T9:UBEA"), clock) as ws:
        assert await install(ws, "code-1", "T1") == 200
        await join_in(ws, "T1", "U1")
        await ws.send(block_actions(HELP, user="U1", trigger_id=ws.fresh("trigger"),
                                    response_url=ws.fake.response_url("help"), team="T1"))
        await ws.settle()
        failed = await rows(database_url, "SELECT status, last_error FROM outbox "
                                          "WHERE key LIKE 'match-help:%T9:UBEA'")
        assert [status for status, _ in failed] == ["failed"]
        assert "T9 has not installed the app" in failed[0][1]
        assert "T9 has not installed the app" in caplog.text
        # The admin in the installed workspace heard it all the same.
        assert [c for c in ws.fake.calls_to("chat.postMessage") if c["channel"] == "DUADA"]
