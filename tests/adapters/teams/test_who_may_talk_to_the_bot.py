"""Nobody can act as someone else over /api/messages, and the bot calls only vouched-for URLs.

Attacks as an outsider would play them: a forged activity where Teams has no credentials,
tokens that are garbage, unsigned, forged, or genuine but for another serviceUrl.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from adapters.teams.settings import TeamsSettings
from bot.config import load_settings
from config.admins import Admins
from config.program import ConfigError, Program
from core.clock import FrozenClock
from core.messages import Message
from core.ports import DeliveryError
from storage.models import ConversationRef, OutboxMessage, Person, ProcessedEvent
from storage.references import find_reference, remember_reference
from tests.support.bot_framework_tokens import (
    APP_ID,
    ENTRA_ISSUER,
    OUTGOING_TOKEN,
    SETTINGS,
    Signer,
    new_key,
    trusted_signer,
    unsigned_token,
)
from tests.support.fake_teams import TeamsUser, TeamsWorld, fake_connector, teams_world
from tests.support.service import serve

ADAPTER_LOG = "adapters.teams.adapter"
MICROSOFT_SERVICE_URL = "https://smba.trafficmanager.net/emea/"


def admin_program(program: Program) -> Program:
    return program.model_copy(update={"admins": Admins(teams=("aad-ada",))})


async def rows(world: TeamsWorld) -> dict[str, int]:
    counts = {}
    async with world.running.service.database.session() as session:
        for table in (Person, ConversationRef, ProcessedEvent, OutboxMessage):
            counts[table.__name__] = (
                await session.exec(select(func.count()).select_from(table))).one()
    return counts


NOTHING = {"Person": 0, "ConversationRef": 0, "ProcessedEvent": 0, "OutboxMessage": 0}


async def test_without_credentials_teams_is_off_and_a_forged_admin_activity_does_nothing(
    database_url: str, program: Program, clock: FrozenClock,
) -> None:
    # A deployment without MICROSOFT_APP_ID (Slack only, or the demo) behind a proxy.
    settings = dataclasses.replace(load_settings({"DATABASE_URL": database_url}),
                                   program=admin_program(program))
    assert settings.teams is None
    async with fake_connector() as connector, aiohttp.ClientSession() as http, serve(
            settings, clock) as running:
        world = TeamsWorld(running, connector, http)
        attacker = world.user(aad_object_id="aad-ada")  # the admin's directory id

        export = await attacker.say("admin export")
        signup = await attacker.say("join")
        async with http.get(f"{running.url}/healthz") as health:
            platforms = (await health.json())["platforms"]

        assert (export, signup) == (404, 404)
        assert "teams" not in platforms
        assert connector.calls == []
        assert await rows(world) == NOTHING


def test_emulator_mode_is_only_ever_explicit_and_on_loopback() -> None:
    assert load_settings({}).teams is None
    assert load_settings({"TEAMS_AUTH": "emulator"}).teams == TeamsSettings.local_emulator()
    assert load_settings({"TEAMS_AUTH": "emulator"}, host="::1").teams is not None
    with pytest.raises(ValueError):
        TeamsSettings("", "")  # no credentials is not a mode


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "turnabout.internal"])
def test_the_emulator_mode_on_a_network_address_stops_start_up_with_one_line(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    monkeypatch.setenv("TEAMS_AUTH", "emulator")
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)

    assert main(["run", "--host", host]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("turnabout: TEAMS_AUTH=emulator")
    assert "loopback" in err and host in err and "Traceback" not in err


def test_the_emulator_mode_and_credentials_do_not_mix() -> None:
    with pytest.raises(ConfigError, match="TEAMS_AUTH=emulator"):
        load_settings({"TEAMS_AUTH": "emulator", "MICROSOFT_APP_ID": APP_ID,
                       "MICROSOFT_APP_PASSWORD": "p"})
    with pytest.raises(ConfigError, match="TEAMS_AUTH"):
        load_settings({"TEAMS_AUTH": "off"})


def test_a_service_built_in_code_refuses_the_emulator_on_a_network_address(
    database_url: str, program: Program,
) -> None:
    from bot.app import Service
    from tests.support.service import make_settings

    settings = dataclasses.replace(
        make_settings(database_url, program, teams=TeamsSettings.local_emulator()),
        host="0.0.0.0")
    with pytest.raises(ConfigError, match="loopback"):
        Service(settings, schedule=False)


@pytest.fixture
async def emulator(database_url: str, program: Program, clock: FrozenClock
                   ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, admin_program(program), clock) as world:
        yield world


async def test_the_emulator_mode_answers_no_activity_that_points_elsewhere(
    emulator: TeamsWorld,
) -> None:
    attacker = emulator.user(aad_object_id="aad-ada")
    attacker.connector_url = "https://attacker.example/"

    status, _ = await attacker.post(attacker.activity(text="admin export"))

    assert status == 403
    assert await rows(emulator) == NOTHING


async def test_the_emulator_mode_never_calls_a_stored_address_off_this_machine(
    emulator: TeamsWorld, clock: FrozenClock,
) -> None:
    async with emulator.running.service.database.session() as session:
        await remember_reference(session, "teams", "tenant-0001", "29:1ada", clock.now(),
                                 conversation_id="a:personal-29:1ada", bot_id="28:turnabout",
                                 service_url="https://attacker.example/")
    (adapter,) = emulator.running.service.adapters

    with pytest.raises(DeliveryError) as refused:
        await adapter.messenger.send_dm("tenant-0001", "29:1ada", Message(text="hello"))

    assert refused.value.permanent
    assert emulator.connector.calls == []


@pytest.fixture
async def signer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Signer]:
    with trusted_signer(monkeypatch) as signer:
        yield signer


@pytest.fixture
async def teams(database_url: str, program: Program, clock: FrozenClock, signer: Signer
                ) -> AsyncIterator[TeamsWorld]:
    async with teams_world(database_url, admin_program(program), clock, SETTINGS) as world:
        yield world


def ada(world: TeamsWorld) -> TeamsUser:
    return world.user(aad_object_id="aad-ada", bot_id=f"28:{APP_ID}")


async def test_an_activity_with_a_genuine_channel_token_is_answered_with_the_bots_own_token(
    teams: TeamsWorld, signer: Signer,
) -> None:
    user = ada(teams)

    status, _ = await user.post(user.activity(text="help"), signer.header(user.connector_url))

    assert status == 201
    replies = teams.connector.to(user.conversation_id)
    assert replies and "reverse mentoring" in replies[0].text
    assert {r.authorization for r in replies} == {f"Bearer {OUTGOING_TOKEN}"}
    async with teams.running.service.database.session() as session:
        ref = await find_reference(session, "teams", user.tenant_id, user.user_id)
    assert ref is not None and ref.service_url == user.connector_url


async def test_a_genuine_token_for_another_service_url_does_not_send_the_bot_elsewhere(
    teams: TeamsWorld, signer: Signer, caplog: pytest.LogCaptureFixture,
) -> None:
    # Microsoft vouched for its own serviceUrl; the attacker swapped in theirs (the fake).
    user = ada(teams)

    with caplog.at_level(logging.INFO):
        status, body = await user.post(user.activity(text="admin export"),
                                       signer.header(MICROSOFT_SERVICE_URL))

    assert (status, body) == (401, {"error": "unauthorized"})
    assert teams.connector.calls == []
    assert await rows(teams) == NOTHING
    assert one_refusal(caplog).startswith("Teams activity refused (401)")


def forged_tokens(signer: Signer, service_url: str) -> dict[str, str]:
    intruder = Signer(new_key(), signer.kid)  # claims Microsoft's key id, signs with its own
    return {
        "garbage": "Bearer garbage",
        "another scheme": f"Basic {signer.token(service_url)}",
        "unsigned": f"Bearer {unsigned_token(service_url)}",
        "forged signature": intruder.header(service_url),
        "unknown key id": Signer(new_key(), "kid-nobody-published").header(service_url),
        "for another bot": signer.header(service_url, aud="11111111-2222-3333-4444-555555555555"),
        "a claim that writes log lines": signer.header(service_url, aud="x\nERROR all is lost"),
        "expired": signer.header(service_url, nbf=1_600_000_000, exp=1_600_003_600),
        "no serviceurl claim": signer.header(service_url, serviceurl=None),
        "truncated": signer.header(service_url)[:-20],
        # What Entra gives any holder of the app's credentials, and what the bot itself sends
        # to Teams: botbuilder would take it as the Emulator's, with no serviceurl check.
        "emulator style": signer.header(service_url, iss=ENTRA_ISSUER, aud=None, serviceurl=None,
                                        appid=APP_ID, ver="1.0"),
    }


async def test_forged_and_malformed_tokens_get_401_and_one_log_line(
    teams: TeamsWorld, signer: Signer, caplog: pytest.LogCaptureFixture,
) -> None:
    user = ada(teams)
    for name, header in forged_tokens(signer, user.connector_url).items():
        caplog.clear()
        with caplog.at_level(logging.INFO):
            status, body = await user.post(user.activity(text="admin export"), header)

        assert (status, body) == (401, {"error": "unauthorized"}), name
        assert one_refusal(caplog).startswith("Teams activity refused (401)"), name
    assert teams.connector.calls == []
    assert await rows(teams) == NOTHING


async def test_when_microsofts_keys_cannot_be_fetched_teams_hears_try_again(
    teams: TeamsWorld, signer: Signer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import requests
    from botframework.connector.auth import AuthenticationConstants
    from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

    async def unreachable() -> None:
        raise requests.ConnectionError("login.botframework.com unreachable")

    metadata = JwtTokenExtractor.metadataCache[
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL]
    monkeypatch.setattr(metadata, "keys", [])
    monkeypatch.setattr(metadata, "_refresh", unreachable)
    monkeypatch.setattr(metadata, "last_updated", metadata.last_updated.min)
    user = ada(teams)

    with caplog.at_level(logging.INFO):
        status, _ = await user.post(user.activity(text="help"), signer.header(user.connector_url))

    assert status == 503
    assert "signing keys unavailable" in one_refusal(caplog)
    assert teams.connector.calls == []


def one_refusal(caplog: pytest.LogCaptureFixture) -> str:
    """The adapter's record of a refused request: exactly one line, no traceback."""
    (record,) = [r for r in caplog.records if r.name == ADAPTER_LOG]
    assert record.exc_info is None and "\n" not in record.getMessage()
    return record.getMessage()
