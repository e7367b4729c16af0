"""Slack payloads translated into neutral events."""

from __future__ import annotations

from adapters.slack.events import action_event, form_values, slack_text, submission_event
from core.events import Profile


def test_view_state_values_become_field_answers_of_the_right_types() -> None:
    values = form_values({
        "team": {"value": {"type": "plain_text_input", "value": "Payments"}},
        "goals": {"value": {"type": "plain_text_input", "value": None}},
        "role": {"value": {"type": "radio_buttons", "selected_option": {"value": "mentor"}}},
        "department": {"value": {"type": "static_select", "selected_option": None}},
        "teach": {"value": {"type": "checkboxes", "selected_options": [{"value": "a"},
                                                                       {"value": "b"}]}},
        "learn": {"value": {"type": "multi_static_select", "selected_options": []}},
    })

    assert values == {"team": "Payments", "goals": "", "role": "mentor", "department": "",
                      "teach": ("a", "b"), "learn": ()}


def test_event_ids_come_from_the_trigger_or_from_stable_parts_of_the_payload() -> None:
    body = {"user": {"id": "U1"}, "team": {"id": "T1"}, "container": {"message_ts": "1.2"}}
    action = {"action_id": "membership.leave#2", "value": "delete", "action_ts": "3.4"}
    view = {"id": "V1", "hash": "h9", "callback_id": "signup", "state": {"values": {}}}

    pressed = action_event({**body, "trigger_id": "tr"}, action, Profile())
    without_trigger = action_event(body, action, Profile())
    submitted = submission_event({**body, "view": view})

    assert (pressed.event_id, pressed.action_id, pressed.value) == (
        "slack:T1:tr", "membership.leave", "delete")
    assert without_trigger.event_id == "slack:T1:1.2::3.4"
    assert submitted.event_id == "slack:T1:V1:h9"


def test_text_slack_escaped_reaches_the_flows_as_typed() -> None:
    assert slack_text("pause until 1 &lt; 2 &amp;&gt;") == "pause until 1 < 2 &>"
