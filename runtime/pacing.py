"""Rate limits for delivery: a token bucket per workspace or tenant, spacing per conversation.

Pacing is about real throughput, so it uses the event loop's monotonic time, not the program
clock that tests move by days.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable


class TokenBucket:
    """`rate` sends per second on average, bursts up to `burst` after a quiet spell, and never
    more than `rate` sends in any one-second window: Slack counts its workspace cap over a
    sliding second, so a burst on top of a full second of sends would earn a 429 (and a 429
    the workspace's limit caused pauses every conversation). `pause` honours Retry-After."""

    def __init__(self, rate: float, burst: float, now: Callable[[], float]) -> None:
        self._rate, self._burst, self._now = rate, burst, now
        self._tokens, self._stamp, self._paused_until = burst, now(), 0.0
        self._per_second = max(1, int(rate))
        self._recent: deque[float] = deque()  # when the sends of the last second were let go
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        async with self._lock:  # first come, first served: waiting senders queue here
            while True:
                now = self._now()
                if now < self._paused_until:
                    await asyncio.sleep(self._paused_until - now)
                    continue
                while self._recent and self._recent[0] <= now - 1.0:
                    self._recent.popleft()
                if len(self._recent) >= self._per_second:
                    await asyncio.sleep(self._recent[0] + 1.0 - now)
                    # No tokens stored up while the window was full: they would all go out
                    # the moment it clears, as a burst every second, and a burst is what a
                    # little network jitter turns into a 429.
                    self._stamp = self._now()
                    continue
                self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    self._recent.append(now)
                    return
                await asyncio.sleep((1 - self._tokens) / self._rate)

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._now() + seconds)
        # Nothing accrues while paused: a burst the moment a Retry-After ends would be the
        # quickest way to the next 429.
        self._tokens = 0
        self._stamp = max(self._stamp, self._paused_until)


# Rate limits on this many different conversations of one workspace within WIDE_WINDOW
# seconds are the workspace's limit, not each conversation's.
WIDE_CONVERSATIONS = 3
WIDE_WINDOW = 1.0


class Pacer:
    """One bucket per (platform, tenant), and at most one send per conversation per interval."""

    def __init__(self, rates: dict[str, float], per_conversation_seconds: float,
                 now: Callable[[], float] | None = None) -> None:
        self._rates = rates
        self._gap = per_conversation_seconds
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._last_send: dict[str, float] = {}
        self._paused: dict[str, float] = {}  # conversation → loop time its Retry-After ends
        self._limited: dict[tuple[str, str], deque[tuple[float, str]]] = {}

    def rate_limited(self, platform: str, tenant_id: str, conversation: str, seconds: float, *,
                     one_conversation: bool) -> bool:
        """Honour a Retry-After: pause that conversation alone when the platform's limit may
        be just its own, else (or once several conversations are limited at once, which is
        the workspace's limit showing) the whole workspace. True when the workspace waits.

        Slack answers 429 to a chat.postMessage for the channel's limit (about one a second)
        and for the workspace's alike, without saying which. Pausing the workspace for every
        channel's 429 stopped every other conversation for a Retry-After of whole seconds;
        a channel's limit concerns that channel, while the workspace's shows up as 429s on
        several channels within a moment."""
        now = self._now()
        if one_conversation:
            recent = self._limited.setdefault((platform, tenant_id), deque())
            recent.append((now, conversation))
            while recent and recent[0][0] < now - WIDE_WINDOW:
                recent.popleft()
            if len({c for _, c in recent}) < WIDE_CONVERSATIONS:
                key = f"{platform}:{tenant_id}:{conversation}"
                self._paused[key] = max(self._paused.get(key, 0.0), now + seconds)
                return False
        self.bucket(platform, tenant_id).pause(seconds)
        return True

    def bucket(self, platform: str, tenant_id: str) -> TokenBucket:
        key = (platform, tenant_id)
        if key not in self._buckets:
            rate = self._rates.get(platform, 20.0)
            self._buckets[key] = TokenBucket(rate, max(1.0, rate / 4), self._now)
        return self._buckets[key]

    async def wait_turn(self, platform: str, tenant_id: str, conversation: str) -> None:
        key = f"{platform}:{tenant_id}:{conversation}"
        now = self._now()
        wait = max(self._last_send.get(key, -1e9) + self._gap, self._paused.get(key, 0.0)) - now
        self._last_send[key] = now + max(wait, 0.0)
        if wait > 0:
            await asyncio.sleep(wait)
        if self._paused.get(key, 1e18) <= self._now():
            del self._paused[key]
        await self.bucket(platform, tenant_id).take()


