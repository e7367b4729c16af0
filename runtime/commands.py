"""Command words: parsing what people type and answering `help` and unknown words."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from config.program import Program
from core.messages import Message
from core.text import MAX_COMMAND_LENGTH, clean, quote


@dataclass(frozen=True)
class CommandInfo:
    name: str
    usage: str
    summary: str


COMMANDS = (
    CommandInfo("help", "help", "what the program is and what you can say"),
    CommandInfo("join", "join", "sign up: a short survey so we can match you"),
    CommandInfo("profile", "profile", "see or change your survey answers"),
    CommandInfo("status", "status", "where you stand in the program"),
    CommandInfo("pause", "pause [until 2026-12-31]", "take a break from prompts and nudges"),
    CommandInfo("resume", "resume", "come back from a break"),
    CommandInfo("met", "met [note]", "log that you and your partner met today"),
    CommandInfo("end", "end [reason]", "close your current pairing"),
    CommandInfo("leave", "leave", "leave the program, optionally deleting your data"),
)
ALIASES = {
    "signup": "join",
    "sign-up": "join",
    "start": "join",
    "optin": "join",
    "opt-in": "join",
    "edit": "profile",
    "me": "status",
    "unpause": "resume",
    "quit": "leave",
    "stop": "leave",
    "hi": "help",
    "hello": "help",
    "?": "help",
}


@dataclass(frozen=True)
class Parsed:
    name: str  # a command name, "" for empty input, or the unknown word
    args: str
    known: bool


def parse(text: str, slash_command: str) -> Parsed:
    words = clean(text)
    if words.lower().startswith(slash_command):
        words = words[len(slash_command) :].strip()
    if not words:
        return Parsed("help", "", True)
    head, _, rest = words.partition(" ")
    name = head.lower().strip(".!")
    name = ALIASES.get(name, name)
    known = any(c.name == name for c in COMMANDS) or name == "admin"
    return Parsed(name, rest.strip(), known)


def too_long(text: str) -> bool:
    return len(text) > MAX_COMMAND_LENGTH


def help_message(program: Program, prefix: str) -> Message:
    lines = "\n".join(f"- `{prefix}{c.usage}`: {c.summary}" for c in COMMANDS)
    return Message(
        title=f"{program.name}: reverse mentoring",
        text=(
            "Junior colleagues mentor senior ones on AI and digital tools, social media, "
            "how younger employees and customers see the company, and work-life balance; "
            "seniors share leadership and how the organisation works in return. "
            "Joining is optional, conversations stay between the two of you, "
            "and you can pause or leave any time.\n" + lines
        ),
    )


def unknown_message(word: str, prefix: str) -> Message:
    names = [c.name for c in COMMANDS] + list(ALIASES)
    close = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.6)
    hint = f" Did you mean `{prefix}{ALIASES.get(close[0], close[0])}`?" if close else ""
    return Message(
        text=f"Sorry, I don't know “{quote(word)}”.{hint} Type `{prefix}help` to see what I can do."
    )


def too_long_message() -> Message:
    return Message(
        text=f"That message is too long for a command ({MAX_COMMAND_LENGTH} characters at most). "
        "Type `help` to see the commands."
    )
