"""The worker process a matching round runs in, and the fork server it comes from, end with the
service: `turnabout run` stopped by its process manager (SIGTERM) or killed outright leaves no
process of its own behind, even when the worker is busy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
import uuid
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.config import load_program
from core.clock import FrozenClock
from storage.database import Database
from tests.support import databases
from tests.support.round_people import enrol
from tests.support.world import World

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every living process under `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (state := _stat(int(entry.name))) is not None:
            children.setdefault(state[1], []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid), or None once the process is gone (a zombie counts as gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else (fields[0], int(fields[1]))


async def enrolled(database_url: str) -> None:
    database = Database(database_url)
    try:
        await enrol(World(database, load_program(ROOT / "app.yaml"),
                          FrozenClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))))
    finally:
        await database.dispose()


async def preview_arrived(http: aiohttp.ClientSession, url: str) -> None:
    async with asyncio.timeout(90):
        while True:
            async with http.get(f"{url}web/api/inbox", params={"user": "ada",
                                                               "after": "0"}) as reply:
                if "Matching round #1: preview" in await reply.text():
                    return
            await asyncio.sleep(0.2)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
async def test_no_worker_outlives_the_service(
    stop: signal.Signals, sqlite_template: Path, tmp_path: Path,
) -> None:
    database_url = databases.fresh_sqlite(sqlite_template, tmp_path)
    await enrolled(database_url)
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "MICROSOFT_", "TEAMS_", "LOG_", "WEB_CHAT"))}
    env.update({"DATABASE_URL": database_url, "PORT": str(port), "PYTHONPATH": str(ROOT),
                "TURNABOUT_CONFIG": str(ROOT / "app.yaml")})
    service = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        assert service.stdout is not None
        async with asyncio.timeout(60):
            while b"Open the web chat" not in (line := await service.stdout.readline()):
                assert line, "turnabout run exited before announcing the web chat"
        url = f"http://127.0.0.1:{port}/"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{url}web/api/events", json={
                    "user": "ada", "command": "admin match",
                    "request_id": str(uuid.uuid4())}) as reply:
                assert reply.status == 200, await reply.text()
            await preview_arrived(http, url)
        started = descendants(service.pid)
        assert len(started) >= 2  # the fork server and the worker it forked, at least

        service.send_signal(stop)
        async with asyncio.timeout(30):
            await service.stdout.read()
            await service.wait()
        left = started
        for _ in range(150):  # orphans end within moments; poll /proc for up to 15 s
            if not (left := {pid for pid in left if _stat(pid) is not None}):
                break
            await asyncio.sleep(0.1)
        assert not left, f"still running after the service ended: {sorted(left)}"
    finally:
        if service.returncode is None:
            service.kill()
            await service.wait()


async def test_stopping_ends_a_worker_in_the_middle_of_its_work(world: World) -> None:
    """Shutting the executor down alone would wait for the call to finish (a large round takes
    a minute): the service's shutdown ends the worker at once instead."""
    pid = await world.tasks.start_worker()
    busy = asyncio.create_task(world.tasks.offload(time.sleep, 120))
    await asyncio.sleep(0.5)  # the call has reached the worker
    started = time.perf_counter()
    await world.tasks.close()
    assert time.perf_counter() - started < 10
    assert _stat(pid) is None
    with contextlib.suppress(BrokenProcessPool, asyncio.CancelledError):
        await busy
