"""Finding a forgotten person's name in stored text, plain or JSON-encoded."""

from __future__ import annotations

import json

from storage.traces import mentions


def test_a_name_right_after_a_line_break_or_tab_in_a_json_payload_is_found() -> None:
    for text in ("Round #1 confirmed\nZephyr → Sam", "Pairs:\tZephyr", "x\x01Zephyr"):
        assert mentions(json.dumps({"text": text}, ensure_ascii=False), ["Zephyr"]), text


def test_a_name_inside_another_word_is_not_found() -> None:
    assert not mentions("Alsozephyr Zephyrine", ["Zephyr"])
    assert not mentions(json.dumps({"text": "Also\nAlbert"}), ["Al", "bert"])
