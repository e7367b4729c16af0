"""SlackMessenger: the Messenger port over the Slack Web API.

DM channel ids are cached in ConversationRef (conversations.open is Tier 3), and every Slack
failure becomes a DeliveryError the dispatcher understands: retry later, retry after the
platform's Retry-After, or give up.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.blocks import message_payload, modal
from flows.clock import Clock
from flows.messages import Form, Message
from flows.ports import DeliveryError
from storage.database import Database
from storage.references import find_reference, remember_reference

log = logging.getLogger(__name__)

PLATFORM = "slack"
MAX_GROUP = 8  # conversations.open takes at most 8 users
PERMANENT_ERRORS = frozenset({
    "user_not_found", "account_inactive", "cannot_dm_bot", "channel_not_found", "not_in_channel",
    "is_archived", "invalid_blocks", "msg_too_long",
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
    def __init__(self, client: AsyncWebClient, database: Database, clock: Clock) -> None:
        self._client = client
        self._database = database
        self._clock = clock

    async def send_dm(self, tenant_id: str, user_id: str, message: Message) -> str | None:
        channel, cached = await self._dm_channel(tenant_id, user_id)
        try:
            return await self.post(channel, message)
        except DeliveryError as exc:
            if not (cached and str(exc) == "channel_not_found"):
                raise
        # The cached channel went away (workspace migration, app reinstalled): open a new one.
        await self._cache_channel(tenant_id, user_id, None)
        channel, _ = await self._dm_channel(tenant_id, user_id)
        return await self.post(channel, message)

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message
    ) -> str | None:
        people = list(dict.fromkeys(user_ids))
        if len(people) == 1:
            return await self.send_dm(tenant_id, people[0], message)
        if not people or len(people) > MAX_GROUP:
            raise DeliveryError(f"a Slack group DM takes 2 to {MAX_GROUP} people, not "
                                f"{len(people)}", permanent=True)
        opened = await self._call(self._client.conversations_open(users=",".join(people)))
        return await self.post(_channel_id(opened), message)

    async def post(self, channel: str, message: Message) -> str | None:
        """Post into a known conversation (a DM the person wrote in, an opened group)."""
        posted = await self._call(self._client.chat_postMessage(
            channel=channel, **message_payload(message), unfurl_links=False))
        ts = posted.get("ts")
        return ts if isinstance(ts, str) else None

    async def open_form(self, trigger_id: str, form: Form) -> None:
        await self._call(self._client.views_open(trigger_id=trigger_id, view=modal(form)))

    async def _dm_channel(self, tenant_id: str, user_id: str) -> tuple[str, bool]:
        """The person's DM channel id and whether it came from the cache."""
        async with self._database.session() as session:
            ref = await find_reference(session, PLATFORM, tenant_id, user_id)
            if ref is not None and ref.conversation_id:
                return ref.conversation_id, True
        channel = _channel_id(await self._call(self._client.conversations_open(users=user_id)))
        await self._cache_channel(tenant_id, user_id, channel)
        return channel, False

    async def _cache_channel(self, tenant_id: str, user_id: str, channel: str | None) -> None:
        try:
            async with self._database.session() as session:
                await remember_reference(session, PLATFORM, tenant_id, user_id,
                                         self._clock.now(), conversation_id=channel)
        except Exception:  # only a cache: a concurrent writer or a hiccup must not stop a send
            log.warning("could not cache the Slack DM channel of %s", user_id, exc_info=True)

    async def _call(self, request: Awaitable[AsyncSlackResponse]) -> AsyncSlackResponse:
        try:
            return await request
        except SlackApiError as exc:
            raise delivery_error(exc) from exc
        except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"Slack unreachable: {type(exc).__name__}: {exc}") from exc


def _channel_id(response: AsyncSlackResponse) -> str:
    channel: Any = response.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return channel["id"]
    raise DeliveryError("conversations.open answered without a channel id")
