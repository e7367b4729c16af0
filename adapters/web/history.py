"""What one request adds to a person's web chat history, and how the page receives entries.

The page renders history and fresh replies through one path (entries), so a reloaded chat
looks like the live one: pressed buttons show what was pressed, a saved form shows the answers,
and a superseded form stays read-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.files import download_path
from adapters.web import inbox
from core.events import Action, Command, Event, FormSubmission
from storage.models import WebChatMessage

ALREADY_SENT = "This form was already sent or replaced by a newer one; the newest one is below."
ALREADY_PRESSED = "You already answered that message."


def with_download_link(message: Any) -> Any:
    """An attachment gets the path of its one-time download, relative so it works on whatever
    address the page was opened (localhost or 127.0.0.1 alike)."""
    attachment = message.get("attachment") if isinstance(message, dict) else None
    if not isinstance(attachment, dict) or not isinstance(attachment.get("token"), str):
        return message
    return {**message, "attachment": {**attachment,
                                      "download_url": download_path(attachment["token"])}}


def entry_json(row_id: int, at: datetime, payload: dict[str, Any]) -> dict[str, Any]:
    kind = payload.get("kind") or "proactive"
    entry: dict[str, Any] = {"id": row_id, "at": at.isoformat(), "kind": kind}
    if kind == inbox.TYPED:
        entry["text"] = payload.get("text", "")
    elif kind == inbox.FORM:
        entry.update(form=payload.get("form"), state=payload.get("state", inbox.OPEN),
                     answers=payload.get("answers", []))
    else:
        message = payload.get("message") if kind == inbox.REPLY else {
            k: v for k, v in payload.items() if k != "done"}
        entry.update(message=with_download_link(message), done=payload.get("done"))
    return entry


def entries_of(rows: list[WebChatMessage]) -> list[dict[str, Any]]:
    entries = []
    for row in rows:
        payload = inbox.payload_of(row)
        if payload is not None and row.id is not None:
            entries.append(entry_json(row.id, row.created_at, payload))
    return entries


def answers_of(form: dict[str, Any], values: dict[str, Any]) -> list[dict[str, str]]:
    """The saved form's answers as the person saw them: labels, not ids."""
    answers = []
    for field in form.get("fields", ()):
        raw = values.get(field["name"])
        chosen = list(raw) if isinstance(raw, list | tuple) else [raw] if raw else []
        labels = {c["value"]: c["label"] for c in field.get("choices", ())}
        shown = ", ".join(labels.get(str(v), str(v)) for v in chosen if str(v).strip())
        if shown:
            answers.append({"label": field["label"], "value": shown})
    return answers


def typed_of(event: Event, body: dict[str, Any]) -> str | None:
    """What the person's side of the conversation shows for this request."""
    if isinstance(event, Command):
        return event.text
    if isinstance(event, Action):
        label = body.get("label")
        # The page sends the button's label; a bare API call still leaves a trace.
        return label[:100] if isinstance(label, str) and label else "Pressed a button"
    return None


def row_id_of(body: dict[str, Any]) -> int | None:
    value = body.get("message_id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


async def refusal(session: AsyncSession, user: str, event: Event, row_id: int | None) -> str | None:
    """A form or button that was answered or superseded stays answered, even from an old tab."""
    if row_id is None or not isinstance(event, Action | FormSubmission):
        return None
    row = await session.get(WebChatMessage, row_id)
    payload = inbox.payload_of(row) if row is not None and row.user_id == user else None
    if payload is None:
        return None
    if isinstance(event, FormSubmission) and payload.get("kind") == inbox.FORM:
        return ALREADY_SENT if payload.get("state", inbox.OPEN) != inbox.OPEN else None
    if isinstance(event, Action) and payload.get("done"):
        return ALREADY_PRESSED
    return None


async def record_reply(
    session: AsyncSession, user: str, event: Event, body: dict[str, Any],
    result: dict[str, Any], now: datetime,
) -> dict[str, Any]:
    """Store the bot's direct answer and what became of the form or buttons it answers.

    Returns the page's view of it: new entries, and the updated entry the request acted on."""
    key = f"{inbox.CHAT}{event.event_id}"
    if typed_of(event, body) is not None and await inbox.find_by_key(session, f"{key}:typed") is None:
        # The request wiped this person's history (leave and delete my data): the answer is
        # shown once and kept nowhere, and the page's name for them goes too.
        await inbox.forget(session, user)
        entries = [entry_json(0, now, {"kind": inbox.REPLY, "message": m}) | {"id": None}
                   for m in result.get("messages", ())]
        return {"entries": entries, "changed": None, "forgotten": True}
    row_id = row_id_of(body)
    changed: dict[str, Any] | None = None
    if row_id is not None and isinstance(event, Action):
        label = typed_of(event, body)
        payload = await inbox.update(session, user, row_id, done=label)
        changed = None if payload is None else entry_json(row_id, now, payload)
    form = result.get("form")
    same_form = (isinstance(event, FormSubmission) and form is not None
                 and form.get("form_id") == event.form_id and bool(result.get("errors")))
    if row_id is not None and isinstance(event, FormSubmission):
        row = await session.get(WebChatMessage, row_id)
        stored = inbox.payload_of(row) if row is not None and row.user_id == user else None
        if stored is not None and stored.get("kind") == inbox.FORM and result.get("close_form"):
            answers = answers_of(stored.get("form") or {}, dict(event.values))
            payload = await inbox.update(session, user, row_id, state=inbox.SAVED, answers=answers)
            changed = None if payload is None else entry_json(row_id, row.created_at, payload)
    entries = []
    for n, message in enumerate(result.get("messages", ())):
        new = await inbox.record(session, user, {"kind": inbox.REPLY, "message": message}, now,
                                 f"{key}:reply:{n}")
        if new is not None:
            entries.append(entry_json(new, now, {"kind": inbox.REPLY, "message": message}))
    if form is not None and not same_form:
        payload = {"kind": inbox.FORM, "state": inbox.OPEN, "form": form}
        new = await inbox.record(session, user, payload, now, f"{key}:form")
        if new is not None:
            entries.append(entry_json(new, now, payload))
    return {"entries": entries, "changed": changed}
