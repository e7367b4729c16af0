"""Rendering neutral messages and forms as Block Kit: always within Slack's limits."""

from __future__ import annotations

from adapters.slack.blocks import message_payload, modal, neutral_action_id, text_chunks
from core.messages import Button, Choice, Fact, Form, FormField, Message
from tests.support.fake_slack import assert_block_kit_limits


def choices(count: int, label: str = "Option") -> tuple[Choice, ...]:
    return tuple(Choice(f"c{n}", f"{label} {n}") for n in range(count))


def test_long_text_is_split_into_sections_without_breaking_escaped_characters() -> None:
    text = ("word & more <b> " * 600).strip()  # 9,600 characters, 16,800 once escaped

    chunks = text_chunks(text)

    assert all(len(c) <= 3000 for c in chunks)
    assert "".join(chunks).replace(" ", "") == (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(" ", ""))


def test_an_enormous_message_still_fits_in_fifty_blocks() -> None:
    message = Message(title="T" * 400, text="x" * 300_000,
                      facts=tuple(Fact(f"Label {n}", "v" * 3000) for n in range(25)),
                      buttons=tuple(Button("B" * 100, f"action.{n}", "v" * 3000) for n in range(30)))

    payload = message_payload(message)

    assert_block_kit_limits(payload)
    assert payload["blocks"][0]["text"]["text"].endswith("…")
    assert [len(b["elements"]) for b in payload["blocks"] if b["type"] == "actions"] == [25, 5]
    assert [len(b["fields"]) for b in payload["blocks"] if "fields" in b] == [10, 10, 5]


def test_mentions_and_links_in_text_and_facts_are_escaped() -> None:
    message = Message(text="Hi <!channel> & <@U1>", title="<!here>",
                      facts=(Fact("Team", "<https://evil.example|click>"),))

    payload = message_payload(message)

    rendered = str(payload)
    assert "<!channel>" not in rendered and "<@U1>" not in rendered and "<https" not in rendered
    assert payload["blocks"][1]["text"]["text"] == "Hi &lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert payload["text"].startswith("&lt;!here&gt;")  # notifications are mrkdwn too


def test_buttons_sharing_an_action_id_get_unique_ids_that_map_back() -> None:
    message = Message(text="Leave?", buttons=(
        Button("Leave", "membership.leave", "keep", "primary"),
        Button("Leave and delete", "membership.leave", "delete", "danger"),
        Button("Stay", "membership.stay")))

    [actions] = [b for b in message_payload(message)["blocks"] if b["type"] == "actions"]

    ids = [e["action_id"] for e in actions["elements"]]
    assert len(set(ids)) == 3
    assert [neutral_action_id(i) for i in ids] == [
        "membership.leave", "membership.leave", "membership.stay"]
    assert [e.get("style") for e in actions["elements"]] == ["primary", "danger", None]


def test_a_form_becomes_a_modal_with_the_right_inputs_and_prefilled_answers() -> None:
    form = Form(
        form_id="signup", title="A title far longer than twenty-four characters",
        intro="Tell us *about* you", submit_label="Save", context="round-7",
        values={"name": "Ada", "size": "c2", "color": "c7", "tags": ("c1", "c3"),
                "many": ("c11",)},
        fields=(
            FormField("name", "Name", "text", max_length=50, hint="As colleagues know you"),
            FormField("bio", "Bio", "long_text", required=False, max_length=500),
            FormField("size", "Size", "single_choice", choices=choices(5)),
            FormField("color", "Color", "single_choice", choices=choices(12)),
            FormField("tags", "Tags", "multi_choice", choices=choices(10)),
            FormField("many", "Many", "multi_choice", choices=choices(150, "L" * 90)),
            FormField("stars", "Stars", "rating"),
        ))

    view = modal(form).to_dict()

    assert_block_kit_limits(view)
    assert (view["callback_id"], view["private_metadata"]) == ("signup", "round-7")
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    kinds = {name: block["element"]["type"] for name, block in inputs.items()}
    assert kinds == {"name": "plain_text_input", "bio": "plain_text_input",
                     "size": "radio_buttons", "color": "static_select", "tags": "checkboxes",
                     "many": "multi_static_select", "stars": "radio_buttons"}
    assert inputs["name"]["element"]["initial_value"] == "Ada"
    assert inputs["bio"]["element"]["multiline"] and inputs["bio"]["optional"]
    assert inputs["size"]["element"]["initial_option"]["value"] == "c2"
    assert inputs["color"]["element"]["initial_option"] in inputs["color"]["element"]["options"]
    assert [o["value"] for o in inputs["tags"]["element"]["initial_options"]] == ["c1", "c3"]
    assert len(inputs["many"]["element"]["options"]) == 100
    assert len(inputs["many"]["element"]["options"][0]["text"]["text"]) == 75
    assert inputs["name"]["hint"]["text"] == "As colleagues know you"


def test_a_choice_saved_earlier_that_no_longer_exists_is_simply_not_preselected() -> None:
    form = Form(form_id="f", title="Poll", values={"pick": "gone", "many": ("gone",)},
                fields=(FormField("pick", "Pick", "single_choice", choices=choices(3)),
                        FormField("many", "Many", "multi_choice", choices=choices(3))))

    view = modal(form).to_dict()

    assert_block_kit_limits(view)
    assert all("initial_option" not in b["element"] and "initial_options" not in b["element"]
               for b in view["blocks"] if b["type"] == "input")


def test_a_home_tab_keeps_within_100_blocks_with_whole_sections_and_unique_action_ids() -> None:
    from adapters.slack.blocks import home_view
    from core.messages import Home

    section = Message(title="A section", text="Some words.\n" * 3,
                      facts=tuple(Fact(f"Fact {n}", "value") for n in range(12)),
                      buttons=(Button("Stats", "admin.stats"), Button("Leave", "membership.leave")))
    view = home_view(Home(sections=(section,) * 40)).to_dict()

    assert_block_kit_limits(view)  # type home, at most 100 blocks
    blocks = view["blocks"]
    assert 90 < len(blocks) <= 100
    assert blocks[-1]["type"] == "actions"  # the last section shown is whole, buttons and all
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids))
    assert {neutral_action_id(i) for i in ids} == {"admin.stats", "membership.leave"}
