"""Benchmark of Slack slash commands under a flood: acks and replies of the real service,
against an anchor (a bare slack-bolt app that only acks) loaded the same way in the same run.

    .venv/bin/python bench/slack_flood.py [--database sqlite|postgres] [--commands 2000]
        [--concurrency 50] [--rounds 3] [--people 2000]

It seeds a fresh database with --people live Slack participants in pairs (bench/_fanout_seed.py),
starts two server processes (bench/_slack_flood_server.py): the real service (aiohttp +
slack-bolt, signature checks, the flows, SQLite or PostgreSQL) and the anchor, both talking to
a fake Slack Web API in this process. Then, round after round and alternating between the two,
it sends --commands signed `/mentoring` commands from --concurrency connections at once (each
sends its next as soon as the last was acked), for two mixes: all `status`, and `status` and
`help` taken turn about. Per round and server it prints the ack latency (p50, p99); for ours
also when every reply was complete (in the ack body, or posted to the response_url), the
database transactions per command, and every Web API call the fake Slack received.

The machine this runs on is shared and noisy, so each round's figures for ours are divided by
the anchor's in the neighbouring round: the ratios hold where the absolute times do not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _fanout_seed as seeding
from core.calendar import iso_week
from features.engagement.prompts import FIRST_MEETING
from storage.migrate import upgrade
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import FORM, signature_headers, slash_command

SERVER = Path(__file__).with_name("_slack_flood_server.py")
TIMEZONES = ("America/New_York", "Europe/London", "Asia/Kolkata")
MIXES = {"status": ("status",), "status+help": ("status", "help")}
WARM_UP = 60
REPLY_WAIT = 180.0  # seconds the last replies may take after the last ack (a slow machine)
SORRY = "Sorry, something went wrong"


class StampedSlack(FakeSlack):
    """The fake Slack, noting when each response_url post arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: dict[str, float] = {}
        self.arrived = asyncio.Event()

    async def _response_url(self, request: web.Request) -> web.Response:
        answer = await super()._response_url(request)
        self.answered.setdefault(request.match_info["key"], time.perf_counter())
        self.arrived.set()
        return answer

    async def until_answered(self, keys: list[str]) -> None:
        """Until every key got its response_url post; wrap in asyncio.timeout()."""
        while any(k not in self.answered for k in keys):
            self.arrived.clear()
            await self.arrived.wait()


@dataclass
class Round:
    mode: str
    mix: str
    acks: list[float] = field(default_factory=list)  # seconds, one per command
    wall: float = 0.0  # first command sent → last reply complete (ours) or last ack (anchor)
    in_ack: int = 0  # replies that rode on the ack body
    by_url: int = 0  # replies posted to the response_url
    missing: int = 0  # commands without a reply when the wait ended
    sorry: int = 0  # replies that were an apology: the flow failed (a timeout, a locked database)
    begins: int = 0
    commits: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)

    def p(self, q: float) -> float:
        ordered = sorted(self.acks)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def replies_per_second(self) -> float:
        return (len(self.acks) - self.missing) / self.wall if self.wall else 0.0


@dataclass
class Server:
    mode: str
    process: asyncio.subprocess.Process
    url: str

    async def stats(self, http: aiohttp.ClientSession) -> dict[str, int]:
        async with http.get(f"{self.url}/bench/stats") as response:
            return dict(await response.json())


async def start(mode: str, database_url: str, slack_url: str, log: Path,
                profile: str | None = None) -> Server:
    extra = ["--profile", profile] if profile and mode == "ours" else []
    with log.open("ab") as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SERVER), "--mode", mode, "--url", database_url,
            "--slack-url", slack_url, *extra, stdout=asyncio.subprocess.PIPE, stderr=errors)
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if not line:
        raise SystemExit(f"the {mode} server did not start; see {log}")
    return Server(mode, process, f"http://127.0.0.1:{json.loads(line)['port']}")


def bodies(slack: FakeSlack, texts: tuple[str, ...], count: int, people: int,
           tag: str) -> list[tuple[str, str]]:
    """(reply key, signed form body) per command, each from the next person in turn."""
    made = []
    for n in range(count):
        person = n % people
        user = f"UM{person // 2 + 1}" if person % 2 == 0 else f"US{person // 2 + 1}"
        key = f"{tag}-{n}"
        made.append((key, slash_command(texts[n % len(texts)], user=user,
                                        trigger_id=f"trigger-{key}",
                                        response_url=slack.response_url(key))))
    return made


async def flood(http: aiohttp.ClientSession, server: Server, slack: StampedSlack,
                commands: list[tuple[str, str]], concurrency: int, mix: str,
                reply_wait: float) -> Round:
    result = Round(server.mode, mix)
    before = await server.stats(http)
    calls_before = len(slack.calls)
    acked: dict[str, tuple[float, str]] = {}
    queue = iter(commands)
    started = time.perf_counter()

    async def worker() -> None:
        for key, body in queue:
            headers = {"Content-Type": FORM, **signature_headers(body)}
            sent = time.perf_counter()
            async with http.post(f"{server.url}/slack/events", data=body,
                                 headers=headers) as response:
                text = await response.text()
                result.statuses[response.status] += 1
            done = time.perf_counter()
            result.acks.append(done - sent)
            acked[key] = (done, text)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    last_ack = time.perf_counter()
    if server.mode == "bare":
        result.wall = last_ack - started
    else:
        waiting = [k for k, (_, text) in acked.items() if not _answers(text)]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(reply_wait):
                await slack.until_answered(waiting)
        finished = [acked[k][0] for k in acked if k not in waiting]
        finished += [slack.answered[k] for k in waiting if k in slack.answered]
        result.in_ack = len(acked) - len(waiting)
        result.by_url = sum(1 for k in waiting if k in slack.answered)
        result.missing = len(acked) - len(finished)
        result.wall = max(finished, default=last_ack) - started
    await asyncio.sleep(0.5)  # let stragglers (deliveries, marks) finish before counting
    after = await server.stats(http)
    result.begins = after["begin"] - before["begin"]
    result.commits = after["commit"] - before["commit"]
    result.calls = Counter(c.method for c in slack.calls[calls_before:])
    said = [text for _, text in acked.values()]
    said += [str(c.args.get("text")) for c in slack.calls[calls_before:] if c.method == "response"]
    result.sorry = sum(1 for text in said if SORRY in text)
    return result


