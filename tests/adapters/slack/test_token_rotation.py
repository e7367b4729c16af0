"""Slack token rotation with OAuth installs: a workspace whose app rotates tokens installs
with an expiring bot token and a refresh token; both requests (bolt) and sends (our token
lookup) refresh it before it expires, save it encrypted, and use the new one. Played against
the fake Slack's oauth.v2.access (grant_type=refresh_token), which retires the old token."""

from __future__ import annotations

from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from features.matching.checkin import HELP
from tests.support.slack_oauth import install, join_in, oauth_service, rows
from tests.support.slack_requests import block_actions

HOUR = 3600  # under the two hours before expiry at which a token is refreshed


async def test_a_request_refreshes_an_expiring_token_and_every_call_uses_the_new_one(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with oauth_service(database_url, program, clock) as ws:
        assert await install(ws, "code-1", "T1", expires_in=HOUR) == 200
        first = ws.fake.token_of("T1")
        assert first.startswith("xoxe.xoxb-")

        await join_in(ws, "T1", "U1")
        assert len(ws.fake.refreshes()) == 1  # once, however many calls followed
        current = ws.fake.token_of("T1")
        assert current != first and first not in ws.fake.tokens
        assert ws.fake.calls_with(current, "views.open")
        assert ws.fake.calls_with(current, "chat.postMessage")  # the welcome, sent later
        assert not [c for c in ws.fake.calls if c.token == first and c.method != "auth.test"]

        stored = await rows(database_url, "SELECT bot_token, bot_refresh_token, "
                                          "bot_token_expires_at FROM slack_bots")
        for token, refresh, expires in stored:
            assert not token.startswith("xox") and not refresh.startswith("xox")
            assert len(token) > 200  # encrypted rotating tokens outgrow bolt's columns
            assert expires is not None


async def test_a_send_refreshes_an_expiring_token_nobody_has_used_by_a_request(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    program = program.model_copy(update={"admins": Admins(slack=("T1:UADA",))})
    async with oauth_service(database_url, program, clock) as ws:
        assert await install(ws, "code-1", "T1", expires_in=HOUR) == 200
        assert await install(ws, "code-2", "T2") == 200
        first = ws.fake.token_of("T1")
        await join_in(ws, "T2", "U1")
        # U1 (in T2) asks the program team for a match: the admin hears it in T1, where no
        # request came in, so the send itself refreshes T1's token.
        await ws.send(block_actions(HELP, user="U1", trigger_id=ws.fresh("trigger"),
                                    response_url=ws.fake.response_url("help"), team="T2"))
        await ws.settle()
        assert len(ws.fake.refreshes()) == 1
        current = ws.fake.token_of("T1")
        assert current != first
        told = [c for c in ws.fake.calls_with(current, "chat.postMessage")
                if c["channel"] == "DUADA"]
        assert "asked the program team" in str(told)
