"""Neutral messages and forms rendered as Block Kit.

Built with slack_sdk.models, whose validators raise before anything oversized reaches Slack;
the rendering below trims to the limits first, so a long message shrinks instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from core.messages import Button, Choice, Fact, Form, FormField, Home, Message

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
HOME_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELDS_PER_SECTION = 10
FIELD_TEXT = 2000
BUTTONS_PER_BLOCK = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTIONS_PER_SELECT = 100
OPTION_TEXT = 75
RADIO_CHOICES = 5
CHECKBOX_CHOICES = 10
VIEW_TEXT = 24  # modal title, submit and close labels
LABEL_TEXT = 2000
PLACEHOLDER_TEXT = 150
INPUT_LENGTH = 3000
NOTIFICATION_TEXT = 3000
UPLOAD_COMMENT = 4000  # a file comment is a message: short enough to read at a glance
INPUT_ACTION_ID = "value"  # the block id (the field name) already says which field it is
# An answer other fields depend on: choosing it sends block_actions with this prefix and the
# form's refresh action, and the modal is redrawn (listeners/forms.py).
REFRESH_PREFIX = "form-refresh:"
DUPLICATE_MARK = "#"  # Slack wants action ids unique per block: "membership.leave#2"
RATING_CHOICES = tuple(Choice(str(n), str(n)) for n in range(1, 6))


def escape(text: str) -> str:
    """Slack reads <…> as mentions and links: escaping keeps people's text as plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _safe_cut(escaped: str, limit: int) -> int:
    """A cut position at or before `limit` that does not split an entity like &amp;."""
    amp = escaped.rfind("&", max(0, limit - 4), limit)
    return amp if amp != -1 and ";" not in escaped[amp:limit] else limit


def _shorten_escaped(escaped: str, limit: int) -> str:
    if len(escaped) <= limit:
        return escaped
    return escaped[: _safe_cut(escaped, limit - 1)] + "…"


