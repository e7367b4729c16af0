"""SlackMessenger: the Messenger port over the Slack Web API.

DM channel ids are cached in ConversationRef (conversations.open is Tier 3), and every Slack
failure becomes a DeliveryError the dispatcher understands: retry later, retry after the
platform's Retry-After, or give up.

The bot never reads a conversation (no conversations.history): it cannot look back to see
whether a post went through, so a crash between a post and its record repeats that one post.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.blocks import home_view, message_payload, modal, upload_comment
from adapters.slack.clients import SlackClients
from core.clock import Clock
from core.messages import FileRef, Form, Home, Image, Message
from core.outgoing import Capabilities
from core.ports import DeliveryError
from storage import exports
from storage.database import Database
from storage.references import find_reference, remember_reference

log = logging.getLogger(__name__)
T = TypeVar("T")

PLATFORM = "slack"
MAX_GROUP = 8  # conversations.open takes at most 8 users
ALT_TEXT = 1000  # files.getUploadURLExternal's alt_txt limit
LOOKED_UP_LIMIT = 10_000  # channel ids looked up ahead of posts, at most
GROUP_SEPARATOR = "+"  # a group DM's cached reference is keyed by its members' ids joined
EXPIRED_UPLOAD = ("The file {} expired before it could be delivered. "
                  "Type `admin export` (or `admin report`) for a fresh one.")
PERMANENT_ERRORS = frozenset({
    "user_not_found", "account_inactive", "cannot_dm_bot", "channel_not_found", "not_in_channel",
    "is_archived", "invalid_blocks", "msg_too_long", "missing_scope", "not_allowed_token_type",
    "invalid_auth", "token_revoked", "not_authed",
})


def delivery_error(exc: SlackApiError) -> DeliveryError:
    response = exc.response
    data = response.data if isinstance(response.data, dict) else {}
    error = str(data.get("error") or f"http_{response.status_code}")
    if response.status_code == 429 or error == "ratelimited":
        # chat.postMessage is limited per channel (about one a second) as well as across
        # the workspace, and Slack's 429 does not say which; the dispatcher treats it as the
        # channel's unless several channels are limited at once. Every other method (Tier 3
        # conversations.open, uploads) is limited per workspace.
        method = str(getattr(response, "api_url", "")).rstrip("/").rsplit("/", 1)[-1]
        return DeliveryError(error, retry_after=_seconds(response.headers.get("Retry-After")),
                             one_conversation=method == "chat.postMessage")
    return DeliveryError(error, permanent=error in PERMANENT_ERRORS)


def _seconds(header: object) -> float | None:
    try:
        return max(float(str(header)), 0.0)
    except ValueError:
        return None


class SlackMessenger:
    platform = PLATFORM
    # Group DMs exist. Finding a sent post would mean reading the conversation: never done.
    capabilities = Capabilities(group_conversations=True, reaches_without_contact=True,
                                finds_sent=False, home_view=True)

    def __init__(self, clients: SlackClients | AsyncWebClient, database: Database,
                 clock: Clock) -> None:
        self._clients = clients if isinstance(clients, SlackClients) else SlackClients(clients)
        self._database = database
        self._clock = clock
        # Channel ids read from the database just before a post's turn, used by that post
        # (never a longer-lived cache: the database stays the one place they are kept).
        self._looked_up: dict[tuple[str, str], str] = {}

    async def send_dm(
        self, tenant_id: str, user_id: str, message: Message, key: str = ""
    ) -> str | None:
        if message.attachment is not None:
            return await self._send_with_file(tenant_id, [user_id], message)
        return await self._send_to(tenant_id, [user_id], message)

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message, key: str = ""
    ) -> str | None:
        people = list(dict.fromkeys(user_ids))
        if not people or len(people) > MAX_GROUP:
            raise DeliveryError(f"a Slack group DM takes 2 to {MAX_GROUP} people, not "
                                f"{len(people)}", permanent=True)
        if message.attachment is not None:
            return await self._send_with_file(tenant_id, people, message)
        return await self._send_to(tenant_id, people, message)

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        """Never known: finding a sent message would mean reading the conversation, and the
        bot reads no one's conversations. A crash between a post and its record repeats it."""
        return None

    async def _send_to(self, tenant_id: str, user_ids: list[str], message: Message) -> str | None:
        return await self._in_conversation(tenant_id, user_ids,
                                           lambda channel: self.post(channel, message, tenant_id))

    async def _send_with_file(self, tenant_id: str, user_ids: list[str],
                              message: Message) -> str | None:
        """One upload carries the file with the message as its comment. The file can be taken
        once (its link is marked used before the upload), so a second delivery of the row
        sends nothing at all, and a failed upload gives it back and has posted nothing."""
        file, comment = message.attachment, upload_comment(message)
        assert file is not None
        await self._in_conversation(tenant_id, user_ids,
                                    lambda channel: self._upload(channel, file, comment,
                                                                 tenant_id))
        return None

    async def _in_conversation(self, tenant_id: str, user_ids: list[str],
                               send: Callable[[str], Awaitable[T]]) -> T:
        channel, cached = await self._channel(tenant_id, user_ids)
        try:
            return await send(channel)
        except DeliveryError as exc:
            if not (cached and str(exc) == "channel_not_found"):
                raise
        # The cached channel went away (workspace migration, app reinstalled): open a new one.
        await self._cache_channel(tenant_id, user_ids, None)
        channel, _ = await self._channel(tenant_id, user_ids)
        return await send(channel)

    async def upload_image(self, tenant_id: str, user_id: str, image: Image,
                           title: str | None = None) -> None:
        """A chart into the person's DM: Block Kit images need a public URL, uploads don't.
        Its alt text goes with it, for screen readers."""
        channel, _ = await self._channel(tenant_id, [user_id])
        client = await self._clients.for_tenant(tenant_id)
        await self._call(client.files_upload_v2(
            channel=channel, file=base64.b64decode(image.png_base64),
            filename=_png_name(title or "chart"), title=title or image.alt,
            alt_txt=image.alt[:ALT_TEXT]))

    async def _upload(self, channel: str, file: FileRef, comment: str, tenant_id: str) -> None:
        """Taking the file marks its link used before the upload, so two deliveries cannot
        both upload it; a failed upload gives it back for the retry."""
        now = self._clock.now()
        async with self._database.session() as session:
            taken = await exports.take(session, file.token, now)
            state = None if taken else await exports.why_not_taken(session, file.token, now)
        if taken is None:
            if state == "used":
                log.info("export %s… was uploaded before; not again", file.token[:6])
            else:  # expired, or expired and purged already
                await self.post(channel, Message(text=EXPIRED_UPLOAD.format(file.filename)),
                                tenant_id)
            return
        client = await self._clients.for_tenant(tenant_id)
        try:
            await self._call(client.files_upload_v2(
                channel=channel, file=taken.content, filename=taken.filename,
                title=taken.filename, initial_comment=comment))
        except BaseException as exc:
            async with self._database.session() as session:
                await exports.give_back(session, taken)
            if isinstance(exc, DeliveryError) and str(exc) == "missing_scope":
                raise DeliveryError("Slack refused the upload: add the files:write scope to "
                                    "the app and reinstall it", permanent=True) from exc
            raise
        async with self._database.session() as session:
            await exports.erase(session, file.token)

    async def post(self, channel: str, message: Message, tenant_id: str) -> str | None:
        """Post into a known conversation (a DM the person wrote in, an opened group)."""
        client = await self._clients.for_tenant(tenant_id)
        posted = await self._call(client.chat_postMessage(
            channel=channel, **message_payload(message), unfurl_links=False))
        ts = posted.get("ts")
        return ts if isinstance(ts, str) else None

    async def publish_home(self, tenant_id: str, user_id: str, home: Home) -> None:
        """The person's Home tab, replaced whole (views.publish, Tier 4 per workspace)."""
        client = await self._clients.for_tenant(tenant_id)
        await self._call(client.views_publish(user_id=user_id, view=home_view(home)))

    async def open_form(self, trigger_id: str, form: Form, tenant_id: str) -> None:
        client = await self._clients.for_tenant(tenant_id)
        await self._call(client.views_open(trigger_id=trigger_id, view=modal(form)))

    async def redraw_form(self, view_id: str, view_hash: str | None, form: Form,
                          tenant_id: str) -> None:
        """An open modal drawn again (views.update). With the hash Slack refuses to overwrite
        a newer version of it (hash_conflict), as when a second change overtook this one."""
        client = await self._clients.for_tenant(tenant_id)
        await self._call(client.views_update(view_id=view_id, hash=view_hash, view=modal(form)))

    async def look_up(self, tenant_id: str, user_ids: Sequence[str]) -> None:
        """The cached channel of a post about to wait for its turn (core.ports.LooksUpFirst):
        between the turn and the post, only the post. A channel not cached yet is opened
        after the turn, as before."""
        async with self._database.session() as session:
            ref = await find_reference(session, PLATFORM, tenant_id, _cache_id(user_ids))
        if ref is not None and ref.conversation_id:
            if len(self._looked_up) >= LOOKED_UP_LIMIT:  # posts that never went: forgotten
                self._looked_up.clear()
            self._looked_up[(tenant_id, _cache_id(user_ids))] = ref.conversation_id

    async def _channel(self, tenant_id: str, user_ids: Sequence[str]) -> tuple[str, bool]:
        """The DM or group DM channel id, and whether it came from the cache. Caching matters:
        conversations.open allows ~50 calls a minute, and a weekly prompt goes to every pair."""
        looked_up = self._looked_up.pop((tenant_id, _cache_id(user_ids)), None)
        if looked_up is not None:
            return looked_up, True
        async with self._database.session() as session:
            ref = await find_reference(session, PLATFORM, tenant_id, _cache_id(user_ids))
            if ref is not None and ref.conversation_id:
                return ref.conversation_id, True
        client = await self._clients.for_tenant(tenant_id)
        opened = await self._call(client.conversations_open(users=",".join(user_ids)))
        channel = _channel_id(opened)
        await self._cache_channel(tenant_id, user_ids, channel)
        return channel, False

    async def _cache_channel(
        self, tenant_id: str, user_ids: Sequence[str], channel: str | None
    ) -> None:
        try:
            async with self._database.session() as session:
                await remember_reference(session, PLATFORM, tenant_id, _cache_id(user_ids),
                                         self._clock.now(), conversation_id=channel)
        except Exception:  # only a cache: a concurrent writer or a hiccup must not stop a send
            log.warning("could not cache the Slack channel of %s", user_ids, exc_info=True)

    async def _call(self, request: Awaitable[AsyncSlackResponse]) -> AsyncSlackResponse:
        try:
            return await request
        except SlackApiError as exc:
            raise delivery_error(exc) from exc
        except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"Slack unreachable: {type(exc).__name__}: {exc}") from exc


def _png_name(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split()) + ".png"


def _cache_id(user_ids: Sequence[str]) -> str:
    """A person's own id for their DM; the sorted ids joined by '+' for a group DM."""
    return GROUP_SEPARATOR.join(sorted(user_ids))


def _channel_id(response: AsyncSlackResponse) -> str:
    channel: Any = response.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return channel["id"]
    raise DeliveryError("conversations.open answered without a channel id")
