"""A fake Slack Web API on loopback: answers like Slack, records every call, fails on demand.

It is strict where Slack is strict (Block Kit limits, tokens, trigger ids), so a payload the
real Slack would refuse fails here too; `assert_block_kit_limits` checks recorded payloads.

With `RateLimits` it also limits chat.postMessage the way Slack does (about one message per
second per channel, and a workspace-wide cap over a sliding second), answering 429 with a
whole-second Retry-After beyond them. Every accepted post is kept in `posts` under a key
naming the logical message, so a test can count duplicates and losses. The bot sends no
outbox key to Slack, so by default that key is what a person would notice twice: the same
text in the same conversation; a test that knows better passes `key_of`.

It has no conversations.history or conversations.replies: the bot reads no conversation.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

TOKEN = "xoxb-test"
TEAM_ID = "T0TEST"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
DEFAULT_TIMEZONE = "America/Los_Angeles"
JSON_ARGS = ("blocks", "view", "attachments", "metadata")  # form-encoded calls send these as JSON strings
Payload = dict[str, Any]


@dataclass(frozen=True)
class Call:
    method: str  # a Web API method, or "response" for a response_url post
    args: Payload
    token: str = ""  # the bot token it came with


@dataclass(frozen=True)
class Workspace:
    """Where a bot token belongs: a workspace, or a whole Grid organisation (org-wide)."""

    team_id: str | None
    enterprise_id: str | None = None
    org_wide: bool = False
    name: str = "Fake Co"
    expires_in: int | None = None  # token rotation on: tokens expire, with a refresh token


@dataclass(frozen=True)
class Failure:
    error: str
    status: int
    retry_after: float | None


@dataclass(frozen=True)
class RateLimits:
    """chat.postMessage limits. Slack publishes ~1/s per channel and keeps the workspace cap
    to itself; `per_second` stands in for it. A storm answers 429 (Retry-After `storm_retry_after`)
    to the `storm_size` calls after every `storm_every` accepted posts, like a Slack hiccup."""

    per_second: int = 100
    per_channel_seconds: float = 1.0
    storm_every: int = 0
    storm_size: int = 0
    storm_retry_after: int = 1


@dataclass(frozen=True)
class Post:
    """A chat.postMessage Slack accepted."""

    channel: str
    ts: str
    key: str | None  # the logical message it carries (see FakeSlack.key_of)


def same_text_in_same_channel(args: Payload) -> str | None:
    return f"{args.get('channel')}:{args.get('text')}"


class FakeSlack:
    def __init__(self, token: str = TOKEN, *, rate_limits: RateLimits | None = None,
                 record_calls: bool = True,
                 on_post: Callable[[Post], None] | None = None,
                 key_of: Callable[[Payload], str | None] = same_text_in_same_channel,
                 enterprise_id: str | None = None) -> None:
        self.token = token
        self.key_of = key_of
        self.enterprise_id = enterprise_id  # the Enterprise Grid org the workspace is in
        self.rate_limits = rate_limits
        # A benchmark posting 10,000 messages can skip keeping every call's arguments.
        self.record_calls = record_calls
        self.on_post = on_post  # called as each post is accepted, before Slack answers
        self.posts: list[Post] = []
        self.rate_limited = 0  # 429s answered, forced or earned
        self._window: deque[float] = deque()  # monotonic times of posts in the last second
        self._last_post: dict[str, float] = {}  # channel → monotonic time of its last post
        self._storm_left = 0
        self._hold_after: int | None = None  # answer no post beyond this many (see hold_answers_after)
        self._release = asyncio.Event()
        self.calls: list[Call] = []
        # Every bot token Slack would accept, and where it belongs; OAuth installs add more.
        self.tokens: dict[str, Workspace] = {token: Workspace(TEAM_ID, enterprise_id)}
        self._codes: dict[str, Workspace] = {}
        # Token rotation: each refresh token, where it belongs and the access token it gave;
        # a refresh retires both (the strictest reading of Slack's rotation).
        self._refresh: dict[str, tuple[Workspace, str]] = {}
        self.refreshed_expires_in = 43_200  # Slack's rotating tokens last 12 hours
        self._caller = self.tokens[token]  # OAuth codes Slack handed out, not yet used
        self.client_id, self.client_secret = "client-id", "client-secret"
        self.timezones: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.emails: dict[str, str] = {}  # profile.email, sent only where one is set
        self.missing_users: set[str] = set()
        self.known_triggers: set[str] | None = None  # None: any non-empty trigger id works
        self.stale_hashes: set[str] = set()  # views.update with one of these: hash_conflict
        self._failures: dict[str, list[Failure]] = {}
        self._conversation_limits: dict[tuple[str, ...], list[Failure]] = {}
        self._groups: dict[tuple[str, ...], str] = {}
        self.history: dict[str, list[Payload]] = {}  # channel → posted messages, newest last
        self.homes: dict[str, Payload] = {}  # user → the Home tab view last published for them
        self._serial = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._recorded = asyncio.Condition()
        self.url = ""

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.release_answers()  # held handlers would otherwise hold up the server's shutdown
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests use -------------------------------------------------------------------

    def response_url(self, key: str) -> str:
        return f"{self.url}/response/{key}"

    def fail_next(self, method: str, times: int = 1, *, error: str = "ratelimited",
                  retry_after: float | None = 1.0) -> None:
        """Fail the next `times` calls of `method`: 429 + Retry-After for ratelimited."""
        status = 429 if error == "ratelimited" else 200
        self._failures.setdefault(method, []).extend(
            [Failure(error, status, retry_after if status == 429 else None)] * times)

    def will_install(self, code: str, team_id: str | None, *, enterprise_id: str | None = None,
                     org_wide: bool = False, name: str = "Fake Co",
                     expires_in: int | None = None) -> None:
        """An admin approved the install in Slack: `code` comes back to /slack/oauth_redirect.
        With `expires_in` the app has token rotation on: the bot token expires that many
        seconds later and comes with a refresh token."""
        self._codes[code] = Workspace(team_id, enterprise_id, org_wide, name, expires_in)

    def token_of(self, team_or_org: str) -> str:
        return next(t for t, w in self.tokens.items()
                    if team_or_org in (w.team_id, w.enterprise_id))

    def revoke(self, token: str) -> None:
        self.tokens.pop(token, None)

    def calls_with(self, token: str, method: str) -> list[Payload]:
        return [c.args for c in self.calls if c.method == method and c.token == token]

    def limit_posts_between(self, users: Iterable[str], retry_after: float,
                            times: int = 1) -> None:
        """Answer 429 (Retry-After) to the next `times` posts into the DM or group DM of
        `users`: that one conversation rate-limited, as Slack's ~1 post/s per channel is."""
        self._conversation_limits[tuple(sorted(users))] = [
            Failure("ratelimited", 429, retry_after)] * times

    def calls_to(self, method: str) -> list[Payload]:
        return [c.args for c in self.calls if c.method == method]

    def members(self, channel: str) -> tuple[str, ...]:
        """Who is in a conversation conversations.open gave out: a DM's person, a group's."""
        if channel.startswith("D"):
            return (channel[1:],)
        return next((users for users, group in self._groups.items() if group == channel), ())

    def responses(self, key: str | None = None) -> list[Payload]:
        return [c.args for c in self.calls
                if c.method == "response" and (key is None or c.args.get("key") == key)]

    async def wait_for(self, method: str, count: int = 1) -> list[Payload]:
        """Until `method` was called `count` times; wrap in asyncio.timeout()."""
        async with self._recorded:
            await self._recorded.wait_for(lambda: len(self.calls_to(method)) >= count)
        return self.calls_to(method)

    async def shown_from_ack(self, response_url: str, ack: object) -> None:
        """A slash command's ack body with a message in it: Slack shows it to the person just
        as it shows an ephemeral response_url post, so it is recorded as one (`via` "ack")."""
        prefix = f"{self.url}/response/"
        if not (isinstance(ack, dict) and (ack.get("text") or ack.get("blocks"))
                and response_url.startswith(prefix)):
            return
        await self._record(Call("response", {"key": response_url.removeprefix(prefix),
                                             **ack, "via": "ack"}))

    async def _record(self, call: Call) -> None:
        if not self.record_calls:
            return
        async with self._recorded:
            self.calls.append(call)
            self._recorded.notify_all()

    def hold_answers_after(self, posts: int) -> None:
        """Accept every chat.postMessage but answer none beyond the first `posts` until
        `release_answers()`: Slack has the message and the sender never hears back, as when
        a dispatcher dies between the post and recording it as sent."""
        self._hold_after = posts
        self._release.clear()

    def release_answers(self) -> None:
        self._hold_after = None
        self._release.set()

    def add_channels(self, channels: Iterable[str]) -> None:
        """Conversations opened before this fake started (a seeded database caches their ids)."""
        for channel in channels:
            self.history.setdefault(channel, [])

    def posted_keys(self) -> Counter[str]:
        """How many times each logical message was posted (accepted by Slack)."""
        return Counter(p.key for p in self.posts if p.key is not None)

    def duplicates(self) -> int:
        """Posts beyond the first for each logical message."""
        return sum(n - 1 for n in self.posted_keys().values())

    def lost(self, expected: Iterable[str]) -> int:
        """Expected logical messages that never reached Slack."""
        posted = self.posted_keys()
        return sum(1 for key in set(expected) if key not in posted)

    def payloads(self) -> list[Payload]:
        """Every message and view the bot sent, for limit checks."""
        found: list[Payload] = []
        for call in self.calls:
            if call.method in ("chat.postMessage", "chat.postEphemeral", "chat.update",
                               "response"):
                found.append(call.args)
            elif call.method in ("views.open", "views.update", "views.publish") \
                    and isinstance(call.args.get("view"), dict):
                found.append(call.args["view"])
        return found

    # --- the HTTP side ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: Payload = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(parse_qsl(await request.text(), keep_blank_values=True))
        for name in JSON_ARGS:
            if isinstance(args.get(name), str):
                args[name] = json.loads(args[name])
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        token = bearer or str(args.get("token") or "")
        await self._record(Call(method, args, token))
        if method == "oauth.v2.access":  # the app's client id and secret, no bot token
            return web.json_response(self._oauth_v2_access(args, request))
        if token not in self.tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        self._caller = self.tokens[token]  # handlers below run without awaiting: safe
        failures = self._failures.get(method)
        if method == "chat.postMessage" and not failures:
            failures = self._conversation_limits.get(
                tuple(sorted(self.members(str(args.get("channel") or "")))))
        if failures:
            failure = failures.pop(0)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            if failure.status == 429:
                self.rate_limited += 1
            return web.json_response({"ok": False, "error": failure.error},
                                     status=failure.status, headers=headers)
        if method == "chat.postMessage" and self.rate_limits is not None:
            wait = self._post_wait(str(args.get("channel") or ""))
            if wait is not None:
                self.rate_limited += 1
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(wait)})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        answer = handler(args)
        if method == "chat.postMessage" and answer.get("ok") and self._hold_after is not None \
                and len(self.posts) > self._hold_after:
            await self._release.wait()
        return web.json_response(answer)

    def _post_wait(self, channel: str) -> int | None:
        """Whole seconds to wait before this post may go through, or None when it may now.
        No await between this check and the post's record, so the limits hold exactly."""
        limits = self.rate_limits
        assert limits is not None
        if self._storm_left > 0:
            self._storm_left -= 1
            return limits.storm_retry_after
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        last = self._last_post.get(channel)
        if last is not None and now - last < limits.per_channel_seconds:
            return max(1, math.ceil(last + limits.per_channel_seconds - now))
        if len(self._window) >= limits.per_second:
            return max(1, math.ceil(self._window[0] + 1.0 - now))
        return None

    def _accepted(self, channel: str, ts: str, args: Payload) -> None:
        post = Post(channel, ts, self.key_of(args))
        self.posts.append(post)
        if self.rate_limits is not None:
            now = time.monotonic()
            self._window.append(now)
            self._last_post[channel] = now
            every = self.rate_limits.storm_every
            if every and len(self.posts) % every == 0:
                self._storm_left = self.rate_limits.storm_size
        if self.on_post is not None:
            self.on_post(post)

    async def _response_url(self, request: web.Request) -> web.Response:
        payload = await request.json()
        await self._record(Call("response", {"key": request.match_info["key"], **payload}))
        problems = block_kit_problems(payload.get("blocks") or [], 50)
        return web.Response(status=400 if problems else 200,
                            text="invalid_blocks" if problems else "ok")

    def _oauth_v2_access(self, args: Payload, request: web.Request) -> Payload:
        import base64

        basic = request.headers.get("Authorization", "").removeprefix("Basic ")
        pair = base64.b64decode(basic).decode() if basic else \
            f"{args.get('client_id')}:{args.get('client_secret')}"
        if pair != f"{self.client_id}:{self.client_secret}":
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            return self._refreshed(str(args.get("refresh_token") or ""))
        where = self._codes.pop(str(args.get("code") or ""), None)
        if where is None:
            return {"ok": False, "error": "invalid_code"}
        team = None if where.org_wide else {"id": where.team_id, "name": where.name}
        enterprise = {"id": where.enterprise_id, "name": "Org"} if where.enterprise_id else None
        return {"ok": True, **self._new_token(where, where.expires_in),
                "scope": "commands,chat:write", "bot_user_id": BOT_USER_ID, "app_id": "A0TEST",
                "team": team, "enterprise": enterprise, "is_enterprise_install": where.org_wide,
                "authed_user": {"id": "UINSTALLER"}}

    def _new_token(self, where: Workspace, expires_in: int | None) -> Payload:
        serial = next(self._serial)
        if expires_in is None:
            token = f"xoxb-{where.team_id or where.enterprise_id}-{serial}"
            self.tokens[token] = where
            return {"access_token": token, "token_type": "bot"}
        # Rotating tokens are long: encrypted, they outgrow a 200-character column.
        token = f"xoxe.xoxb-1-{where.team_id or where.enterprise_id}-{serial}-" + "x" * 120
        refresh = f"xoxe-1-{where.team_id or where.enterprise_id}-{serial}-" + "r" * 120
        self.tokens[token] = where
        self._refresh[refresh] = (where, token)
        return {"access_token": token, "token_type": "bot", "refresh_token": refresh,
                "expires_in": expires_in}

    def _refreshed(self, refresh: str) -> Payload:
        found = self._refresh.pop(refresh, None)
        if found is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        where, old = found
        self.revoke(old)
        return {"ok": True, **self._new_token(where, self.refreshed_expires_in),
                "scope": "commands,chat:write", "bot_user_id": BOT_USER_ID, "app_id": "A0TEST",
                "team": {"id": where.team_id, "name": where.name} if where.team_id else None,
                "enterprise": {"id": where.enterprise_id} if where.enterprise_id else None,
                "is_enterprise_install": where.org_wide}

    def refreshes(self) -> list[Payload]:
        """oauth.v2.access calls that refreshed a rotating token."""
        return [c for c in self.calls_to("oauth.v2.access")
                if c.get("grant_type") == "refresh_token"]

    def _auth_test(self, args: Payload) -> Payload:
        where = self._caller
        answer = {"ok": True, "team": where.name, "team_id": where.team_id,
                  "user": "turnabout", "user_id": BOT_USER_ID, "bot_id": BOT_ID,
                  "url": "https://fake.slack.com/", "is_enterprise_install": where.org_wide}
        return answer | ({"enterprise_id": where.enterprise_id} if where.enterprise_id else {})

    def _team_info(self, args: Payload) -> Payload:
        where = self._caller
        team = str(args.get("team") or where.team_id or "")
        return {"ok": True, "team": {"id": team, "name": where.name, "domain": "fake",
                                     **({"enterprise_id": where.enterprise_id}
                                        if where.enterprise_id else {})}}

    def _users_info(self, args: Payload) -> Payload:
        user = str(args.get("user", ""))
        if not user or user in self.missing_users:
            return {"ok": False, "error": "user_not_found"}
        name = self.names.get(user, f"Person {user}")
        return {"ok": True, "user": {
            "id": user, "team_id": TEAM_ID, "name": name.lower().replace(" ", "."),
            "real_name": name, "tz": self.timezones.get(user, DEFAULT_TIMEZONE),
            "profile": {"real_name": name, "display_name": name,
                        **({"email": self.emails[user]} if user in self.emails else {})}}}

    def _conversations_open(self, args: Payload) -> Payload:
        users = tuple(u for u in str(args.get("users", "")).split(",") if u)
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        if len(users) > 8:
            return {"ok": False, "error": "too_many_users"}
        if any(u in self.missing_users for u in users):
            return {"ok": False, "error": "user_not_found"}
        if len(users) == 1:
            channel = f"D{users[0]}"
        else:
            channel = self._groups.setdefault(tuple(sorted(users)), f"G{len(self._groups) + 1:05d}")
        self.history.setdefault(channel, [])  # an open conversation has a (maybe empty) history
        return {"ok": True, "channel": {"id": channel}}

    def _message(self, args: Payload) -> Payload | None:
        """The error answer for a message Slack would refuse, else None."""
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if len(str(args.get("text") or "")) > 40_000:
            return {"ok": False, "error": "msg_too_long"}
        problems = block_kit_problems(args.get("blocks") or [], 50)
        return {"ok": False, "error": "invalid_blocks", "errors": problems} if problems else None

    def _ts(self) -> str:
        return f"1790000000.{next(self._serial):06d}"

    def _chat_postMessage(self, args: Payload) -> Payload:
        refused = self._message(args)
        if refused:
            return refused
        posted = {"ts": self._ts(), "text": args.get("text", "")}
        self.history.setdefault(str(args["channel"]), []).append(posted)
        self._accepted(str(args["channel"]), posted["ts"], args)
        return {"ok": True, "channel": args["channel"], "ts": posted["ts"]}

    def _chat_postEphemeral(self, args: Payload) -> Payload:
        return self._message(args) or {"ok": True, "message_ts": self._ts()}

    def _chat_update(self, args: Payload) -> Payload:
        return self._message(args) or {"ok": True, "channel": args["channel"], "ts": args["ts"]}

    def _views_publish(self, args: Payload) -> Payload:
        user = str(args.get("user_id") or "")
        if not user or user in self.missing_users:
            return {"ok": False, "error": "invalid_arguments"}
        view = args.get("view")
        problems = home_problems(view) if isinstance(view, dict) else ["no view"]
        if problems:
            return {"ok": False, "error": "invalid_arguments", "errors": problems}
        serial = next(self._serial)
        self.homes[user] = view  # type: ignore[assignment]
        return {"ok": True, "view": {**view, "id": f"V{serial:06d}", "hash": f"h{serial}",  # type: ignore[dict-item]
                                     "team_id": TEAM_ID, "state": {"values": {}}}}

    def _views_open(self, args: Payload) -> Payload:
        trigger = str(args.get("trigger_id") or "")
        if not trigger or (self.known_triggers is not None and trigger not in self.known_triggers):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = args.get("view")
        problems = view_problems(view) if isinstance(view, dict) else ["no view"]
        if problems:
            return {"ok": False, "error": "invalid_arguments", "errors": problems}
        serial = next(self._serial)
        return {"ok": True, "view": {**view, "id": f"V{serial:06d}", "hash": f"h{serial}",  # type: ignore[dict-item]
                                     "state": {"values": {}}}}

    def _views_update(self, args: Payload) -> Payload:
        """A modal redrawn: by its id, and (when given) only if its hash is the latest."""
        view_id, view = str(args.get("view_id") or ""), args.get("view")
        if not view_id.startswith("V"):
            return {"ok": False, "error": "not_found"}
        if args.get("hash") and args["hash"] in self.stale_hashes:
            return {"ok": False, "error": "hash_conflict"}
        problems = view_problems(view) if isinstance(view, dict) else ["no view"]
        if problems:
            return {"ok": False, "error": "invalid_arguments", "errors": problems}
        serial = next(self._serial)
        return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{serial}",  # type: ignore[dict-item]
                                     "state": {"values": {}}}}


