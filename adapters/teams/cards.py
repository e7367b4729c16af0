"""Neutral messages and forms as Adaptive Cards 1.5, the richest version Teams renders everywhere.

Cards are plain dicts so they can be checked and logged as the JSON Teams receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, Attachment

from adapters.teams.markdown import isolated_words, plain, teams_markdown, without_isolates
from core.messages import Button, FileRef, Form, FormField, Message
from core.text import length

Card = dict[str, Any]
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

# Keys of Action.Submit data. Teams merges the inputs into this object, so form fields must not
# reuse them; `multi_choice` names the fields whose values arrive comma-joined.
ACTION_ID_KEY, VALUE_KEY = "action_id", "value"
FORM_ID_KEY, CONTEXT_KEY, MULTI_CHOICE_KEY = "form_id", "context", "multi_choice"
RESERVED_KEYS = frozenset({FORM_ID_KEY, CONTEXT_KEY, MULTI_CHOICE_KEY})
EXPANDED_CHOICES_MAX = 5  # more radio buttons than this make the card scroll on phones
RATING_CHOICES = tuple((str(n), str(n)) for n in range(1, 6))

_STYLES = {"primary": "positive", "danger": "destructive"}
# Teams lays a card's actions out side by side and cuts a title that overflows its share of
# the row ("Skip this ti…"). On a 360 px phone a card leaves about 296 px for the row; a
# title character takes about 7.5 px, each button 24 px of padding, with 8 px between buttons.
PHONE_ROW_PX, BUTTON_GAP_PX, BUTTON_PADDING_PX, CHAR_PX = 296, 8, 24, 7.5
DOWNLOAD_LABEL = "Download (works once, 24 h)"


def _is_bullet(line: str) -> bool:
    return line.lstrip().startswith("- ")


def text_blocks(text: str) -> list[Card]:
    """One TextBlock per paragraph line and one per run of bullets (joined with \\r, which is
    how TextBlock separates list items). Blank lines are dropped: empty TextBlocks are invalid."""
    text = isolated_words(text)  # first: a person's words may span what were lines
    blocks: list[Card] = []
    bullets: list[str] = []

    def flush() -> None:
        if bullets:
            blocks.append(_text_block("\r".join(bullets)))
            bullets.clear()

    for line in text.splitlines():
        if not line.strip():
            continue
        if _is_bullet(line):
            bullets.append(teams_markdown(line.strip()))
            continue
        flush()
        blocks.append(_text_block(teams_markdown(line.strip())))
    flush()
    return blocks


def _text_block(text: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _markdown_block(text: str, **style: Any) -> Card:
    """One TextBlock of neutral text (a hint, an error)."""
    return _text_block(teams_markdown(isolated_words(text)), **style)


def _title(text: str) -> Card:
    return _text_block(plain(text), size="Large", weight="Bolder")


def _card(body: list[Card], actions: list[Card], fallback: str) -> Card:
    card: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body}
    if actions:
        card["actions"] = actions
    if fallback.strip():
        card["fallbackText"] = without_isolates(fallback)
    return card


def button_action(button: Button) -> Card:
    action: Card = {
        "type": "Action.Submit",
        "title": without_isolates(button.label),
        "data": {ACTION_ID_KEY: button.action_id, VALUE_KEY: button.value},
    }
    if button.style in _STYLES:
        action["style"] = _STYLES[button.style]
    return action


def row_chars(count: int) -> int:
    """The longest title each of `count` buttons side by side can show on a phone."""
    share = (PHONE_ROW_PX - BUTTON_GAP_PX * (count - 1)) / count
    return int((share - BUTTON_PADDING_PX) // CHAR_PX)


def fits_in_a_row(actions: list[Card]) -> bool:
    return all(length(a["title"]) <= row_chars(len(actions)) for a in actions)


def button_rows(actions: list[Card]) -> list[list[Card]]:
    """The fewest rows in which no title is cut on a phone: one row when they all fit side by
    side; else rows of fewer buttons, down to one full-width button per line for choices too
    long to share a row (leave or delete, the reasons to end a pairing)."""
    for per_row in range(len(actions), 1, -1):
        rows = [actions[i:i + per_row] for i in range(0, len(actions), per_row)]
        if all(fits_in_a_row(row) for row in rows):
            return rows
    return [[action] for action in actions]


def message_card(message: Message, download_url: str | None = None) -> Card:
    """`download_url` is where the message's attachment can be fetched: Teams cannot carry a
    bot's file in a 1:1 chat without extra permissions, so a button opens the one-time link."""
    body = [_title(message.title)] if message.title else []
    body.extend(text_blocks(message.text))
    if message.facts:
        body.append({"type": "FactSet", "facts": [
            {"title": plain(fact.label), "value": plain(fact.value) or "–"}
            for fact in message.facts]})
    if message.image is not None:
        # Teams renders data URIs inline, so a chart needs no public image host.
        body.append({"type": "Image", "url": f"data:image/png;base64,{message.image.png_base64}",
                     "altText": without_isolates(message.image.alt), "size": "Stretch"})
    actions = [button_action(b) for b in message.buttons]
    if message.attachment is not None:
        body.append(_file_line(message.attachment, download_url is not None))
        if download_url is not None:
            actions.insert(0, {"type": "Action.OpenUrl", "title": DOWNLOAD_LABEL,
                               "url": download_url, "style": "positive"})
    if not body:
        body.append(_text_block(plain(message.fallback) or "…"))
    rows = button_rows(actions)
    if len(rows) > 1:  # rows below the text, as ActionSets: the card's own actions are one row
        body.extend({"type": "ActionSet", "actions": row} for row in rows)
        actions = []
    return _card(body, actions, message.fallback)


