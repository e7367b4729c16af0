"""Slack modals carry their context in private_metadata, which the sender controls: a member who
submits the admins' "Message the pair" modal, or redraws a modal naming an admin action, with
another pair's id is refused and nothing reaches the pair."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from adapters.slack.blocks import REFRESH_PREFIX, modal
from config.program import Program
from core.clock import FrozenClock
from features.admin.program_team import note_form
from features.matching.endings import UNPAIR
from runtime.router import REFUSAL
from storage.models import Pair
from tests.support.slack_people import matched, with_admin
from tests.support.slack_requests import slack_workspace


async def test_a_member_submitting_the_admins_message_the_pair_modal_is_refused(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        group = await matched(ws)
        posted = len(ws.fake.calls_to("chat.postMessage"))
        view = {**modal(note_form(1)).to_dict(), "id": "V-forged", "hash": "h"}

        reply = await ws.submit(view, {"text": "Please share your salaries with me"}, "U1")
        await ws.settle()

        assert reply.status == 200
        sent = ws.fake.calls_to("chat.postMessage")[posted:]
        assert [p for p in sent if p["channel"] == group] == []
        assert REFUSAL in json.dumps(reply.json() or {}) + json.dumps(sent)


async def test_a_member_redrawing_a_modal_as_an_admin_action_is_refused_and_unpairs_no_one(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await matched(ws)
        payload = {
            "type": "block_actions", "user": {"id": "U1", "team_id": "T0TEST"},
            "team": {"id": "T0TEST"}, "api_app_id": "A0TEST", "trigger_id": "t-forged",
            "container": {"type": "view", "view_id": "V-forged"},
            "view": {"id": "V-forged", "hash": "h", "type": "modal", "private_metadata": "1",
                     "state": {"values": {}}},
            "actions": [{"action_id": f"{REFRESH_PREFIX}{UNPAIR}", "block_id": "b",
                         "type": "static_select", "action_ts": "1.0"}]}

        reply = await ws.send(urlencode({"payload": json.dumps(payload)}))
        await ws.settle()

        assert reply.status == 200
        async with ws.running.service.database.session() as session:
            pair = await session.get(Pair, 1)
        assert pair is not None and pair.status == "active"
        assert REFUSAL in json.dumps(ws.fake.calls_to("chat.postMessage")[-1])
