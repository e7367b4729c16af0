"""Bolt listeners: one small module per kind of Slack request, sharing one Toolkit.

The Toolkit renders a neutral Response back to the person, wherever the request came from,
and guards every listener: bolt answers 404 (after waiting its full 3 s) when a listener
raises after ack(), so nothing may escape; the person gets a short apology instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import MESSAGE_BLOCKS, form_invitation, message_payload
from adapters.slack.home_retries import HomeRetries
from adapters.slack.messenger import SlackMessenger
from adapters.slack.profiles import SlackProfiles
from core.events import Address
from core.messages import Form, Message, Response
from core.ports import DeliveryError
from runtime.inbound import Inbound

log = logging.getLogger(__name__)

SETTLE_SECONDS = 5.0
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
HOME_FAILED = ("Your Home tab didn't load just now: Slack turned the page away for a moment. "
               "We'll show it again by itself shortly. Meanwhile, type `help` here to see "
               "what the program offers, or `join` to sign up.")


@dataclass(frozen=True)
class Reply:
    """Where answers to one request go: the response_url, the DM it came from, or a new DM."""

    sender: Address
    respond: AsyncRespond | None = None
    trigger_id: str | None = None
    channel: str | None = None


def slash_hints(text: str, prefix: str, words: set[str]) -> str:
    """`resume` → `/mentoring resume`: words typed in a channel reach nobody. The command words
    come from the registry, so a new command is hinted without touching this adapter."""
    hinted = re.compile(r"`(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                        + r")(?=[`\s])")
    return hinted.sub(lambda m: f"`{prefix}{m.group(1)}", text)


@dataclass
class Toolkit:
    inbound: Inbound
    messenger: SlackMessenger
    profiles: SlackProfiles
    command: str  # the slash command, e.g. "/mentoring"
    _working: set[asyncio.Task[object]] = field(default_factory=set, init=False, repr=False)
    flows: int = field(default=0, init=False)  # slash commands whose flow is running now
    # One connection pool for every response_url post: bolt's respond() opens (and closes) a
    # new HTTP session per reply, a TCP connection each time.
    _http: aiohttp.ClientSession | None = field(default=None, init=False, repr=False)
    home_retries: HomeRetries = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.home_retries = HomeRetries(self.messenger, self.inbound.home)

    @property
    def slash_prefix(self) -> str:
        return f"{self.command} "

    async def answer(self, response: Response, to: Reply) -> None:
        await self.show_home(response, to)
        if response.form is not None:  # first: the trigger id expires 3 s after the click
            await self.show_form(response.form, to)
        one = self.ack_body(replace(response, form=None)) if len(response.messages) > 1 else None
        if one is not None and to.respond is not None and to.respond.response_url \
                and not to.channel:
            await self._respond(to.respond.response_url, one)  # several messages, one post
            return
        for message in response.messages:
            await self.say(message, to)

    async def show_home(self, response: Response, to: Reply) -> None:
        """A Home view that comes with the answer (someone the program does not know). If
        Slack refuses it, they hear what happened rather than a general apology, and the page
        is tried again shortly (unless Slack will never take it)."""
        if response.home is None:
            return
        try:
            await self.messenger.publish_home(to.sender.tenant_id, to.sender.user_id,
                                              response.home)
        except DeliveryError as exc:
            log.warning("views.publish for %s failed (%s); %s", to.sender.user_id, exc,
                        "not retried" if exc.permanent else "tried again shortly",
                        extra={"platform": "slack", "outcome": "home_failed"})
            if not exc.permanent:
                self.home_retries.later(to.sender)
            await self.say(Message(text=HOME_FAILED), to)

    async def show_form(self, form: Form, to: Reply) -> None:
        if to.trigger_id:
            try:
                await self.messenger.open_form(to.trigger_id, form, to.sender.tenant_id)
                return
            except DeliveryError as exc:  # expired trigger: fall back to a button
                log.warning("views.open failed (%s); offering a button instead", exc)
        await self.say(form_invitation(form), to)

    def hinted(self, message: Message) -> Message:
        """Replies to a slash command may sit in any channel, where bare words reach nobody."""
        words = self.inbound.registry.hinted_words() | {"help"}
        return replace(message, text=slash_hints(message.text, self.slash_prefix, words))

    def ack_body(self, response: Response) -> dict[str, object] | None:
        """The reply as a slash command's ack body (Slack shows it to the person alone), or
        None when it needs more than an ack can carry: a form to open, a file or chart to
        upload, or more blocks than one message holds. Several messages (`status`: where you
        stand, then your agreement) become one, in order, divided by a line: posting each to
        the response_url cost a Web API call apiece. Nothing to say acks empty."""
        if response.form is not None:
            return None
        if not response.messages:
            return {}
        if any(m.image is not None or m.attachment is not None for m in response.messages):
            return None
        payloads = [message_payload(self.hinted(m)) for m in response.messages]
        blocks: list[object] = []
        for payload in payloads:
            blocks += ([{"type": "divider"}] if blocks else []) + payload["blocks"]
        if len(blocks) > MESSAGE_BLOCKS:
            return None
        return {"text": "\n\n".join(p["text"] for p in payloads if p["text"]),
                "blocks": blocks, "response_type": "ephemeral"}

    async def say(self, message: Message, to: Reply) -> None:
        if to.channel:
            await self.messenger.post(to.channel, message, to.sender.tenant_id)
        elif to.respond is not None and to.respond.response_url:
            await self._respond(to.respond.response_url, {
                **message_payload(self.hinted(message)), "response_type": "ephemeral"})
        else:
            await self.messenger.send_dm(to.sender.tenant_id, to.sender.user_id, message)
        if message.image is not None:
            # The reply showed the text chart; the picture goes to their DM where Slack allows
            # files. Without files:write it simply stays text.
            try:
                await self.messenger.upload_image(to.sender.tenant_id, to.sender.user_id,
                                                  message.image, message.title)
            except DeliveryError as exc:
                log.warning("chart upload for %s skipped: %s", to.sender.user_id, exc)

    async def _respond(self, response_url: str, payload: dict[str, object]) -> None:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        webhook = AsyncWebhookClient(response_url, session=self._http)
        sent = await webhook.send_dict({**payload, "replace_original": False})
        if sent.status_code != 200:
            raise DeliveryError(f"response_url answered {sent.status_code}: {sent.body}")

    @contextlib.asynccontextmanager
    async def guard(self, to: Reply, ack: AsyncAck | None = None) -> AsyncIterator[None]:
        """Track the work for a graceful stop; turn any failure into an apology."""
        task = asyncio.current_task()
        if task is not None:
            self._working.add(task)
        try:
            yield
        except Exception:
            log.exception("Slack listener failed for %s", to.sender.user_id)
            if ack is not None and ack.response is None:
                await ack()
            try:
                await self.say(Message(text=SORRY), to)
            except Exception:
                log.exception("could not tell %s about the failure", to.sender.user_id)
        finally:
            if task is not None:
                self._working.discard(task)

    @contextlib.asynccontextmanager
    async def tracked(self) -> AsyncIterator[None]:
        """Work after an ack that answers nobody (an uninstall), waited for on a stop."""
        task = asyncio.current_task()
        if task is not None:
            self._working.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._working.discard(task)

    async def settle(self) -> None:
        """Wait (a bounded while) for listeners still working after their ack."""
        current = asyncio.current_task()
        pending = [t for t in self._working if t is not current]
        if pending:
            await asyncio.wait(pending, timeout=SETTLE_SECONDS)

    async def close(self) -> None:
        await self.settle()
        await self.home_retries.close()
        if self._http is not None:
            await self._http.close()


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    # Imported here because each listener module imports Reply and Toolkit from this package.
    from adapters.slack.listeners import actions, commands, forms, home, messages, views

    commands.register(app, toolkit)
    forms.register(app, toolkit)  # before actions: bolt runs the first listener that matches
    actions.register(app, toolkit)
    views.register(app, toolkit)
    messages.register(app, toolkit)
    home.register(app, toolkit)
