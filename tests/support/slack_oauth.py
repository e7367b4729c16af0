"""Slack OAuth installs as tests play them: a service in OAuth mode against the fake Slack, an
admin's install through /slack/install and /slack/oauth_redirect, a person joining in a given
workspace, and a look at the rows stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlparse

import aiohttp
from cryptography.fernet import Fernet
from sqlalchemy import text

from adapters.slack.settings import SlackOAuth, SlackSettings
from config.program import Program
from core.clock import FrozenClock
from storage.database import Database
from tests.support.fake_slack import FakeSlack
from tests.support.service import make_settings, serve
from tests.support.slack_people import JUNIOR
from tests.support.slack_requests import SECRET, SlackWorkspace, slash_command, view_submission

KEY = Fernet.generate_key().decode()


@asynccontextmanager
async def oauth_service(database_url: str, program: Program,
                        clock: FrozenClock) -> AsyncIterator[SlackWorkspace]:
    async with FakeSlack(token="xoxb-nobody") as slack:
        slack.revoke("xoxb-nobody")  # in OAuth mode no token exists before an install
        oauth = SlackOAuth(slack.client_id, slack.client_secret, "state-secret", KEY)
        settings = make_settings(database_url, program, slack=SlackSettings(
            "", SECRET, None, slack.url + "/api/", oauth))
        async with serve(settings, clock) as running, aiohttp.ClientSession() as http:
            yield SlackWorkspace(slack, running, http)


async def install(ws: SlackWorkspace, code: str, team: str | None, *,
                  enterprise: str | None = None, org_wide: bool = False,
                  expires_in: int | None = None) -> int:
    """An admin visits /slack/install, approves in Slack, and comes back with the code
    (`expires_in`: the app has token rotation on)."""
    ws.fake.will_install(code, team, enterprise_id=enterprise, org_wide=org_wide,
                         expires_in=expires_in)
    async with ws.http.get(f"{ws.running.url}/slack/install", allow_redirects=False) as sent:
        assert sent.status == 302
        state = parse_qs(urlparse(sent.headers["Location"]).query)["state"][0]
        cookie = sent.cookies["slack-app-oauth-state"].value
    async with ws.http.get(f"{ws.running.url}/slack/oauth_redirect",
                           params={"code": code, "state": state},
                           headers={"Cookie": f"slack-app-oauth-state={cookie}"},
                           allow_redirects=False) as back:
        return back.status


async def join_in(ws: SlackWorkspace, team: str, user: str, *, enterprise: str | None = None,
                  org_wide: bool = False) -> None:
    body = slash_command("join", user=user, trigger_id=ws.fresh("trigger"),
                         response_url=ws.fake.response_url(ws.fresh("cmd")), team=team,
                         enterprise=enterprise)
    if org_wide:
        body = body.replace("is_enterprise_install=false", "is_enterprise_install=true")
    await ws.send(body)
    await ws.settle()
    view = ws.opened_view()
    submission = view_submission(view, JUNIOR, user=user, trigger_id=ws.fresh("trigger"),
                                 team=team, enterprise=enterprise)
    if org_wide:
        submission = submission.replace("%22api_app_id", "%22is_enterprise_install%22%3A+true%2C+%22api_app_id")
    assert (await ws.send(submission)).status == 200
    await ws.settle()


async def rows(database_url: str, sql: str) -> list[Any]:
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            return list((await connection.execute(text(sql))).all())
    finally:
        await database.dispose()
