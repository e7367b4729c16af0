"""Finding a forgotten person's words in stored text: a SQL pre-filter (LIKE, so one pass in
the database) and an exact check in Python, which the pre-filter alone cannot make portably
(SQLite's LIKE ignores case, and neither database knows word boundaries)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import false, or_


def like_escaped(text: str) -> str:
    """`text` inside a LIKE pattern that uses backslash as its escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _forms(word: str) -> set[str]:
    """The word as written, and as it reads inside a JSON string (quotes, backslashes and line
    breaks escaped): payloads are stored as JSON."""
    return {word, json.dumps(word, ensure_ascii=False)[1:-1]}


def _all_forms(words: Iterable[str]) -> set[str]:
    return {form for word in words if word for form in _forms(word)}


def contains_any(column: Any, words: Sequence[str]) -> Any:
    """Rows whose `column` may hold one of `words` (a superset: confirm with `mentions`)."""
    forms = _all_forms(words)
    if not forms:
        return false()
    return or_(*(column.like(f"%{like_escaped(form)}%", escape="\\") for form in sorted(forms)))


# A word starts where no letter or digit comes before it, or right after an escape inside a
# JSON string: in a stored payload, "Round confirmed\nZephyr → Sam" reads `\nZephyr`, and the
# escape's letter is no part of the name.
_STARTS = r"(?:(?<!\w)|(?<=\\[bfnrt])|(?<=\\u[0-9a-fA-F]{4}))"


def mentions(text: str | None, words: Sequence[str]) -> bool:
    """Whether `text` holds one of `words` as a whole: "Al" is not found in "Also"."""
    if not text:
        return False
    return any(re.search(rf"{_STARTS}{re.escape(form)}(?!\w)", text) for form in _all_forms(words))


def has_part(column: Any, value: str) -> Any:
    """Keys built from ids joined by ':' (outbox keys, event ids) that hold `value` as one of
    their parts, for the pre-filter; `holds_part` confirms."""
    escaped = like_escaped(value)
    return or_(column.like(f"%:{escaped}", escape="\\"), column.like(f"%:{escaped}:%", escape="\\"))


def holds_part(key: str | None, value: str) -> bool:
    """Ids may hold ':' themselves (Teams user ids do), so this compares text, not a split."""
    if not key or not value:
        return False
    return key.endswith(f":{value}") or f":{value}:" in key
