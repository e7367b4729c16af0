"""One Teams turn: remember how to reach the sender, run the flow, answer with cards."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes
from sqlalchemy.exc import IntegrityError

from adapters.teams import activities
from adapters.teams.cards import (
    CONTEXT_KEY,
    card_activity,
    form_card,
    message_card,
    saved_card,
)
from core.clock import Clock
from core.events import Event, FormSubmission
from core.messages import Form, Message, Response
from runtime.inbound import Inbound
from storage.database import Database
from storage.events import was_handled
from storage.references import forget_reference, remember_reference

log = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on our side. Please try again in a minute; "
         "if it keeps happening, tell the program team.")
PRIVATE_ONLY = ("Let's keep the program private: open a 1:1 chat with me and type `join` "
                "or `help` there.")


class TeamsBot:
    """The turn handler CloudAdapter calls; it never lets an exception reach the person."""

    def __init__(self, inbound: Inbound, database: Database, clock: Clock) -> None:
        self._inbound = inbound
        self._database = database
        self._clock = clock

    async def on_turn(self, turn: TurnContext) -> None:
        activity = turn.activity
        await self._track_reference(activity)
        if activity.type == ActivityTypes.invoke:
            # We only use Action.Submit (a message); acknowledge anything else so Teams shows
            # no error, rather than botbuilder's default 501.
            await turn.send_activity(Activity(type=ActivityTypes.invoke_response,
                                              value=InvokeResponse(status=200)))
            return
        try:
            event = activities.to_event(activity)
            if event is None:
                return
            if not activities.is_personal(activity):
                if activity.type == ActivityTypes.message:
                    await turn.send_activity(PRIVATE_ONLY)
                return
            response = await self._inbound.handle(event)
            await self._render(turn, response, event)
        except Exception:
            log.exception("Teams turn for activity %s failed", activity.id)
            await self._apologise(turn)

    async def _track_reference(self, activity: Activity) -> None:
        """Store (or refresh) the 1:1 conversation so flows can message this person later.
        Best effort: a failure here must not cost the person their answer."""
        sender = activities.sender_of(activity)
        if sender is None or not activities.is_personal(activity):
            return
        fields = activities.reference_fields(activity, sender.tenant_id)
        if not fields["conversation_id"] or not fields["service_url"]:
            return
        event_id = activities.event_id_of(activity)
        for attempt in (1, 2):
            try:
                async with self._database.session() as session:
                    if activities.bot_was_removed(activity):
                        await forget_reference(session, "teams", sender.tenant_id, sender.user_id)
                    # A retry of a handled event must not bring back a reference that event
                    # deleted (leave and delete my data).
                    elif not await was_handled(session, event_id):
                        await remember_reference(session, "teams", sender.tenant_id,
                                                 sender.user_id, self._clock.now(), **fields)
                return
            except IntegrityError:
                if attempt == 2:  # two first activities raced; the other one stored it
                    log.warning("conversation reference for %s not stored", sender.user_id)
            except Exception:
                log.exception("conversation reference for %s not stored", sender.user_id)
                return

    async def _render(self, turn: TurnContext, response: Response, event: Event) -> None:
        if response.close_form:
            await self._close_submitted_card(turn)
        for message in response.messages:
            await turn.send_activity(card_activity(message_card(message), message.fallback))
        form = self._form_to_show(turn.activity, response, event)
        if form is not None:
            await turn.send_activity(card_activity(form_card(form, response.errors), form.title))
        elif response.errors:
            text = "\n".join(f"- {error}" for error in response.errors.values())
            message = Message(title="Please check your answers", text=text)
            await turn.send_activity(card_activity(message_card(message), message.fallback))

    def _form_to_show(self, activity: Activity, response: Response, event: Event) -> Form | None:
        """The form to send: the flow's own, or, for errors, the submitted one again with the
        person's answers kept (Teams cannot keep a submitted card open)."""
        if not response.errors:
            return response.form
        if not isinstance(event, FormSubmission):
            return response.form
        form = response.form
        if form is None:
            return None
        context = _submitted_context(activity.value)
        return replace(form, values={**form.values, **event.values},
                       context=form.context or context)

    async def _close_submitted_card(self, turn: TurnContext) -> None:
        card_id = turn.activity.reply_to_id
        if not card_id:
            return
        update = card_activity(saved_card(), "Saved")
        update.id = card_id
        try:
            await turn.update_activity(update)
        except Exception:
            # Only cosmetic: the answers are saved whether or not the old card changes.
            log.warning("could not mark card %s as saved", card_id, exc_info=True)

    async def _apologise(self, turn: TurnContext) -> None:
        if turn.activity.type != ActivityTypes.message:
            return
        try:
            await turn.send_activity(SORRY)
        except Exception:
            log.warning("could not send the apology either", exc_info=True)


def _submitted_context(value: Any) -> str:
    context = value.get(CONTEXT_KEY) if isinstance(value, dict) else None
    return context if isinstance(context, str) else ""