def _answers(ack_body: str) -> bool:
    """Whether the ack carried the reply (bolt answers an empty ack with an empty body)."""
    if not ack_body.strip():
        return False
    try:
        body = json.loads(ack_body)
    except ValueError:
        return bool(ack_body.strip())
    return isinstance(body, dict) and bool(body.get("text") or body.get("blocks"))


def line(r: Round, n: int) -> str:
    text = f"    {r.mode:<5} ack p50 {r.p(0.5):7.1f} ms  p99 {r.p(0.99):7.1f} ms"
    if r.mode == "bare":
        return text + f"  ({r.replies_per_second:6.0f} acks/s)"
    calls = ", ".join(f"{m} {c / n:.2f}" for m, c in sorted(r.calls.items()))
    return (text + f"  replies {r.replies_per_second:6.0f}/s ({r.in_ack} in the ack, "
            f"{r.by_url} by response_url, {r.missing} missing, {r.sorry} apologies)  transactions/command: "
            f"{r.begins / n:.2f} begun, {r.commits / n:.2f} committed  Web API calls/command: "
            f"{calls or 'none'}" + ("" if set(r.statuses) == {200} else f"  HTTP {dict(r.statuses)}"))


async def run(args: argparse.Namespace, url: str, log: Path) -> bool:
    ok = True
    async with StampedSlack() as slack:
        slack.record_calls = True
        servers = [await start("ours", url, slack.url, log, args.profile),
                   await start("bare", url, slack.url, log)]
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                for server in servers:  # connections, bolt's auth.test, imports
                    await flood(http, server, slack, bodies(slack, ("status",), WARM_UP,
                                                            args.people, f"warm-{server.mode}"),
                                args.concurrency, "warm", 30)
                for mix, texts in MIXES.items():
                    if args.mix and mix not in args.mix:
                        continue
                    print(f"{mix}: {args.commands} commands, {args.concurrency} at once")
                    rounds: list[tuple[Round, Round]] = []
                    for n in range(args.rounds):
                        order = servers if n % 2 == 0 else servers[::-1]
                        done = {}
                        for server in order:
                            commands = bodies(slack, texts, args.commands, args.people,
                                              f"{mix}-{n}-{server.mode}")
                            done[server.mode] = await flood(http, server, slack, commands,
                                                            args.concurrency, mix, REPLY_WAIT)
                            print(line(done[server.mode], args.commands), flush=True)
                        rounds.append((done["ours"], done["bare"]))
                    ok &= summary(mix, rounds)
        finally:
            for server in servers:
                server.process.terminate()
                await server.process.wait()
    return ok


def summary(mix: str, rounds: list[tuple[Round, Round]]) -> bool:
    p50 = statistics.median(o.p(0.5) / b.p(0.5) for o, b in rounds)
    p99 = statistics.median(o.p(0.99) / b.p(0.99) for o, b in rounds)
    replies = statistics.median(o.replies_per_second for o, _ in rounds)
    missing = sum(o.missing for o, _ in rounds)
    sorry = sum(o.sorry for o, _ in rounds)
    print(f"  {mix}, median of {len(rounds)} rounds: ack p50 {p50:.2f}x bare bolt "
          f"(target <= 1.5), p99 {p99:.2f}x (target <= 2); replies {replies:.0f}/s "
          f"(target >= 500); {missing} replies missing, {sorry} apologies (failed commands)")
    return missing == sorry == 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", type=int, default=2000, help="participants (even)")
    parser.add_argument("--profile", metavar="PATH",
                        help="cProfile our server (not the anchor) into PATH (pstats format)")
    parser.add_argument("--mix", choices=tuple(MIXES), action="append",
                        help="only this mix (repeatable); default: all")
    args = parser.parse_args()
    at = datetime.now(UTC) - timedelta(days=1)
    print(f"Slack flood benchmark on {args.database}: {args.people} participants in pairs; "
          f"ours alternates with a bare slack-bolt app that only acks")
    with tempfile.TemporaryDirectory() as directory, \
            seeding.database(args.database, Path(directory)) as url:
        await asyncio.to_thread(upgrade, url)
        seeding.seed(url, args.people // 2, TIMEZONES, at,
                     iso_week((at - timedelta(days=7)).date()), FIRST_MEETING)
        log = Path(directory) / "servers.log"
        ok = await run(args, url, log)
        lines = log.read_text().splitlines()
        problems = [n for n, ln in enumerate(lines) if " ERROR " in ln]
        if problems:
            first = [ln for ln in lines[problems[0]:problems[0] + 120] if not ln.startswith(" ")][:6]
            print(f"server errors: {len(problems)}; the first:", *first, sep="\n  ")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
