"""What people type: parsing command words, and the help and unknown-word answers, all read
from the registry."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from config.program import Program
from core.messages import Message
from core.text import MAX_COMMAND_LENGTH, clean, quote
from features.registry import Registry

GREETINGS = ("hi", "hello", "?")  # answered with help, like an empty command
HELP_SUMMARY = "what the program is and what you can say"  # help is the router's own


@dataclass(frozen=True)
class Parsed:
    word: str  # a command word as typed ("help" for empty input), lower-cased
    args: str


def parse(text: str, slash_command: str) -> Parsed:
    words = clean(text)
    if words.lower().startswith(slash_command):
        words = words[len(slash_command) :].strip()
    if not words:
        return Parsed("help", "")
    head, _, rest = words.partition(" ")
    word = head.lower().strip(".!") or head.lower()
    return Parsed("help" if word in GREETINGS else word, rest.strip())


def too_long(text: str) -> bool:
    return len(text) > MAX_COMMAND_LENGTH


def help_message(program: Program, registry: Registry) -> Message:
    lines = "\n".join(f"- `{c.spelled}`: {c.summary}" for c in registry.commands())
    return Message(
        title=f"{program.name}: reverse mentoring",
        text=(
            "Junior colleagues mentor senior ones on AI and digital tools, social media, "
            "how younger employees and customers see the company, and work-life balance; "
            "seniors share leadership and how the organisation works in return. "
            "Joining is optional, conversations stay between the two of you, "
            f"and you can pause or leave any time.\n- `help`: {HELP_SUMMARY}\n" + lines
        ),
    )


def admin_help(registry: Registry) -> Message:
    lines = "\n".join(f"- `{c.spelled}`: {c.summary}" for c in registry.commands(admin=True))
    return Message(title="Admin commands", text=lines)


def unknown_message(word: str, registry: Registry, *, admin: bool = False) -> Message:
    names = registry.spoken_words(admin=admin) + ([] if admin else ["help"])
    close = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.6)
    if close:
        spec = registry.find_command(close[0], admin=admin)
        suggestion = spec.spelled.split(" [")[0].split(" @")[0] if spec else close[0]
        hint = f" Did you mean `{suggestion}`?"
    else:
        hint = ""
    where = "`admin help`" if admin else "`help`"
    shown = f"admin {quote(word[:30])}" if admin else quote(word)
    return Message(text=f"Sorry, I don't know “{shown}”.{hint} Type {where} to see what I can do.")


def too_long_message() -> Message:
    return Message(
        text=f"That message is too long for a command ({MAX_COMMAND_LENGTH} characters at most). "
        "Type `help` to see the commands."
    )