class Turns:
    """Turns at `rate` per second after a burst of `burst`, handed out ahead of time (the
    generic cell rate algorithm): a caller learns how far off its turn is, and has it, so a
    turn further off than a sender should wait is kept while the row waits in the outbox,
    rather than asked for again and again."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float]) -> None:
        self._gap, self._now = 1.0 / rate, now
        self._tolerance = (max(burst, 1) - 1) * self._gap
        self._due = now()  # the theoretical time of the next turn

    def take(self) -> float:
        """Seconds from now to the turn just taken."""
        now = self._now()
        turn = max(now, self._due - self._tolerance)
        self._due = max(self._due, now) + self._gap
        return turn - now

    def ahead(self) -> float:
        """Seconds from now to the next turn free to take (0 when one is free now)."""
        return max(0.0, self._due - self._tolerance - self._now())

    def pause(self, seconds: float) -> None:
        """A Retry-After: no turn before it ends, and no burst when it does."""
        self._due = max(self._due, self._now() + seconds + self._tolerance)


KEPT_LIMIT = 200_000  # kept turns before the stale ones are dropped
KEPT_STALE = 600.0  # seconds past a kept turn after which its row is another replica's
KEPT_CLAIMED = 100  # kept rows named in one claim, at most


class HomeViewPacing:
    """Home views (Slack's views.publish) keep to their own per-workspace limit, apart from
    posts: Slack limits each Web API method on its own (views.publish is Tier 4, about 100 a
    minute), so a thousand refreshed Home tabs never hold up a prompt, and a 429 on
    views.publish pauses only views. A view whose turn is further off than a sender may wait
    goes back to the outbox until its turn, which is kept for it here (per replica)."""

    def __init__(self, per_minute: float, burst: int,
                 now: Callable[[], float] | None = None) -> None:
        self._rate, self._burst = per_minute / 60.0, burst
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._turns: dict[tuple[str, str], Turns] = {}
        self._kept: dict[int, float] = {}  # outbox row id → the loop time of its kept turn

    def turn(self, platform: str, tenant_id: str, row_id: int) -> float:
        """Seconds until this row's view may be published; its turn is taken now, or is the
        one kept for it when it went back to the outbox."""
        kept = self._kept.pop(row_id, None)
        if kept is not None:
            return max(0.0, kept - self._now())
        return self._lane(platform, tenant_id).take()

    def keep(self, row_id: int, seconds: float) -> None:
        now = self._now()
        if len(self._kept) >= KEPT_LIMIT:
            # Turns of rows another replica sent meanwhile are never asked for here again.
            self._kept = {row: at for row, at in self._kept.items() if at > now - KEPT_STALE}
        self._kept[row_id] = now + seconds

    def rate_limited(self, platform: str, tenant_id: str, seconds: float) -> None:
        self._lane(platform, tenant_id).pause(seconds)

    def busy(self, within: float) -> frozenset[tuple[str, str]]:
        """(platform, tenant) lanes with no turn free within `within` seconds: a claim leaves
        their Home rows in the outbox, rather than take them only to give them back."""
        return frozenset(lane for lane, turns in self._turns.items() if turns.ahead() > within)

    def kept_due(self, within: float, most: int = KEPT_CLAIMED) -> frozenset[int]:
        """Rows given back whose kept turn comes within `within` seconds (or has come): a claim
        takes them even from a busy lane, since that turn is theirs."""
        soon = self._now() + within
        due = sorted((at, row) for row, at in self._kept.items()
                     if soon - KEPT_STALE < at <= soon)
        return frozenset(row for _, row in due[:most])

    def _lane(self, platform: str, tenant_id: str) -> Turns:
        key = (platform, tenant_id)
        if key not in self._turns:
            self._turns[key] = Turns(self._rate, self._burst, self._now)
        return self._turns[key]
