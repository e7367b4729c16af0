"""Answers inside an open modal that other fields depend on (a role that makes a topic list
required): the form is asked for again and the modal redrawn with views.update, keeping every
answer given so far. Slack marks each optional input "(optional)" itself, so a field that is
required for some people only must be redrawn, not merely explained in a hint."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack import events
from adapters.slack.blocks import REFRESH_PREFIX
from adapters.slack.listeners import Reply, Toolkit
from core.events import Action, Profile
from core.ports import DeliveryError

log = logging.getLogger(__name__)
REFRESHING = re.compile(f"^{re.escape(REFRESH_PREFIX)}")


def register(app: AsyncApp, toolkit: Toolkit) -> None:
    @app.action(REFRESHING)
    async def on_dependent_answer(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("id"), str):
            return  # only a modal is redrawn; nothing else renders this element
        to = Reply(events.interaction_sender(body))
        async with toolkit.guard(to):
            action = body["actions"][0]
            event = Action(
                sender=to.sender, action_id=str(action["action_id"])[len(REFRESH_PREFIX):],
                value=view.get("private_metadata") or "",
                event_id=f"slack:{to.sender.tenant_id}:{view['id']}:{action.get('action_ts', '')}",
                profile=Profile())
            response = await toolkit.inbound.handle(event)
            if response.form is None:  # the survey is no longer theirs to fill: say why
                await toolkit.answer(response, to)
                return
            answers = events.form_values((view.get("state") or {}).get("values") or {})
            form = replace(response.form, values={**response.form.values, **answers})
            try:
                await toolkit.messenger.redraw_form(view["id"], view.get("hash"), form,
                                                    to.sender.tenant_id)
            except DeliveryError as exc:  # a newer change is drawn already, or the modal closed
                log.info("views.update skipped: %s", exc)
