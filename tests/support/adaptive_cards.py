"""A checker for the Adaptive Card 1.5 rules Teams enforces (or silently breaks on).

Not a full JSON-schema validation: it checks what goes wrong in practice: element and action
types newer than 1.5, duplicate or empty input ids, malformed choices, empty texts, bad enum
values, Action.Submit data that is not an object, and cards over Teams' size limit. And what
a 360 px phone would cut: button titles longer than their share of the row, and choices that
do not wrap.
"""

from __future__ import annotations

import json
from typing import Any

import regex

ELEMENTS_1_5 = frozenset({
    "TextBlock", "RichTextBlock", "Image", "Media", "Container", "ColumnSet", "FactSet",
    "ImageSet", "ActionSet", "Table",
    "Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.Toggle", "Input.ChoiceSet",
})
ACTIONS_1_5 = frozenset({
    "Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.ToggleVisibility",
    "Action.Execute",
})
TEXT_COLORS = frozenset({"default", "dark", "light", "accent", "good", "warning", "attention"})
TEXT_SIZES = frozenset({"default", "small", "medium", "large", "extralarge"})
TEXT_WEIGHTS = frozenset({"default", "lighter", "bolder"})
SPACINGS = frozenset({"default", "none", "small", "medium", "large", "extralarge", "padding"})
ACTION_STYLES = frozenset({"default", "positive", "destructive"})
CHOICE_STYLES = frozenset({"compact", "expanded", "filtered"})
TEXT_INPUT_STYLES = frozenset({"text", "tel", "url", "email", "password"})
TEAMS_MAX_BYTES = 28 * 1024  # Teams refuses larger messages
# What a 360 px phone shows of each title when this many buttons share a row (Segoe UI 14 px
# in about 296 px; measured with tests/adapters/teams/render_cards.py). More than 4 never fit.
PHONE_TITLE_CHARS = {1: 36, 2: 16, 3: 9, 4: 5}


class CardProblem(AssertionError):
    pass


def assert_adaptive_card_1_5(card: Any) -> None:
    """Raise CardProblem naming every rule the card breaks."""
    problems: list[str] = []
    _Checker(problems).card(card, top=True)
    if problems:
        raise CardProblem("; ".join(problems))


