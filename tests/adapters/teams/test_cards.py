"""Neutral messages and forms as Adaptive Cards, and the 1.5 checker the fake connector uses."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.teams.cards import form_card, message_card, saved_card, teams_markdown, text_blocks
from core.messages import Button, Choice, Fact, Form, FormField, Message
from core.text import literal
from tests.support.adaptive_cards import CardProblem, assert_adaptive_card_1_5

FEW = tuple(Choice(f"c{n}", f"Choice {n}") for n in range(1, 6))
MANY = tuple(Choice(f"t{n}", f"Topic {n}") for n in range(1, 8))
FORM = Form(
    form_id="poll", title="Pulse check", intro="Two *quick* questions.", context="round-3",
    fields=(
        FormField("mood", "How is it going?", "single_choice", choices=FEW),
        FormField("topics", "What did you cover?", "multi_choice", required=False, choices=MANY,
                  hint="Pick any."),
        FormField("notes", "Anything else?", "long_text", required=False, max_length=300,
                  placeholder="Optional"),
        FormField("score", "Rate it", "rating"),
    ),
    values={"mood": "c2", "topics": ("t1", "t7", "gone"), "notes": "Great so far"},
)


def by_id(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if "id" in e}


def test_the_neutral_markdown_subset_becomes_teams_markdown() -> None:
    assert teams_markdown("a *bold* and _italic_ word") == "a **bold** and _italic_ word"
    assert teams_markdown("type `join` now") == "type **join** now"
    assert teams_markdown("2 * 3 * 4 and x*y") == "2 * 3 * 4 and x*y"


def test_text_becomes_paragraph_blocks_and_one_list_block_per_run_of_bullets() -> None:
    blocks = text_blocks("Intro line\n- one\n- *two*\n\nAfter")

    assert [b["text"] for b in blocks] == ["Intro line", "- one\r- **two**", "After"]
    assert all(b["wrap"] for b in blocks)


def test_a_message_card_has_a_title_facts_and_styled_buttons() -> None:
    message = Message(
        title="Leave?", text="Sure?", facts=(Fact("Team", ""), Fact("Role", "mentor")),
        buttons=(Button("Leave", "m.leave", "keep", "primary"),
                 Button("Delete", "m.leave", "delete", "danger"), Button("Stay", "m.stay")))

    card = message_card(message)

    assert_adaptive_card_1_5(card)
    title, text, facts = card["body"]
    assert (title["size"], title["weight"], title["text"]) == ("Large", "Bolder", "Leave?")
    assert text["text"] == "Sure?"
    assert facts["facts"] == [{"title": "Team", "value": "–"}, {"title": "Role", "value": "mentor"}]
    assert [(a.get("style"), a["data"]) for a in card["actions"]] == [
        ("positive", {"action_id": "m.leave", "value": "keep"}),
        ("destructive", {"action_id": "m.leave", "value": "delete"}),
        (None, {"action_id": "m.stay", "value": ""}),
    ]


def test_a_form_card_has_labelled_inputs_prefilled_with_known_values() -> None:
    card = form_card(FORM)

    assert_adaptive_card_1_5(card)
    inputs = by_id(card)
    assert inputs["mood"] | {"choices": None} == {
        "id": "mood", "type": "Input.ChoiceSet", "label": "How is it going?",
        "isRequired": True, "errorMessage": "Please pick one.", "isMultiSelect": False,
        "style": "expanded", "value": "c2", "choices": None, "wrap": True}
    assert inputs["topics"]["style"] == "compact" and inputs["topics"]["isMultiSelect"]
    assert inputs["topics"]["value"] == "t1,t7"  # a choice that no longer exists is dropped
    assert inputs["notes"]["isMultiline"] and "maxLength" not in inputs["notes"]  # no silent cut
    assert "Up to 300 characters." in str(card["body"])  # the limit is said instead
    assert inputs["notes"]["value"] == "Great so far"
    assert [c["value"] for c in inputs["score"]["choices"]] == ["1", "2", "3", "4", "5"]
    (submit,) = card["actions"]
    assert submit["data"] == {"form_id": "poll", "context": "round-3", "multi_choice": ["topics"]}


def test_errors_sit_right_after_their_field() -> None:
    card = form_card(FORM, {"topics": "Pick at least one.", "elsewhere": "Try again later."})

    assert_adaptive_card_1_5(card)
    texts = [(e.get("id") or e.get("text"), e.get("color")) for e in card["body"]]
    at = texts.index(("topics", None))
    assert texts[at + 1] == ("Pick at least one.", "Attention")
    assert ("Try again later.", "Attention") in texts[:at]


def test_a_form_cannot_use_the_names_the_submit_data_needs() -> None:
    clash = Form("f", "F", (FormField("form_id", "Form", "text"),))

    with pytest.raises(ValueError, match="reserved"):
        form_card(clash)


def test_the_saved_card_is_a_valid_card() -> None:
    assert_adaptive_card_1_5(saved_card())


@pytest.mark.parametrize(("broken", "complaint"), [
    ({"version": "1.6"}, "version"),
    ({"body": [{"type": "Icon", "name": "Star"}]}, "not in Adaptive Cards 1.5"),
    ({"body": [{"type": "TextBlock", "text": "  "}]}, "non-empty"),
    ({"body": [{"type": "TextBlock", "text": "x", "color": "red"}]}, "color"),
    ({"body": [{"type": "Input.Text", "id": "a"}, {"type": "Input.Text", "id": "a"}]},
     "used twice"),
    ({"body": [{"type": "Input.Text", "id": ""}]}, "non-empty string"),
    ({"body": [{"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "A"}]}]},
     "string title and value"),
    ({"body": [{"type": "Input.ChoiceSet", "id": "c", "value": "b",
                "choices": [{"title": "A", "value": "a"}]}]}, "not a choice"),
    ({"actions": [{"type": "Action.Submit", "title": "Go", "data": "go"}]}, "object"),
    ({"actions": [{"type": "Action.Submit", "title": ""}]}, "title"),
    ({"body": [{"type": "TextBlock", "text": "x" * 30_000}]}, "28 kB"),
])
def test_the_checker_names_what_teams_would_refuse(broken: dict[str, Any], complaint: str) -> None:
    card = {"type": "AdaptiveCard", "version": "1.5",
            "body": [{"type": "TextBlock", "text": "ok"}], **broken}

    with pytest.raises(CardProblem, match=complaint):
        assert_adaptive_card_1_5(card)


def test_a_persons_words_inside_our_emphasis_leave_it_intact_and_format_nothing() -> None:
    name = literal("Ada *the* _boss_ `x`")
    message = Message(title=f"Meet {name}", text=f"*{name}* is the *mentor*: _{literal('a_b')}_",
                      facts=(Fact("Team", "**R&D** [site](https://evil.example)"),))

    title, text, facts = message_card(message)["body"]

    assert text["text"] == "**Ada ∗the∗ ＿boss＿ ˋxˋ** is the **mentor**: _a_b_"
    assert title["text"] == "Meet Ada ∗the∗ ＿boss＿ ˋxˋ"
    assert facts["facts"][0]["value"] == "∗∗R&D∗∗ [site］(https://evil.example)"
    assert "\u2068" not in str(message_card(message))


@pytest.mark.parametrize(("typed", "shown"), [
    ("[Reset your password](https://evil.example)", "[Reset your password］(https://evil.example)"),
    ("![x](https://evil.example/p.png)", "![x］(https://evil.example/p.png)"),
    ("[a][ref]", "[a］[ref]"),
    ("<https://evil.example|Reset here>", "Reset here (https://evil.example)"),
    ("<https://evil.example>", "https://evil.example"),
    ("<mailto:x@evil.example|Write>", "Write (mailto:x@evil.example)"),
])
def test_links_in_any_text_read_as_words_or_plain_addresses(typed: str, shown: str) -> None:
    (block,) = text_blocks(f"Reason: {typed}")
    assert block["text"] == f"Reason: {shown}"
    (isolated,) = text_blocks(f"Reason: {literal(typed)}")
    assert not any(shape in isolated["text"] for shape in ("](", "][", "<"))


def rows_of(card: dict[str, Any]) -> list[list[str]]:
    """The button titles as a phone lays them out, row by row."""
    rows = [[a["title"] for a in e["actions"]] for e in card["body"] if e["type"] == "ActionSet"]
    return rows + ([[a["title"] for a in card["actions"]]] if card.get("actions") else [])


def test_buttons_share_a_row_only_when_no_title_would_be_cut_on_a_phone() -> None:
    def card(*labels: str) -> dict[str, Any]:
        made = message_card(Message(text="Hi", buttons=tuple(Button(t, "x") for t in labels)))
        assert_adaptive_card_1_5(made)  # which also measures every row at 360 px
        return made

    assert rows_of(card("End the pairing", "Keep it")) == [["End the pairing", "Keep it"]]
    assert rows_of(card("We met", "Skip", "Another", "Find a time")) == [
        ["We met", "Skip", "Another"], ["Find a time"]]
    assert rows_of(card("Leave", "Leave and delete my data", "Stay")) == [
        ["Leave"], ["Leave and delete my data"], ["Stay"]]
    assert "actions" not in card("Leave", "Leave and delete my data", "Stay")


def test_the_checker_catches_a_title_a_phone_would_cut_and_choices_that_do_not_wrap() -> None:
    row = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Hi"}],
           "actions": [{"type": "Action.Submit", "title": t, "data": {}}
                       for t in ("We met", "Skip this time", "Another prompt")]}
    with pytest.raises(CardProblem, match="'Skip this time' is cut at 360 px"):
        assert_adaptive_card_1_5(row)
    choices = {"type": "AdaptiveCard", "version": "1.5", "body": [
        {"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "A", "value": "a"}]}]}
    with pytest.raises(CardProblem, match="must wrap"):
        assert_adaptive_card_1_5(choices)
