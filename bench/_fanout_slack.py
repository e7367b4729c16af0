"""The fake Slack of bench/fanout.py: tests/support/fake_slack.py with views.publish held to
its own per-minute cap (Tier 4, apart from chat.postMessage's), a few conversations answering
one 429 of their own, and the time of everything it accepted, for rates seen from Slack's side.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.fake_slack import FakeSlack, Payload

# Slack's Tier 4 allows "generous bursts"; the product bursts at most HOME_VIEWS_BURST (10).
VIEWS_BURST = 20


@dataclass
class Stall:
    """A conversation that answers its first post with 429 (its own limit, not the workspace's)."""

    retry_after: int
    answered_at: float = 0.0  # monotonic time of the 429
    posted_at: float = 0.0  # monotonic time of the post that went through afterwards


@dataclass
class Seen:
    post_times: list[float] = field(default_factory=list)
    view_times: list[float] = field(default_factory=list)
    views_limited: int = 0  # 429s answered to views.publish
    stalls: dict[str, Stall] = field(default_factory=dict)


class BenchSlack(FakeSlack):
    def __init__(self, *, views_per_minute: float, stalls: dict[str, int], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.seen = Seen(stalls={c: Stall(after) for c, after in stalls.items()})
        self._views_rate = views_per_minute / 60.0
        self._views_tokens, self._views_stamp = float(VIEWS_BURST), time.monotonic()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "views.publish":
            wait = self._views_wait()
            if wait is not None:
                self.seen.views_limited += 1
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(wait)})
        elif method == "chat.postMessage" and self.seen.stalls:
            # aiohttp keeps the body it read, so the fake's own handler reads it again.
            stall = self.seen.stalls.get(str((await request.json()).get("channel")))
            if stall is not None and not stall.answered_at:
                stall.answered_at = time.monotonic()
                self.rate_limited += 1
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(stall.retry_after)})
        return await super()._api(request)

    def _views_wait(self) -> int | None:
        """A token bucket: views_per_minute on average, VIEWS_BURST at once after a lull."""
        now = time.monotonic()
        self._views_tokens = min(float(VIEWS_BURST),
                                 self._views_tokens + (now - self._views_stamp) * self._views_rate)
        self._views_stamp = now
        if self._views_tokens >= 1:
            self._views_tokens -= 1
            return None
        return max(1, int((1 - self._views_tokens) / self._views_rate + 0.999))

    def _views_publish(self, args: Payload) -> Payload:
        answer = super()._views_publish(args)
        if answer.get("ok"):
            self.seen.view_times.append(time.monotonic())
        return answer

    def _accepted(self, channel: str, ts: str, args: Payload) -> None:
        now = time.monotonic()
        self.seen.post_times.append(now)
        stall = self.seen.stalls.get(channel)
        if stall is not None and not stall.posted_at:
            stall.posted_at = now
        super()._accepted(channel, ts, args)