class _Checker:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.input_ids: set[str] = set()

    def fail(self, where: str, why: str) -> None:
        self.problems.append(f"{where}: {why}")

    def card(self, card: Any, top: bool) -> None:
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            self.fail("card", "type must be AdaptiveCard")
            return
        if top:
            if card.get("version") != "1.5":
                self.fail("card", f"version must be '1.5', not {card.get('version')!r}")
            if len(json.dumps(card, ensure_ascii=False).encode()) > TEAMS_MAX_BYTES:
                self.fail("card", "larger than Teams' 28 kB message limit")
        body, actions = card.get("body", []), card.get("actions", [])
        if not isinstance(body, list) or not isinstance(actions, list):
            self.fail("card", "body and actions must be lists")
            return
        if not body and not actions:
            self.fail("card", "empty card")
        self.elements(body, "body")
        self.actions(actions, "actions")

    def elements(self, elements: list[Any], where: str) -> None:
        for index, element in enumerate(elements):
            self.element(element, f"{where}[{index}]")

    def element(self, element: Any, where: str) -> None:
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in ELEMENTS_1_5:
            self.fail(where, f"element type {kind!r} is not in Adaptive Cards 1.5")
            return
        where = f"{where}<{kind}>"
        self.enum(element, "spacing", SPACINGS, where)
        if kind == "TextBlock":
            self.text_block(element, where)
        elif kind == "FactSet":
            facts = element.get("facts")
            if not isinstance(facts, list) or not facts:
                self.fail(where, "needs facts")
            for fact in facts or []:
                if not (isinstance(fact, dict) and isinstance(fact.get("title"), str)
                        and isinstance(fact.get("value"), str)):
                    self.fail(where, f"fact {fact!r} needs string title and value")
        elif kind == "Container":
            self.elements(element.get("items", []), where)
        elif kind == "ColumnSet":
            for column in element.get("columns", []):
                self.elements(column.get("items", []), where)
        elif kind == "ActionSet":
            self.actions(element.get("actions", []), where)
        elif kind.startswith("Input."):
            self.input(element, kind, where)

    def text_block(self, element: dict[str, Any], where: str) -> None:
        text = element.get("text")
        if not isinstance(text, str) or not text.strip():
            self.fail(where, "text must be a non-empty string")
        self.enum(element, "color", TEXT_COLORS, where)
        self.enum(element, "size", TEXT_SIZES, where)
        self.enum(element, "weight", TEXT_WEIGHTS, where)
        if "wrap" in element and not isinstance(element["wrap"], bool):
            self.fail(where, "wrap must be a boolean")

    def input(self, element: dict[str, Any], kind: str, where: str) -> None:
        input_id = element.get("id")
        if not isinstance(input_id, str) or not input_id.strip():
            self.fail(where, "input id must be a non-empty string")
        elif input_id in self.input_ids:
            self.fail(where, f"input id {input_id!r} is used twice")
        else:
            self.input_ids.add(input_id)
        for flag in ("isRequired", "isMultiline", "isMultiSelect"):
            if flag in element and not isinstance(element[flag], bool):
                self.fail(where, f"{flag} must be a boolean")
        for text in ("label", "errorMessage", "placeholder", "value"):
            if text in element and not isinstance(element[text], str):
                self.fail(where, f"{text} must be a string")
        if kind == "Input.Text":
            self.enum(element, "style", TEXT_INPUT_STYLES, where)
            limit = element.get("maxLength")
            if limit is not None and (not isinstance(limit, int) or limit <= 0):
                self.fail(where, "maxLength must be a positive integer")
        if kind == "Input.ChoiceSet":
            self.choice_set(element, where)

    def choice_set(self, element: dict[str, Any], where: str) -> None:
        self.enum(element, "style", CHOICE_STYLES, where)
        if element.get("wrap") is not True:
            self.fail(where, "choices must wrap (wrap: true), or a phone cuts long ones")
        choices = element.get("choices")
        if not isinstance(choices, list) or not choices:
            self.fail(where, "needs choices")
            return
        values: list[str] = []
        for choice in choices:
            title = choice.get("title") if isinstance(choice, dict) else None
            value = choice.get("value") if isinstance(choice, dict) else None
            if not isinstance(title, str) or not title.strip() or not isinstance(value, str):
                self.fail(where, f"choice {choice!r} needs a string title and value")
            else:
                values.append(value)
        if len(values) != len(set(values)):
            self.fail(where, "choice values repeat")
        initial = element.get("value")
        if isinstance(initial, str) and initial:
            chosen = initial.split(",") if element.get("isMultiSelect") else [initial]
            unknown = [v for v in chosen if v not in values]
            if unknown:
                self.fail(where, f"initial value {unknown!r} is not a choice")

    def actions(self, actions: list[Any], where: str) -> None:
        fits = PHONE_TITLE_CHARS.get(len(actions), 0)
        for index, action in enumerate(actions):
            title = action.get("title") if isinstance(action, dict) else None
            if isinstance(title, str) and len(regex.findall(r"\X", title)) > fits:
                self.fail(f"{where}[{index}]", f"title {title!r} is cut at 360 px beside "
                          f"{len(actions) - 1} other button(s) (at most {fits} characters)")
            here = f"{where}[{index}]"
            kind = action.get("type") if isinstance(action, dict) else None
            if kind not in ACTIONS_1_5:
                self.fail(here, f"action type {kind!r} is not in Adaptive Cards 1.5")
                continue
            here = f"{here}<{kind}>"
            title = action.get("title")
            if not isinstance(title, str) or not title.strip():
                self.fail(here, "needs a title")
            self.enum(action, "style", ACTION_STYLES, here)
            if kind == "Action.Submit" and "data" in action and not isinstance(
                    action["data"], dict):
                self.fail(here, "data must be an object")
            if kind == "Action.OpenUrl" and not isinstance(action.get("url"), str):
                self.fail(here, "needs a url")
            if kind == "Action.ShowCard":
                self.card(action.get("card"), top=False)

    def enum(self, element: dict[str, Any], key: str, allowed: frozenset[str], where: str) -> None:
        if key in element and (not isinstance(element[key], str)
                               or element[key].lower() not in allowed):
            self.fail(where, f"{key} {element[key]!r} is not one of {sorted(allowed)}")
