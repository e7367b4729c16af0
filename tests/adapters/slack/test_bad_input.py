"""Forged, stale, malformed and strange requests: refused or answered, never a crash."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl, urlencode

from sqlmodel import func, select

from config.program import Program
from core.clock import FrozenClock
from storage.models import Person, ProcessedEvent
from tests.support.slack_requests import (
    JSON,
    Answer,
    SlackWorkspace,
    block_actions,
    signature_headers,
    slack_workspace,
    slash_command,
)

SURVEY: dict[str, Answer] = {
    "role": "mentor", "department": "sales", "seniority": "associate", "cadence": "weekly",
    "meeting_mode": "mixed", "timezone": "UTC", "teach": ("ai-digital-tools",)}


async def stored_rows(ws: SlackWorkspace) -> int:
    async with ws.running.service.database.session() as session:
        people = (await session.exec(select(func.count()).select_from(Person))).one()
        events = (await session.exec(select(func.count()).select_from(ProcessedEvent))).one()
    return int(people) + int(events)


async def test_requests_without_a_valid_signature_are_refused_and_store_nothing(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        body = slash_command("join", user="U1", trigger_id="t1",
                             response_url=ws.fake.response_url("r1"))
        stale = signature_headers(body, timestamp=int(time.time()) - 301)
        forged = signature_headers(body, secret="not-the-secret")
        other_body = signature_headers(body + "&text=leave")
        cases = {
            "missing headers": await ws.send(body, sign=False),
            "wrong secret": await ws.send(body, sign=False, headers=forged),
            "stale timestamp": await ws.send(body, sign=False, headers=stale),
            "signed another body": await ws.send(body, sign=False, headers=other_body),
            "timestamp not a number": await ws.send(body, headers={
                "X-Slack-Request-Timestamp": "yesterday"}),
            "signature missing": await ws.send(body, headers={"X-Slack-Signature": ""}),
        }
        await ws.settle()

        assert {name: reply.status for name, reply in cases.items()} == dict.fromkeys(cases, 401)
        assert await stored_rows(ws) == 0
        assert [c.method for c in ws.fake.calls if c.method != "auth.test"] == []


async def test_malformed_bodies_get_a_4xx_and_the_service_keeps_serving(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    form = "application/x-www-form-urlencoded"

    def payload(value: object) -> str:
        return urlencode({"payload": json.dumps(value)})

    good_actions = json.loads(dict(parse_qsl(
        block_actions("membership.stay", user="U1", trigger_id="t", response_url=None)))["payload"])
    bodies: dict[str, tuple[str | bytes, str | None]] = {
        "empty": ("", form),
        "plain text": ("hello there", "text/plain"),
        "no content type": ("command=%2Fmentoring", None),
        "not JSON": ("{not json", JSON),
        "JSON list": ("[1, 2]", JSON),
        "JSON without type": ('{"event": {}}', JSON),
        "event is a string": ('{"type": "event_callback", "event_id": "E", "team_id": "T", '
                              '"event": "message"}', JSON),
        "message user is a number": (json.dumps({
            "type": "event_callback", "event_id": "E2", "team_id": "T",
            "event": {"type": "message", "user": 5, "channel": "D1"}}), JSON),
        "form holds JSON": ('{"type": "block_actions"}', form),
        "payload not JSON": ("payload=%7Bbroken", form),
        "payload a list": (payload([1]), form),
        "user a string": (payload({**good_actions, "user": "U1"}), form),
        "actions not a list": (payload({**good_actions, "actions": {"a": 1}}), form),
        "action id a number": (payload({**good_actions, "actions": [{"action_id": 7}]}), form),
        "trigger id a number": (payload({**good_actions, "trigger_id": 12}), form),
        "view state wrong": (payload({"type": "view_submission", "user": {"id": "U1"},
                                      "team": {"id": "T"}, "view": {
                                          "callback_id": "signup", "state": {"values": [1]}}}),
                             form),
        "shortcut with a numeric user": (payload({"type": "shortcut", "user": 5}), form),
        "channel a number": (payload({**good_actions, "channel": 5}), form),
        "view without a type": (payload({
            "type": "view_submission", "user": {"id": "U1"}, "team": {"id": "T"},
            "view": {"callback_id": "signup", "state": {"values": {}}}}), form),
        "enterprise id a number": (json.dumps({
            "type": "event_callback", "event_id": "E3", "team_id": "T", "enterprise_id": 5,
            "event": {"type": "message"}}), JSON),
        "command without user": ("command=%2Fmentoring&text=join&team_id=T", form),
        "form of nothing": ("a=b&c=d", form),
        "not UTF-8": (b"command=\xff\xfe", form),
        "over a megabyte": ("text=" + "a" * 1_100_000, form),
    }
    async with slack_workspace(database_url, program, clock) as ws:
        statuses = {name: (await ws.send(body, content_type)).status
                    for name, (body, content_type) in bodies.items()}
        await ws.settle()

        assert {n: s for n, s in statuses.items() if not 400 <= s < 500} == {}
        async with ws.http.get(f"{ws.running.url}/healthz") as health:
            assert health.status == 200
        assert await stored_rows(ws) == 0
        reply = await ws.command("help", reply_key="still-here")
        await ws.settle()
        assert reply.status == 200
        assert "reverse mentoring" in ws.fake.responses("still-here")[0]["text"]


async def test_huge_text_emoji_and_markup_get_a_clear_reply_without_a_stack_trace(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await ws.command("x" * 10_000, reply_key="huge")
        await ws.command("<!channel> *bold* 🎉", reply_key="markup")
        await ws.command("🎉🎉 <@U999|boss>", reply_key="emoji")
        await ws.dm("ü" * 10_000)
        await ws.settle()

        assert "too long" in ws.fake.responses("huge")[0]["text"]
        assert "don't know" in ws.fake.responses("markup")[0]["text"]
        assert "don't know" in ws.fake.responses("emoji")[0]["text"]
        assert "too long" in ws.fake.calls_to("chat.postMessage")[0]["text"]
        everything = json.dumps([c.args for c in ws.fake.calls], ensure_ascii=False)
        assert "Traceback" not in everything and "Error" not in everything
        assert "<!channel>" not in everything and "<@U999" not in everything


async def test_mention_markup_in_survey_answers_is_escaped_in_the_welcome_dm(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    # Without app.yaml's team list, people type their team: the one free-text answer shown.
    typed = program.model_copy(update={"survey": program.survey.model_copy(update={"teams": {}})})
    async with slack_workspace(database_url, typed, clock) as ws:
        await ws.command("join")
        await ws.settle()
        await ws.submit(ws.opened_view(), {**SURVEY, "team": "<!channel> & <@U999> *Ops*"})
        await ws.settle()

        [welcome] = ws.fake.calls_to("chat.postMessage")
        posted = json.dumps(welcome)
        assert "&lt;!channel&gt; &amp; &lt;@U999&gt; *Ops*" in posted
        assert "<!channel>" not in posted and "<@U999>" not in posted


async def test_a_failing_profile_lookup_still_opens_the_survey(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.fail_next("users.info", error="fatal_error")
        await ws.command("join", "U1")
        ws.fake.fail_next("users.info", error="ratelimited", retry_after=30)
        await ws.command("join", "U2")
        await ws.settle()

        views = ws.fake.calls_to("views.open")
        assert len(views) == 2
        for opened in views:
            timezone = next(b for b in opened["view"]["blocks"] if b.get("block_id") == "timezone")
            assert "initial_value" not in timezone["element"]


async def test_an_expired_trigger_offers_a_survey_button_instead_of_an_error(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.known_triggers = set()  # every trigger id has expired
        await ws.command("join", reply_key="expired")
        await ws.settle()

        [offer] = ws.fake.responses("expired")
        assert "survey" in offer["text"]
        assert [e["action_id"] for b in offer["blocks"] if b["type"] == "actions"
                for e in b["elements"]] == ["signup.open"]


async def test_a_command_from_a_channel_named_payload_is_still_answered(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        body = slash_command("payload help", user="U1", trigger_id="t-payload",
                             response_url=ws.fake.response_url("payload"),
                             channel_name="payload-team")
        reply = await ws.send(body)
        await ws.settle()

        assert reply.status == 200
        assert "don't know" in ws.fake.responses("payload")[0]["text"]


async def test_a_reply_that_slack_refuses_becomes_a_short_apology(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        ws.fake.fail_next("chat.postMessage", error="internal_error")
        reply = await ws.dm("status")
        await ws.settle()

        assert reply.status == 200
        posted = ws.fake.calls_to("chat.postMessage")
        assert len(posted) == 2
        assert posted[-1]["text"].startswith("Sorry, something went wrong")