# --- Block Kit limits ------------------------------------------------------------------------

def _text(obj: object) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _element_problems(element: Payload, where: str) -> list[str]:
    problems: list[str] = []
    kind = element.get("type")
    options = element.get("options") or []
    limit = {"radio_buttons": 10, "checkboxes": 10, "static_select": 100,
             "multi_static_select": 100}.get(str(kind))
    if limit is not None and not 0 < len(options) <= limit:
        problems.append(f"{where}: {kind} has {len(options)} options (1..{limit})")
    for option in options:
        if len(_text(option.get("text"))) > 75 or len(str(option.get("value", ""))) > 150:
            problems.append(f"{where}: option text over 75 or value over 150 characters")
    chosen = element.get("initial_options") or (
        [element["initial_option"]] if element.get("initial_option") else [])
    if any(c not in options for c in chosen):
        problems.append(f"{where}: initial option is not one of the options")
    if kind == "plain_text_input":
        if not 0 < int(element.get("max_length") or 3000) <= 3000:
            problems.append(f"{where}: max_length must be 1..3000")
        if len(str(element.get("initial_value") or "")) > int(element.get("max_length") or 3000):
            problems.append(f"{where}: initial value longer than max_length")
    if kind == "button":
        if len(_text(element.get("text"))) > 75 or len(str(element.get("value") or "")) > 2000:
            problems.append(f"{where}: button text over 75 or value over 2000 characters")
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"{where}: unknown button style")
    return problems


