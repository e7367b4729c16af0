"""Cleaning what people type: strip control characters, cap length, keep emoji and accents."""

from __future__ import annotations

import re
import unicodedata

import regex

MAX_COMMAND_LENGTH = 2000
MAX_ID = 2**31 - 1  # the id columns are INTEGER: 32 bits on PostgreSQL
# Unicode's isolates (UAX #9), which belong around embedded text anyway: invisible on every
# surface, and they tell an adapter where a person's words start and end inside our markup.
ISOLATE, POP_ISOLATE = "\u2068", "\u2069"
_MARKUP = re.compile(r"[*_`~\\\[\]<>\n\r]")
_GRAPHEME = regex.compile(r"\X")
# Zero-width joiners (U+200C, U+200D) stay: they hold emoji such as 👩‍💻 and some scripts together.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Normalise to NFC and drop invisible control characters, keeping line breaks."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def length(text: str) -> int:
    """Characters as people see them: an emoji, a flag or a letter with its accent counts 1
    (extended grapheme clusters), however many code points it is made of."""
    return len(_GRAPHEME.findall(text))


def within(text: str, limit: int) -> str:
    """The first `limit` characters as people see them (never half an emoji)."""
    return "".join(_GRAPHEME.findall(text)[:limit])


def whole_number(text: str, maximum: int) -> int | None:
    """A positive whole number typed or carried in a button, or None. ASCII digits only:
    int() would also read '٣' and choke on '²', which str.isdigit() lets through."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


def parse_id(text: str) -> int | None:
    """A row id from a button value or a form's context, or None when it cannot be one (a
    value beyond the id column's range would make the database refuse the query)."""
    return whole_number(text, MAX_ID)


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


def quote(text: str, limit: int = 40) -> str:
    """Echo user text back safely: short, no markup that could break our formatting."""
    shown = one_line(text).replace("`", "'").replace("*", "").replace("<", "‹").replace(">", "›")
    return literal(shown if len(shown) <= limit else shown[: limit - 1] + "…")


def literal(text: str) -> str:
    """A person's words (a name, goals, a reason, a comment) for a place in our formatted text.
    Words with characters some surface reads as markup come back isolated (U+2068 … U+2069),
    so each adapter can show them as words; other words come back unchanged."""
    text = text.replace(ISOLATE, "").replace(POP_ISOLATE, "")
    return f"{ISOLATE}{text}{POP_ISOLATE}" if _MARKUP.search(text) else text


def plural(count: int, one: str, many: str | None = None) -> str:
    """"1 pair", "2 pairs", "0 pairs", "87,034 people"; `many` where adding an s would be
    wrong ("people")."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