def _file_line(file: FileRef, linked: bool) -> Card:
    size = f"{file.size / 1024:,.0f} kB" if file.size >= 1024 else f"{file.size} bytes"
    where = "" if linked else " (no download link: the service has no PUBLIC_URL)"
    return _text_block(f"{file.filename} · {size}{where}", isSubtle=True, size="Small")


def _choices(field: FormField) -> list[tuple[str, str]]:
    if field.choices:
        return [(choice.label, choice.value) for choice in field.choices]
    return list(RATING_CHOICES) if field.kind == "rating" else []


def _initial(field: FormField, value: str | tuple[str, ...] | None) -> str:
    """The value to pre-fill; choices Teams would not recognise are left out."""
    if value is None:
        return ""
    items = (value,) if isinstance(value, str) else value
    if field.kind in ("text", "long_text"):
        return items[0] if items else ""
    known = {v for _, v in _choices(field)}
    kept = [item for item in items if item in known]
    return ",".join(kept) if field.kind == "multi_choice" else (kept[0] if kept else "")


def field_input(field: FormField, value: str | tuple[str, ...] | None) -> Card:
    if field.kind == "people":
        # No people picker in a bot's card: names or work emails, typed, resolved by the bot.
        element: Card = {"type": "Input.Text", "id": field.name, "isRequired": field.required,
                         "label": without_isolates(field.label),
                         "placeholder": "Names or work emails, separated by commas"}
        chosen = value if isinstance(value, str) else ", ".join(c.label for c in field.choices)
        if chosen:
            element["value"] = without_isolates(chosen)
        return element
    typed = field.kind in ("text", "long_text")
    element: Card = {"type": "Input.Text" if typed else "Input.ChoiceSet", "id": field.name,
                     "label": without_isolates(field.label), "isRequired": field.required}
    if field.required:
        element["errorMessage"] = "Please fill this in." if typed else "Please pick one."
    if typed:
        # No maxLength: Teams would stop the typing and cut a paste without a word. The limit
        # is said under the field (limit_hint), and the bot answers an over-long text with it.
        element["isMultiline"] = field.kind == "long_text"
    else:
        choices = _choices(field)
        element.update(
            choices=[{"title": without_isolates(title), "value": choice}
                     for title, choice in choices],
            isMultiSelect=field.kind == "multi_choice",
            wrap=True,  # long options wrap instead of being cut on a phone
            style="expanded" if len(choices) <= EXPANDED_CHOICES_MAX else "compact",
        )
    if field.placeholder:
        element["placeholder"] = without_isolates(field.placeholder)
    elif element.get("style") == "compact":
        element["placeholder"] = "Choose…"  # an empty dropdown gives no hint that it opens
    initial = _initial(field, value)
    if initial:
        element["value"] = initial
    return element


def limit_hint(field: FormField) -> str:
    return f"Up to {field.max_length:,} characters." if field.max_length else ""


def _error(text: str) -> Card:
    return _markdown_block(text, color="Attention", spacing="Small")


def form_card(form: Form, errors: Mapping[str, str] | None = None) -> Card:
    """The form as inputs; with `errors`, each message sits right under its field."""
    errors = errors or {}
    clashes = RESERVED_KEYS & {f.name for f in form.fields}
    if clashes:
        raise ValueError(f"form {form.form_id}: field names {sorted(clashes)} are reserved")
    body = [_title(form.title)]
    if form.intro:
        body.extend(text_blocks(form.intro))
    names = {f.name for f in form.fields}
    if errors:
        body.append(_error("Please check the answers marked below."))
        body.extend(_error(text) for name, text in errors.items() if name not in names)
    for field in form.fields:
        body.append(field_input(field, form.values.get(field.name)))
        if field.name in errors:
            body.append(_error(errors[field.name]))
        hint = " ".join(filter(None, (field.hint, limit_hint(field))))
        if hint:
            body.append(_markdown_block(hint, isSubtle=True, size="Small", spacing="None"))
    submit = {
        "type": "Action.Submit",
        "title": form.submit_label,
        "style": "positive",
        "data": {
            FORM_ID_KEY: form.form_id,
            CONTEXT_KEY: form.context,
            MULTI_CHOICE_KEY: [f.name for f in form.fields if f.kind == "multi_choice"],
        },
    }
    return _card(body, [submit], form.title)


def saved_card(text: str = "Saved ✓") -> Card:
    return _card([_text_block(text, weight="Bolder", color="Good")], [], text)


def card_activity(card: Card, summary: str) -> Activity:
    """A message carrying one card; `summary` is what notifications and card-less clients show."""
    return Activity(
        type=ActivityTypes.message,
        summary=without_isolates(summary)[:1000] or None,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=card)],
    )