def block_kit_problems(blocks: list[Payload], max_blocks: int) -> list[str]:
    problems = [] if len(blocks) <= max_blocks else [f"{len(blocks)} blocks (max {max_blocks})"]
    block_ids = [b["block_id"] for b in blocks if b.get("block_id")]
    if len(block_ids) != len(set(block_ids)):
        problems.append("block ids are not unique")
    for n, block in enumerate(blocks):
        where, kind = f"block {n}", block.get("type")
        if kind == "header" and not 0 < len(_text(block.get("text"))) <= 150:
            problems.append(f"{where}: header text must be 1..150 characters")
        if kind == "section":
            fields = block.get("fields") or []
            if not block.get("text") and not fields:
                problems.append(f"{where}: section without text or fields")
            if len(_text(block.get("text"))) > 3000:
                problems.append(f"{where}: section text over 3000 characters")
            if len(fields) > 10 or any(len(_text(f)) > 2000 for f in fields):
                problems.append(f"{where}: over 10 fields or a field over 2000 characters")
        if kind == "actions":
            elements = block.get("elements") or []
            ids = [e.get("action_id") for e in elements]
            if not 0 < len(elements) <= 25 or len(ids) != len(set(ids)):
                problems.append(f"{where}: 1..25 elements with unique action ids")
            for element in elements:
                problems += _element_problems(element, where)
        if kind == "input":
            if len(_text(block.get("label"))) > 2000 or len(_text(block.get("hint"))) > 2000:
                problems.append(f"{where}: label or hint over 2000 characters")
            problems += _element_problems(block.get("element") or {}, where)
    return problems


