"""Cleaning what people type: strip control characters, cap length, keep emoji and accents."""

from __future__ import annotations

import re
import unicodedata

MAX_COMMAND_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Normalise to NFC and drop invisible control characters, keeping line breaks."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


def quote(text: str, limit: int = 40) -> str:
    """Echo user text back safely: short, no markup that could break our formatting."""
    shown = one_line(text).replace("`", "'").replace("*", "").replace("<", "‹").replace(">", "›")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
