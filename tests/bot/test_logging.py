"""Logs an operator can use: structured, one line per request that matters, nothing private."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from bot import logs
from bot.config import load_settings
from config.program import ConfigError, Program
from core.clock import FrozenClock
from storage.models import Person
from tests.support.fake_teams import submit_value, teams_world
from tests.support.service import make_settings, serve

ROOT = Path(__file__).resolve().parents[2]
GOALS = "Learn how my nephew's generation uses short video"
ANSWERS = {"role": "mentee", "department": "finance", "team": "treasury",
           "seniority": "director", "teach": "leadership", "learn": "ai-digital-tools",
           "goals": GOALS, "cadence": "monthly", "meeting_mode": "video"}


@pytest.fixture
def json_log(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """What LOG_FORMAT=json writes, at INFO, while the test runs."""
    caplog.set_level(logging.INFO)
    # Earlier tests in the same process may have run the CLI, which sets logger levels.
    requests = logging.getLogger("turnabout.requests")
    before = (requests.level, requests.disabled)
    requests.setLevel(logging.INFO)
    requests.disabled = False
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)
        requests.setLevel(before[0])
        requests.disabled = before[1]


def lines_of(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def requests_in(stream: io.StringIO) -> list[dict[str, object]]:
    return [line for line in lines_of(stream) if line["logger"] == "turnabout.requests"]


async def test_each_teams_activity_is_one_json_line_with_its_request_id_and_no_answers(
    database_url: str, program: Program, clock: FrozenClock, json_log: io.StringIO,
) -> None:
    async with teams_world(database_url, program, clock) as world:
        user = world.user()
        status, _ = await user.post(user.activity(text="join"))
        assert status == 201
        survey = world.connector.to(user.conversation_id)[-1]
        await user.post(user.activity(value=submit_value(survey.card, ANSWERS),
                                      replyToId=survey.sent_id))
        async with world.running.service.database.session() as session:
            person = (await session.exec(select(Person))).one()
        assert person.status == "active"  # the answers were saved, goals included
        async with world.http.post(f"{world.running.url}/api/messages",
                                   json=user.activity(text="status"),
                                   headers={"X-Request-Id": "lb-4f1c2a9e"}) as reply:
            assert reply.status == 201 and reply.headers["X-Request-Id"] == "lb-4f1c2a9e"

    lines = requests_in(json_log)
    assert [(line["platform"], line["kind"], line["outcome"], line["status"])
            for line in lines] == [("teams", "message", "ok", 201),
                                   ("teams", "submit", "ok", 201),
                                   ("teams", "message", "ok", 201)]
    assert lines[-1]["request_id"] == "lb-4f1c2a9e"
    assert len({line["request_id"] for line in lines}) == 3
    assert all(isinstance(line["duration_ms"], float) for line in lines)
    text = json_log.getvalue()
    assert GOALS not in text and "Treasury" not in text


async def test_web_chat_polling_and_probes_write_no_lines_but_its_events_do(
    database_url: str, program: Program, clock: FrozenClock, json_log: io.StringIO,
) -> None:
    settings = make_settings(database_url, program, web_chat=True)
    async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
        for _ in range(3):
            async with http.get("/web/api/inbox", params={"user": "jo", "after": "0"}) as r:
                assert r.status == 200
        for probe in ("/healthz", "/readyz", "/metrics", "/"):
            async with http.get(probe) as r:
                assert r.status == 200
        async with http.post("/web/api/events", json={"user": "jo", "command": "help"}) as r:
            assert r.status == 200

    assert [(line["platform"], line["kind"]) for line in requests_in(json_log)] == [
        ("web", "command")]
    assert not [line for line in lines_of(json_log) if line["logger"] == "aiohttp.access"]


async def test_the_access_log_comes_back_at_debug_level(
    database_url: str, program: Program, clock: FrozenClock, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiohttp.access")
    settings = replace(make_settings(database_url, program, web_chat=True), log_level="debug")
    async with serve(settings, clock) as running, aiohttp.ClientSession(running.url) as http:
        async with http.get("/healthz") as r:
            assert r.status == 200
        await asyncio.sleep(0)  # aiohttp logs after the response is written

    assert any(record.name == "aiohttp.access" and "/healthz" in record.getMessage()
               for record in caplog.records)


def test_log_level_and_format_come_from_the_environment() -> None:
    settings = load_settings({"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"})
    assert (settings.log_level, settings.log_format) == ("debug", "json")
    assert (load_settings({}).log_level, load_settings({}).log_format) == ("info", "text")


@pytest.mark.parametrize(("env", "key"), [
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
])
def test_an_unknown_log_level_or_format_is_named(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        load_settings(env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def started(tmp_path: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """`turnabout run` as `make run` starts it: a fresh SQLite file, no platform secrets."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "MICROSOFT_", "TEAMS_", "LOG_", "WEB_CHAT"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "PORT": str(port),
                "PYTHONPATH": str(ROOT), "TURNABOUT_CONFIG": str(ROOT / "app.yaml")})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        yield process, port
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_turnabout_run_ends_its_start_up_output_with_the_web_chat_address(
    started: tuple[asyncio.subprocess.Process, int],
) -> None:
    process, port = started
    assert process.stdout is not None
    url = f"http://127.0.0.1:{port}/"
    async with asyncio.timeout(60):
        while b"Open the web chat" not in (line := await process.stdout.readline()):
            assert line, "turnabout run exited before announcing the web chat"
    assert url in line.decode()
    async with aiohttp.ClientSession() as http:  # announced only once it answers
        for path in ("", "web/api/inbox?user=jo&after=0", "readyz"):
            async with http.get(url + path) as reply:
                assert reply.status == 200

    process.send_signal(signal.SIGINT)
    async with asyncio.timeout(30):
        rest = (await process.stdout.read()).decode()
        await process.wait()
    assert rest.strip() == ""  # polls, probes and shutdown add nothing after the address
