"""Adaptive Cards drawn the way Teams lays them out on a phone, to look at and to measure.

Not Microsoft's renderer (nothing here downloads it): a small HTML rendering of the elements we
send, with Teams' metrics (Segoe UI 14 px, or the metric-compatible Liberation Sans; actions
side by side in equal shares with 8 px between them and titles cut with an ellipsis; FactSet
titles at most 150 px wide; choices that wrap only when asked). `CUT_SCRIPT` finds what a
phone would cut. tests/adapters/teams/test_cards_on_a_phone.py screenshots it at 360 px.
"""

from __future__ import annotations

import html
import re
from typing import Any

Card = dict[str, Any]

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; padding: 12px 16px; background: #f5f5f5; width: 360px;
       font: 14px/20px "Segoe UI", "Liberation Sans", sans-serif; color: #242424; }
.name { font-size: 12px; color: #616161; margin: 12px 0 4px; }
.card { background: #fff; border-radius: 6px; padding: 16px; box-shadow: 0 1px 2px #0002; }
.tb { margin: 8px 0 0; overflow-wrap: break-word; }
.tb:first-child { margin-top: 0; }
.large { font-size: 18px; line-height: 24px; } .bolder { font-weight: 600; }
.subtle { color: #616161; } .small { font-size: 12px; } .attention { color: #c4314b; }
.nowrap { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.facts { margin-top: 8px; border-collapse: collapse; }
.facts td { vertical-align: top; padding: 0 10px 2px 0; overflow-wrap: break-word; }
.facts td.title { font-weight: 600; max-width: 150px; }
.input { margin-top: 8px; } .label { font-weight: 600; margin-bottom: 4px; }
.choice { display: flex; gap: 8px; align-items: flex-start; margin: 2px 0; }
.choice span { min-width: 0; }
.box { border: 1px solid #d1d1d1; border-radius: 4px; height: 32px; padding: 5px 8px; }
.actions { display: flex; gap: 8px; margin-top: 12px; }
.actions button { flex: 1 1 0; min-width: 0; height: 32px; padding: 0 12px; border-radius: 4px;
  border: 1px solid #d1d1d1; background: #fff; font: inherit; font-weight: 600;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.actions button.positive { background: #5b5fc7; color: #fff; border-color: #5b5fc7; }
.actions button.destructive { color: #c4314b; }
"""

# Every button title, choice and fact title the phone cuts: wider than the room it has.
CUT_SCRIPT = """() => Array.from(document.querySelectorAll('[data-cut]'))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.closest('[data-card]').dataset.card + ': ' + e.textContent)"""


def _text(value: str) -> str:
    """Teams markdown is shown as plain words here: enough to judge length and wrapping."""
    return html.escape(re.sub(r"\*\*(.+?)\*\*|_(.+?)_", lambda m: m[1] or m[2], value))


def _element(element: Card) -> str:
    kind = element.get("type")
    if kind == "TextBlock":
        classes = ["tb"]
        classes += ["large"] if str(element.get("size", "")).lower() == "large" else []
        classes += ["small"] if str(element.get("size", "")).lower() == "small" else []
        classes += ["bolder"] if str(element.get("weight", "")).lower() == "bolder" else []
        classes += ["subtle"] if element.get("isSubtle") else []
        classes += ["attention"] if str(element.get("color", "")).lower() == "attention" else []
        classes += [] if element.get("wrap") else ["nowrap"]
        lines = "<br>".join(_text(line) for line in element.get("text", "").split("\r"))
        return f'<div class="{" ".join(classes)}">{lines}</div>'
    if kind == "FactSet":
        rows = "".join(
            f'<tr><td class="title">{_text(f["title"])}</td><td>{_text(f["value"])}</td></tr>'
            for f in element.get("facts", []))
        return f'<table class="facts">{rows}</table>'
    if kind == "ActionSet":
        return _actions(element.get("actions", []))
    if kind == "Input.Text":
        return (f'<div class="input"><div class="label">{_text(element.get("label", ""))}</div>'
                f'<div class="box subtle">{_text(element.get("placeholder", ""))}</div></div>')
    if kind == "Input.ChoiceSet":
        return _choices(element)
    return ""


def _choices(element: Card) -> str:
    label = f'<div class="label">{_text(element.get("label", ""))}</div>'
    if element.get("style") == "compact":
        return (f'<div class="input">{label}<div class="box subtle nowrap" data-cut>'
                f'{_text(element.get("placeholder", "Choose…"))}</div></div>')
    mark = "☐" if element.get("isMultiSelect") else "○"
    wrap = "" if element.get("wrap") else ' class="nowrap" data-cut'
    rows = "".join(f'<div class="choice"><b>{mark}</b><span{wrap}>{_text(c["title"])}</span></div>'
                   for c in element.get("choices", []))
    return f'<div class="input">{label}{rows}</div>'


def _actions(actions: list[Card]) -> str:
    buttons = "".join(
        f'<button class="{html.escape(str(a.get("style", "")))}" data-cut>'
        f'{_text(a.get("title", ""))}</button>' for a in actions)
    return f'<div class="actions">{buttons}</div>'


def card_html(card: Card, name: str) -> str:
    body = "".join(_element(e) for e in card.get("body", []))
    actions = _actions(card["actions"]) if card.get("actions") else ""
    return (f'<div class="name">{html.escape(name)}</div>'
            f'<div class="card" data-card="{html.escape(name)}">{body}{actions}</div>')


def page(cards: list[tuple[str, Card]]) -> str:
    shown = "".join(card_html(card, name) for name, card in cards)
    return f"<!doctype html><meta charset=utf-8><style>{STYLE}</style>{shown}"
