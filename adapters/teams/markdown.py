"""Neutral text as Teams markdown (TextBlock and FactSet), with people's words kept as words.

The flows write a small markdown subset (*bold*, _italic_, `code`, "- " bullets) and put
people's words into it through `core.text.literal`, which isolates any that hold markup
characters between U+2068 and U+2069. Here those words are escaped for Teams: characters
TextBlock markdown would read are swapped for look-alikes (Teams clients disagree on
backslash escapes: iOS and Android show the backslash). Whatever the source of a text,
no link survives: the neutral subset has none, so link syntax in it came from a person,
and a Slack link (`<https://…|label>`, from text written on Slack) shows its address.
"""

from __future__ import annotations

import re

from core.text import ISOLATE, POP_ISOLATE

_SPAN = re.compile(f"{ISOLATE}([^{ISOLATE}{POP_ISOLATE}]*){POP_ISOLATE}")
_STRAY = re.compile(f"[{ISOLATE}{POP_ISOLATE}]")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^\s<>|]{1,2000})(?:\|([^<>]{0,500}))?>",
                         re.IGNORECASE)
# `[label](url)`, `![alt](url)` and `[label][ref]`: without the bracket they are words.
_LINK_BRACKET = re.compile(r"\](?=[(\[])")
_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])_(?=[^\W_])")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_LOOK_ALIKES = str.maketrans({
    "*": "\u2217",  # asterisk operator
    "_": "\uff3f",  # fullwidth low line
    "`": "\u02cb",  # modifier letter grave accent
    "~": "\u223c",  # tilde operator
    "\\": "\u29f5",  # reverse solidus operator
})
_KEEP = "\x00"  # stands in for an intraword underscore while the others are swapped


def _address(match: re.Match[str]) -> str:
    url, label = match.group(1), (match.group(2) or "").strip()
    return f"{label} ({url})" if label and label != url else url


def unlinked(text: str) -> str:
    text = _SLACK_LINK.sub(_address, text)
    return _LINK_BRACKET.sub("\uff3d", text)  # fullwidth right square bracket


def words(text: str) -> str:
    """A person's text, shown as typed on one line, with nothing Teams would format.
    An underscore inside a word (snake_case, New_York) cannot start emphasis and stays."""
    text = " ".join(_SLACK_LINK.sub(_address, text).split())
    text = _INTRAWORD_UNDERSCORE.sub(_KEEP, text).translate(_LOOK_ALIKES)
    return text.replace(_KEEP, "_")


def without_isolates(text: str) -> str:
    """For plain-text places (button titles, input labels, notification summaries)."""
    return _STRAY.sub("", text)


def isolated_words(text: str) -> str:
    """Escape the people's words isolated in neutral text; their isolates go."""
    return without_isolates(_SPAN.sub(lambda m: words(m.group(1)), text))


def teams_markdown(line: str) -> str:
    """One line of the neutral subset in TextBlock markdown: *bold* → **bold**; _italic_ is
    already right. TextBlock has no inline code, so `commands` are shown bold: they are what
    people type."""
    line = _BOLD.sub(r"**\1**", line)
    return unlinked(_CODE.sub(r"**\1**", line))


def plain(text: str) -> str:
    """Text the neutral layer means as plain (titles, facts) as TextBlock markdown."""
    return unlinked(words(without_isolates(text)))
