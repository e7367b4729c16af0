"""Proactive Teams messages through stored conversation references (core.ports.Messenger)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.files import download_url
from adapters.teams.auth import is_loopback_url
from adapters.teams.cards import card_activity, message_card
from core.clock import Clock
from core.messages import Message
from core.outgoing import Capabilities
from core.ports import DeliveryError
from storage.database import Database
from storage.models import ConversationRef
from storage.references import find_reference

log = logging.getLogger(__name__)

PLATFORM = "teams"
CHANNEL_ID = "msteams"
NOT_REACHABLE = "they have not opened a chat with the bot yet"
RETRYABLE = frozenset({412, 429, 502, 504})
GONE = frozenset({403, 404})  # the bot was removed or blocked, or the user left the tenant


def _status_and_retry_after(exc: HttpOperationError) -> tuple[int | None, str | None]:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", None) or {}
    return status, headers.get("Retry-After")


def retry_after_seconds(header: str | None, now: datetime) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not header:
        return None
    try:
        return max(float(header), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(header) - now).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


class TeamsMessenger:
    platform = PLATFORM
    # No proactive group chats, and a bot cannot read its chats back.
    capabilities = Capabilities(group_conversations=False, finds_sent=False)
    def __init__(
        self, adapter: CloudAdapter, database: Database, app_id: str, clock: Clock,
        public_url: str | None = None, *, loopback_only: bool = False,
    ) -> None:
        self._adapter = adapter
        # Emulator mode: references come from unauthenticated activities, so only this
        # machine is ever called, whatever a stored reference says.
        self._loopback_only = loopback_only
        self._database = database
        self._app_id = app_id
        self._clock = clock
        # Where people's browsers reach this service: attachments become download buttons
        # to {public_url}/exports/{token}.
        self._public_url = public_url.rstrip("/") if public_url else None

    async def send_dm(
        self, tenant_id: str, user_id: str, message: Message, key: str = ""
    ) -> str | None:
        async with self._database.session() as session:
            ref = await find_reference(session, PLATFORM, tenant_id, user_id)
        if ref is None or not ref.conversation_id or not ref.service_url:
            raise DeliveryError(NOT_REACHABLE, permanent=True)
        if self._loopback_only and not is_loopback_url(ref.service_url):
            raise DeliveryError("emulator mode calls only loopback serviceUrls", permanent=True)
        return await self._send(ref, message)

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message, key: str = ""
    ) -> str | None:
        """Teams bots cannot open group chats: the outgoing path queues one row per person
        (see `capabilities`), so this only ever sees one."""
        if len(user_ids) != 1:
            raise DeliveryError("Teams has no proactive group chats", permanent=True)
        return await self.send_dm(tenant_id, user_ids[0], message, key)

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        # A bot cannot read its 1:1 chats back without Graph permissions, so a send cut off
        # by a crash is retried: at least once on Teams, in that narrow window only.
        return None

    async def _send(self, ref: ConversationRef, message: Message) -> str | None:
        link = None
        if message.attachment is not None and self._public_url is not None:
            link = download_url(self._public_url, message.attachment.token)
        activity = card_activity(message_card(message, link), message.fallback)
        if ref.channel_data:
            activity.channel_data = json.loads(ref.channel_data)
        sent_ids: list[str | None] = []
        failures: list[Exception] = []

        async def deliver(turn: TurnContext) -> None:
            # The continuation activity's id is invented by botbuilder; left in place it would
            # make this a reply to a message that does not exist.
            turn.activity.id = None
            try:
                response = await turn.send_activity(activity)
            except Exception as exc:  # kept apart from any adapter on_turn_error handler
                failures.append(exc)
                return
            sent_ids.append(response.id if response is not None else None)

        try:
            await self._adapter.continue_conversation(_reference(ref), deliver, self._app_id)
        except Exception as exc:
            failures.append(exc)
        if failures:
            raise self._delivery_error(failures[0]) from failures[0]
        return sent_ids[0] if sent_ids else None

    def _delivery_error(self, exc: Exception) -> DeliveryError:
        if isinstance(exc, HttpOperationError):
            status, header = _status_and_retry_after(exc)
            reason = f"Teams answered {status}: {exc}"[:300]
            if status in RETRYABLE:
                return DeliveryError(reason, retry_after=retry_after_seconds(
                    header, self._clock.now()))
            if status in GONE:
                return DeliveryError(reason, permanent=True)
            if status is not None and 400 <= status < 500 and status not in (401, 408):
                return DeliveryError(reason, permanent=True)  # the message itself was refused
            return DeliveryError(reason)
        if isinstance(exc, ClientRequestError):
            return DeliveryError(f"Teams could not be reached: {exc}"[:300])
        return DeliveryError(f"{type(exc).__name__}: {exc}"[:300])


def _reference(ref: ConversationRef) -> ConversationReference:
    return ConversationReference(
        channel_id=CHANNEL_ID,
        service_url=ref.service_url,
        conversation=ConversationAccount(
            id=ref.conversation_id, conversation_type="personal", tenant_id=ref.tenant_id or None),
        bot=ChannelAccount(id=ref.bot_id),
        user=ChannelAccount(id=ref.user_id),
    )
