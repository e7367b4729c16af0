"""Bad input gets a short, friendly 400, never a 500 or a stack trace, and the chat keeps going."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from config.program import Program
from core.clock import FrozenClock
from tests.support.service import Running, make_settings, serve

JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def chat(
    database_url: str, program: Program, clock: FrozenClock
) -> AsyncIterator[tuple[Running, aiohttp.ClientSession]]:
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        yield running, http


async def refused(reply: aiohttp.ClientResponse, status: int = 400) -> str:
    """The error sentence of a refusal, after checking it is one."""
    text = await reply.text()
    assert reply.status == status, text
    assert reply.content_type == "application/json" and "Traceback" not in text
    error = (await reply.json())["error"]
    assert 10 < len(error) < 200
    return error


async def still_serving(http: aiohttp.ClientSession) -> None:
    async with http.post("/web/api/events", json={"user": "jo", "command": "help"}) as reply:
        assert reply.status == 200
        assert (await reply.json())["messages"]


@pytest.mark.parametrize("raw, says", [
    (b"{", "valid JSON"),
    (b"\xff\xfe not utf-8", "valid JSON"),
    (b"[" * 10_000, "valid JSON"),
    (b"", "valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'"join"', "JSON object"),
    (b"null", "JSON object"),
])
async def test_a_body_that_is_not_a_json_object_is_refused_kindly(
    chat: tuple[Running, aiohttp.ClientSession], raw: bytes, says: str
) -> None:
    _, http = chat
    async with http.post("/web/api/events", data=raw, headers=JSON) as reply:
        assert says in await refused(reply)
    await still_serving(http)


@pytest.mark.parametrize("body", [
    {"user": "jo"},
    {"user": "jo", "text": "join"},
    {"user": "jo", "command": "help", "action_id": "membership.stay"},
    {"user": "jo", "command": 42},
    {"user": "jo", "command": ["join"]},
    {"user": "jo", "action_id": ""},
    {"user": "jo", "action_id": "x" * 101},
    {"user": "jo", "action_id": "membership.leave", "value": {"choice": "delete"}},
    {"user": "jo", "form_id": "signup", "values": "role=mentor"},
    {"user": "jo", "form_id": "signup", "values": {"teach": [1, 2]}},
    {"user": "jo", "form_id": "signup", "values": {"role": {"nested": True}}},
    {"user": "jo", "form_id": "signup", "values": {f"f{i}": "x" for i in range(51)}},
    {"user": "jo", "form_id": "signup", "values": {}, "context": 7},
    {"user": "jo", "command": "help", "request_id": "has spaces and/slashes"},
    {"user": "jo", "command": "help", "name": "x" * 61},
    {"user": "jo", "command": "help", "name": 12},
])
async def test_an_unknown_or_malformed_shape_is_refused_kindly(
    chat: tuple[Running, aiohttp.ClientSession], body: dict[str, Any]
) -> None:
    _, http = chat
    async with http.post("/web/api/events", json=body) as reply:
        await refused(reply)


@pytest.mark.parametrize("user", [None, "", "Jo", "jo bar", "../etc", "-jo", "a" * 41, 7, ["jo"]])
async def test_a_bad_user_id_is_refused_kindly(
    chat: tuple[Running, aiohttp.ClientSession], user: object
) -> None:
    _, http = chat
    async with http.post("/web/api/events", json={"user": user, "command": "help"}) as reply:
        assert "acting as" in await refused(reply)
    if isinstance(user, str):  # a query string can only carry text
        async with http.get("/web/api/inbox", params={"user": user}) as reply:
            assert "acting as" in await refused(reply)


async def test_an_inbox_request_without_a_user_is_refused_kindly(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = chat
    async with http.get("/web/api/inbox") as reply:
        assert "acting as" in await refused(reply)


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "²", "9" * 19])
async def test_a_bad_inbox_position_is_refused_kindly(
    chat: tuple[Running, aiohttp.ClientSession], after: str
) -> None:
    _, http = chat
    async with http.get("/web/api/inbox", params={"user": "jo", "after": after}) as reply:
        assert "whole number" in await refused(reply)


async def test_a_huge_body_is_refused_kindly_whether_or_not_it_says_its_length(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = chat
    huge = b'{"user": "jo", "command": "' + b"x" * 64_000 + b'"}'
    async with http.post("/web/api/events", data=huge, headers=JSON) as reply:
        assert "too large" in await refused(reply)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b" " * 1024

    async with http.post("/web/api/events", data=chunks(), headers=JSON) as reply:
        assert "too large" in await refused(reply)
    await still_serving(http)


async def test_json_sent_as_another_content_type_is_refused(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = chat
    body = b'{"user": "jo", "command": "help"}'
    for kind in ("text/plain", "application/x-www-form-urlencoded"):
        async with http.post("/web/api/events", data=body,
                             headers={"Content-Type": kind}) as reply:
            assert "Content-Type: application/json" in await refused(reply)


async def test_a_request_from_another_website_is_refused(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    running, http = chat
    evil = {"Origin": "http://evil.example"}
    body = {"user": "ada", "command": "join"}
    async with http.post("/web/api/events", json=body, headers=evil) as reply:
        assert "its own page" in await refused(reply, status=403)
    own = {"Origin": running.url}
    async with http.post("/web/api/events", json=body, headers=own) as reply:
        assert reply.status == 200


async def test_a_ten_kilobyte_command_gets_a_clear_reply(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = chat
    async with http.post("/web/api/events", json={"user": "jo", "command": "j" * 10_000}) as reply:
        assert reply.status == 200
        text = (await reply.json())["messages"][0]["text"]
    assert "too long" in text and "2000 characters" in text


async def test_emoji_and_markup_get_a_clear_reply_that_echoes_no_markup(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = chat
    typed = "🎉<script>alert(1)</script> *bold* `code`"
    async with http.post("/web/api/events", json={"user": "jo", "command": typed}) as reply:
        assert reply.status == 200
        text = (await reply.json())["messages"][0]["text"]
    assert "don't know" in text and "🎉" in text
    assert "<script>" not in text and "*bold*" not in text


async def test_a_button_that_means_nothing_gets_a_clear_reply(
    chat: tuple[Running, aiohttp.ClientSession],
) -> None:
    _, http = chat
    body = {"user": "jo", "action_id": "no.such.button", "value": "🎉"}
    async with http.post("/web/api/events", json=body) as reply:
        assert "expired" in (await reply.json())["messages"][0]["text"]
    form = {"user": "jo", "form_id": "no-such-form", "values": {"a": "b"}}
    async with http.post("/web/api/events", json=form) as reply:
        assert "expired" in (await reply.json())["messages"][0]["text"]
