"""`admin export` over Teams: a card with a download button whose link works once."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import pytest

from adapters.teams.cards import DOWNLOAD_LABEL
from adapters.teams.settings import TeamsSettings
from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from features.admin.export import PREPARING
from tests.support.fake_teams import TeamsWorld, actions_of, fake_connector
from tests.support.service import make_settings, serve

PUBLIC_URL = "https://turnabout.example.com"


@pytest.fixture
async def world(database_url: str, program: Program, clock: FrozenClock
                ) -> AsyncIterator[TeamsWorld]:
    """Ada (an admin by her directory id) behind a public address the service does not own."""
    admins = program.model_copy(update={"admins": Admins(teams=("aad-ada",))})
    settings = dataclasses.replace(make_settings(database_url, admins,
                                                 teams=TeamsSettings.local_emulator()),
                                   public_url=PUBLIC_URL)
    async with fake_connector() as connector, aiohttp.ClientSession() as http, serve(
            settings, clock) as running:
        yield TeamsWorld(running, connector, http)
    assert not connector.problems, connector.problems


async def test_the_export_card_has_a_download_button_whose_link_works_once(
    world: TeamsWorld,
) -> None:
    ada = world.user()
    assert await ada.say("admin export") == 201
    (reply,) = world.connector.messages
    assert PREPARING in reply.text
    world.connector.calls.clear()

    await world.running.service.settle()  # the zip is prepared off the event loop

    (sent,) = world.connector.messages
    assert sent.kind == "send" and sent.conversation_id == ada.conversation_id
    assert "participants.csv: 0 rows" in sent.text  # Ada runs the program: she is no participant
    (button,) = [a for a in actions_of(sent.card) if a["type"] == "Action.OpenUrl"]
    assert button["title"] == DOWNLOAD_LABEL
    link = urlsplit(button["url"])
    assert f"{link.scheme}://{link.netloc}" == PUBLIC_URL and link.path.startswith("/exports/")

    async with world.http.get(world.running.url + link.path) as first:
        assert first.status == 200
        assert first.content_type == "application/zip"
        assert first.headers["Content-Disposition"] == (
            'attachment; filename="turnabout-export-2026-11-23.zip"')
        assert (await first.read()).startswith(b"PK")
    async with world.http.get(world.running.url + link.path) as second:
        assert second.status == 410
        assert "already used" in await second.text()


async def test_the_report_card_links_to_its_pdf_once(world: TeamsWorld) -> None:
    ada = world.user()
    assert await ada.say("admin report") == 201
    # The turn answered before the page was drawn: the reply is there, the file is not yet.
    (reply,) = world.connector.messages
    assert reply.text.startswith("Building your report")
    await world.running.service.settle()
    (sent,) = [m for m in world.connector.messages if "Your report" in m.text]
    assert sent.conversation_id == ada.conversation_id
    (button,) = [a for a in sent.card["actions"] if a["type"] == "Action.OpenUrl"]
    path = urlsplit(button["url"]).path
    async with world.http.get(world.running.url + path) as first:
        assert first.status == 200 and first.content_type == "application/pdf"
        assert (await first.read()).startswith(b"%PDF")
    async with world.http.get(world.running.url + path) as second:
        assert second.status == 410