def view_problems(view: Payload) -> list[str]:
    problems = block_kit_problems(view.get("blocks") or [], 100)
    if view.get("type") != "modal" or not view.get("blocks"):
        problems.append("a modal needs blocks")
    for name in ("title", "submit", "close"):
        if name in view and not 0 < len(_text(view[name])) <= 24:
            problems.append(f"{name} must be 1..24 characters")
    if len(str(view.get("private_metadata") or "")) > 3000:
        problems.append("private_metadata over 3000 characters")
    return problems


def home_problems(view: Payload) -> list[str]:
    """A Home tab view: up to 100 blocks, no inputs, no modal title or buttons."""
    problems = block_kit_problems(view.get("blocks") or [], 100)
    if view.get("type") != "home" or not view.get("blocks"):
        problems.append("a Home tab view has type home and blocks")
    if any(name in view for name in ("title", "submit", "close")):
        problems.append("a Home tab view has no title, submit or close")
    if any(b.get("type") == "input" for b in view.get("blocks") or []):
        problems.append("a Home tab view has no input blocks")
    return problems


def assert_block_kit_limits(payload: Payload) -> None:
    """A message (blocks ≤ 50), a modal view (type modal, blocks ≤ 100) or a Home tab view
    (type home, blocks ≤ 100) within the limits."""
    if payload.get("type") == "home":
        problems = home_problems(payload)
    elif payload.get("type") == "modal":
        problems = view_problems(payload)
    else:
        problems = block_kit_problems(payload.get("blocks") or [], 50)
    assert not problems, f"Block Kit limits broken: {problems}"
