"""SlackMessenger: the Messenger port over the Slack Web API.

DM channel ids are cached in ConversationRef (conversations.open is Tier 3), and every Slack
failure becomes a DeliveryError the dispatcher understands: retry later, retry after the
platform's Retry-After, or give up.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.blocks import message_payload, modal
from core.clock import Clock
from core.messages import FileRef, Form, Image, Message
from core.outgoing import Capabilities
from core.ports import DeliveryError
from storage import exports
from storage.database import Database
from storage.references import find_reference, remember_reference

log = logging.getLogger(__name__)

PLATFORM = "slack"
MAX_GROUP = 8  # conversations.open takes at most 8 users
METADATA_TYPE = "turnabout_message"  # our outbox key rides along, for find_sent after a crash
HISTORY_LOOKBACK = 50
UPLOAD_COMMENT = "{}: the export's CSV files. Keep it within the program team."
EXPIRED_UPLOAD = ("The file {} expired before it could be delivered. "
                  "Type `admin export` for a fresh one.")
PERMANENT_ERRORS = frozenset({
    "user_not_found", "account_inactive", "cannot_dm_bot", "channel_not_found", "not_in_channel",
    "is_archived", "invalid_blocks", "msg_too_long", "missing_scope", "not_allowed_token_type",
})


def delivery_error(exc: SlackApiError) -> DeliveryError:
    response = exc.response
    data = response.data if isinstance(response.data, dict) else {}
    error = str(data.get("error") or f"http_{response.status_code}")
    if response.status_code == 429 or error == "ratelimited":
        return DeliveryError(error, retry_after=_seconds(response.headers.get("Retry-After")))
    return DeliveryError(error, permanent=error in PERMANENT_ERRORS)


def _seconds(header: object) -> float | None:
    try:
        return max(float(str(header)), 0.0)
    except ValueError:
        return None


class SlackMessenger:
    platform = PLATFORM
    # Group DMs exist; message metadata carries the outbox key, so a post can be found again.
    capabilities = Capabilities(group_conversations=True, finds_sent=True)
    def __init__(self, client: AsyncWebClient, database: Database, clock: Clock) -> None:
        self._client = client
        self._database = database
        self._clock = clock

    async def send_dm(
        self, tenant_id: str, user_id: str, message: Message, key: str = ""
    ) -> str | None:
        if message.attachment is not None:
            return await self._send_with_file(tenant_id, [user_id], message, key)
        return await self._send_to(tenant_id, [user_id], message, key)

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message, key: str = ""
    ) -> str | None:
        people = list(dict.fromkeys(user_ids))
        if not people or len(people) > MAX_GROUP:
            raise DeliveryError(f"a Slack group DM takes 2 to {MAX_GROUP} people, not "
                                f"{len(people)}", permanent=True)
        if message.attachment is not None:
            return await self._send_with_file(tenant_id, people, message, key)
        return await self._send_to(tenant_id, people, message, key)

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        """Look for our key in the conversation's recent messages' metadata."""
        async with self._database.session() as session:
            ref = await find_reference(session, PLATFORM, tenant_id, _cache_id(user_ids))
        if ref is None or not ref.conversation_id:
            return None  # never opened, so never posted to
        history = await self._call(self._client.conversations_history(
            channel=ref.conversation_id, limit=HISTORY_LOOKBACK, include_all_metadata=True))
        for posted in history.get("messages") or []:
            metadata = posted.get("metadata") or {}
            if metadata.get("event_type") == METADATA_TYPE and \
                    (metadata.get("event_payload") or {}).get("key") == key:
                return posted.get("ts")
        return None

    async def _send_to(self, tenant_id: str, user_ids: list[str], message: Message,
                       key: str) -> str | None:
        channel, cached = await self._channel(tenant_id, user_ids)
        try:
            return await self.post(channel, message, key)
        except DeliveryError as exc:
            if not (cached and str(exc) == "channel_not_found"):
                raise
        # The cached channel went away (workspace migration, app reinstalled): open a new one.
        await self._cache_channel(tenant_id, user_ids, None)
        channel, _ = await self._channel(tenant_id, user_ids)
        return await self.post(channel, message, key)

    async def _send_with_file(self, tenant_id: str, user_ids: list[str], message: Message,
                              key: str) -> str | None:
        """The text, then the file uploaded into the same conversation. A retry after a failed
        upload finds its text already there (by key) and does not post it again; a second
        delivery finds the file taken and uploads nothing."""
        assert message.attachment is not None
        posted = await self.find_sent(tenant_id, user_ids, key) if key else None
        if posted is None:
            posted = await self._send_to(tenant_id, user_ids, message, key)
        channel, _ = await self._channel(tenant_id, user_ids)
        await self._upload(channel, message.attachment)
        return posted

    async def upload_image(self, tenant_id: str, user_id: str, image: Image) -> None:
        """A chart into the person's DM: Block Kit images need a public URL, uploads don't."""
        channel, _ = await self._channel(tenant_id, [user_id])
        await self._call(self._client.files_upload_v2(
            channel=channel, file=base64.b64decode(image.png_base64), filename="chart.png",
            title=image.alt))

    async def _upload(self, channel: str, file: FileRef) -> None:
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
                await self.post(channel, Message(text=EXPIRED_UPLOAD.format(file.filename)))
            return
        try:
            await self._call(self._client.files_upload_v2(
                channel=channel, file=taken.content, filename=taken.filename,
                title=taken.filename, initial_comment=UPLOAD_COMMENT.format(taken.filename)))
        except BaseException as exc:
            async with self._database.session() as session:
                await exports.give_back(session, taken)
            if isinstance(exc, DeliveryError) and str(exc) == "missing_scope":
                raise DeliveryError("Slack refused the upload: add the files:write scope to "
                                    "the app and reinstall it", permanent=True) from exc
            raise
        async with self._database.session() as session:
            await exports.erase(session, file.token)

    async def post(self, channel: str, message: Message, key: str = "") -> str | None:
        """Post into a known conversation (a DM the person wrote in, an opened group)."""
        extra: dict[str, Any] = {}
        if key:
            extra["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
        posted = await self._call(self._client.chat_postMessage(
            channel=channel, **message_payload(message), unfurl_links=False, **extra))
        ts = posted.get("ts")
        return ts if isinstance(ts, str) else None

    async def open_form(self, trigger_id: str, form: Form) -> None:
        await self._call(self._client.views_open(trigger_id=trigger_id, view=modal(form)))

    async def _channel(self, tenant_id: str, user_ids: Sequence[str]) -> tuple[str, bool]:
        """The DM or group DM channel id, and whether it came from the cache. Caching matters:
        conversations.open allows ~50 calls a minute, and a weekly prompt goes to every pair."""
        async with self._database.session() as session:
            ref = await find_reference(session, PLATFORM, tenant_id, _cache_id(user_ids))
            if ref is not None and ref.conversation_id:
                return ref.conversation_id, True
        opened = await self._call(self._client.conversations_open(users=",".join(user_ids)))
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


def _cache_id(user_ids: Sequence[str]) -> str:
    """A person's own id for their DM; the sorted ids joined by '+' for a group DM."""
    return "+".join(sorted(user_ids))


def _channel_id(response: AsyncSlackResponse) -> str:
    channel: Any = response.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return channel["id"]
    raise DeliveryError("conversations.open answered without a channel id")