def text_chunks(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Escaped text split into pieces of at most `limit`, preferring line then word breaks."""
    rest = escape(text.strip())
    chunks: list[str] = []
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = _safe_cut(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def notification_text(message: Message) -> str:
    """The top-level `text`: what notifications and screen readers show."""
    return _shorten_escaped(escape(message.fallback), NOTIFICATION_TEXT) or "…"


def unique_action_ids(buttons: Sequence[Button]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for button in buttons:
        seen[button.action_id] = seen.get(button.action_id, 0) + 1
        count = seen[button.action_id]
        ids.append(button.action_id if count == 1 else f"{button.action_id}{DUPLICATE_MARK}{count}")
    return ids


def neutral_action_id(rendered: str) -> str:
    return rendered.split(DUPLICATE_MARK, 1)[0]


def _fact_field(fact: Fact) -> MarkdownTextObject:
    label = _shorten_escaped(escape(fact.label), 200)
    value = _shorten_escaped(escape(fact.value) or "-", FIELD_TEXT - len(label) - 3)
    return MarkdownTextObject(text=f"*{label}*\n{value}")


def _button(button: Button, action_id: str) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=shorten(button.label, BUTTON_TEXT), emoji=True),
        action_id=action_id,
        value=button.value[:BUTTON_VALUE] or None,
        style=None if button.style == "default" else button.style,
    )


def _chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    return (items[i : i + size] for i in range(0, len(items), size))


def message_blocks(message: Message) -> list[Block]:
    header: list[Block] = []
    if message.title and message.title.strip():
        header.append(HeaderBlock(text=PlainTextObject(text=shorten(message.title.strip(),
                                                                    HEADER_TEXT), emoji=True)))
    facts: list[Block] = [SectionBlock(fields=[_fact_field(f) for f in group])
                          for group in _chunked(message.facts, FIELDS_PER_SECTION)]
    ids = unique_action_ids(message.buttons)
    rendered = [_button(b, i) for b, i in zip(message.buttons, ids, strict=True)]
    actions: list[Block] = [ActionsBlock(elements=list(group))
                            for group in _chunked(rendered, BUTTONS_PER_BLOCK)]
    room = MESSAGE_BLOCKS - len(header) - len(actions[:5]) - len(facts[:5])
    # Block Kit images need a public URL, so a chart shows as its text version here.
    text = message.text + (f"\n{message.image.fallback}" if message.image else "")
    chunks = text_chunks(text)
    if len(chunks) > room:  # far beyond what anyone reads in chat: keep the start
        last = chunks[room - 1]
        chunks = [*chunks[: room - 1], last[: _safe_cut(last, SECTION_TEXT - 1)] + "…"]
    sections: list[Block] = [SectionBlock(text=MarkdownTextObject(text=c)) for c in chunks]
    return [*header, *sections, *facts[:5], *actions[:5]]


def upload_comment(message: Message) -> str:
    """The message as one mrkdwn text, for where blocks cannot go: a file upload's comment."""
    lines = [f"*{escape(message.title.strip())}*"] if message.title and message.title.strip() \
        else []
    lines += [escape(message.text.strip())] if message.text.strip() else []
    lines += [f"• {escape(f.label)}: {escape(f.value)}" for f in message.facts]
    return _shorten_escaped("\n".join(lines), UPLOAD_COMMENT) or notification_text(message)


def message_payload(message: Message) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage, respond() and friends."""
    return {"text": notification_text(message),
            "blocks": [b.to_dict() for b in message_blocks(message)]}


def _options(choices: Sequence[Choice]) -> list[Option]:
    return [Option(value=c.value, text=PlainTextObject(text=shorten(c.label, OPTION_TEXT),
                                                       emoji=True))
            for c in choices[:OPTIONS_PER_SELECT]]


def _initial_text(value: str | tuple[str, ...] | None, limit: int) -> str | None:
    text = value if isinstance(value, str) else ", ".join(value or ())
    return text[:limit] or None


def _element(field: FormField, initial: str | tuple[str, ...] | None,
             action_id: str = INPUT_ACTION_ID) -> Any:
    placeholder = (PlainTextObject(text=shorten(field.placeholder, PLACEHOLDER_TEXT))
                   if field.placeholder else None)
    if field.kind in ("text", "long_text"):
        limit = min(field.max_length or INPUT_LENGTH, INPUT_LENGTH)
        return PlainTextInputElement(
            action_id=action_id, placeholder=placeholder, max_length=limit,
            multiline=field.kind == "long_text", initial_value=_initial_text(initial, limit))
    if field.kind == "people":
        chosen_users = [c.value for c in field.choices] or None
        return UserMultiSelectElement(action_id=action_id, initial_users=chosen_users,
                                       placeholder=placeholder
                                       or PlainTextObject(text="Pick colleagues"))
    options = _options(field.choices or (RATING_CHOICES if field.kind == "rating" else ()))
    if field.kind == "multi_choice":
        wanted = (initial,) if isinstance(initial, str) else (initial or ())
        # Slack insists initial options are the very objects offered, so pick from `options`.
        chosen = [o for o in options if o.value in wanted] or None
        if len(options) <= CHECKBOX_CHOICES:
            return CheckboxesElement(action_id=action_id, options=options,
                                     initial_options=chosen)
        return StaticMultiSelectElement(action_id=action_id, options=options,
                                        initial_options=chosen, placeholder=placeholder
                                        or PlainTextObject(text="Pick any"))
    single = next((o for o in options if o.value == initial), None)
    if len(options) <= RADIO_CHOICES:
        return RadioButtonsElement(action_id=action_id, options=options,
                                   initial_option=single)
    return StaticSelectElement(action_id=action_id, options=options, initial_option=single,
                               placeholder=placeholder or PlainTextObject(text="Pick one"))


def _input(field: FormField, form: Form, redraws: bool) -> InputBlock:
    action_id = REFRESH_PREFIX + form.refresh_action_id if redraws else INPUT_ACTION_ID
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=shorten(field.label, LABEL_TEXT), emoji=True),
        element=_element(field, form.values.get(field.name), action_id),
        hint=PlainTextObject(text=shorten(field.hint, LABEL_TEXT)) if field.hint else None,
        # Slack adds "(optional)" to the label itself: only where no answer is needed.
        optional=not field.required_given(form.values),
        dispatch_action=redraws or None,
    )


def modal(form: Form) -> View:
    intro: list[Block] = []
    if form.intro and form.intro.strip():
        intro.append(SectionBlock(text=MarkdownTextObject(text=text_chunks(form.intro)[0])))
    depended_on = ({f.required_when[0] for f in form.fields if f.required_when}
                   if form.refresh_action_id else set())
    inputs: list[Block] = [_input(f, form, f.name in depended_on) for f in form.fields]
    return View(
        type="modal",
        callback_id=form.form_id,
        title=PlainTextObject(text=shorten(form.title, VIEW_TEXT) or "Survey"),
        submit=PlainTextObject(text=shorten(form.submit_label, VIEW_TEXT) or "Submit"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=form.context[:3000] or None,
        blocks=[*intro, *inputs][:MODAL_BLOCKS],
    )


def form_invitation(form: Form) -> Message:
    """Where no trigger id allows opening a modal, a button whose click brings one."""
    return Message(text=f"Your survey “{form.title}” is ready: press the button to open it.",
                   buttons=(Button(f"Open “{shorten(form.title, 60)}”", form.open_action_id,
                                   form.context, style="primary"),))


def home_view(home: Home) -> View:
    """The Home tab: each section as a message would look, a divider between sections, within
    the Home tab's 100 blocks (a section that would not fit whole is left out, never cut)."""
    blocks: list[Block] = []
    for section in home.sections:
        rendered = ([DividerBlock()] if blocks else []) + message_blocks(section)
        if len(blocks) + len(rendered) > HOME_BLOCKS:
            break
        blocks.extend(rendered)
    # Action ids must be unique across the whole view, not only within each message.
    seen: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, ActionsBlock):
            for element in block.elements:
                if isinstance(element, ButtonElement) and element.action_id:
                    base = neutral_action_id(element.action_id)
                    seen[base] = seen.get(base, 0) + 1
                    if seen[base] > 1:
                        element.action_id = f"{base}{DUPLICATE_MARK}{seen[base]}"
    return View(type="home", blocks=blocks)
