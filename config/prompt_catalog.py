"""Conversation-prompt catalog: load and validate the prompts and agendas shipped in ``prompts/``.

The catalog is plain data in two YAML files:

* ``catalog.yaml`` -- ``prompts:``, a list of weekly conversation prompts. Each has an ``id``
  (kebab-case, unique), a ``topic`` (a configured topic id or a program-level topic), a ``kind``,
  a short ``title``, 2 or 3 open ``questions`` both people answer and an optional ``exercise``.
* ``agendas.yaml`` -- ``agendas:``, a list of meeting agendas with ``id``, ``title`` and ``steps``.
  An agenda with id ``first-meeting`` is required.

``load_catalog`` checks everything up front and raises ``CatalogError`` with a message that names
the file, the entry id and the problem, so a bad edit fails at start-up rather than in a chat.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.catalog_yaml import (
    MAX_TEXT_CHARS,
    CatalogError,
    Where,
    check_keys,
    parse_id,
    read_list,
    text_of,
    type_name,
)
from prompts import CATALOG_DIR

__all__ = ["MAX_TEXT_CHARS", "Agenda", "Catalog", "CatalogError", "Prompt", "load_catalog",
           "load_default_catalog"]

CATALOG_FILE = "catalog.yaml"
AGENDAS_FILE = "agendas.yaml"
FIRST_MEETING_AGENDA_ID = "first-meeting"

#: Topics that belong to the program itself rather than to a skill area; always accepted.
PROGRAM_TOPICS: frozenset[str] = frozenset({"clean-sheet", "smart-goals", "feedback", "agenda"})
#: What a prompt is.
PROMPT_KINDS: frozenset[str] = frozenset(
    {"conversation", "exercise", "goals", "feedback", "agenda"}
)
#: A prompt filed under a program-level topic must be of the matching kind.
_PROGRAM_TOPIC_KIND: dict[str, str] = {
    "clean-sheet": "exercise",
    "smart-goals": "goals",
    "feedback": "feedback",
    "agenda": "agenda",
}

MAX_TITLE_CHARS = 150
MIN_QUESTIONS = 2
MAX_QUESTIONS = 3
MAX_AGENDA_STEPS = 12

_PROMPT_KEYS = frozenset({"id", "topic", "kind", "title", "questions", "exercise"})
_PROMPT_REQUIRED = ("id", "topic", "kind", "title", "questions")
_AGENDA_KEYS = frozenset({"id", "title", "steps"})




@dataclass(frozen=True, slots=True)
class Prompt:
    """One weekly conversation prompt."""

    id: str
    topic: str
    title: str
    questions: tuple[str, ...]
    exercise: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class Agenda:
    """A meeting agenda: an ordered list of steps."""

    id: str
    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every prompt and agenda, in file order."""

    prompts: tuple[Prompt, ...]
    agendas: tuple[Agenda, ...]

    def prompts_for_topics(self, topics: str | Iterable[str]) -> tuple[Prompt, ...]:
        """Prompts filed under any of ``topics``.

        Grouped in the order the topics are given (repeats ignored), file order within a topic.
        A topic with no prompts contributes nothing. A single string is treated as one topic.
        """
        wanted = [topics] if isinstance(topics, str) else list(dict.fromkeys(topics))
        return tuple(p for topic in wanted for p in self.prompts if p.topic == topic)

    def first_meeting_agenda(self) -> Agenda:
        """The agenda for a pair's first meeting (always present in a loaded catalog)."""
        return self.agenda(FIRST_MEETING_AGENDA_ID)

    def agenda(self, agenda_id: str) -> Agenda:
        """The agenda with ``agenda_id``; ``KeyError`` if there is none."""
        for agenda in self.agendas:
            if agenda.id == agenda_id:
                return agenda
        raise KeyError(agenda_id)

    def prompt(self, prompt_id: str) -> Prompt:
        """The prompt with ``prompt_id``; ``KeyError`` if there is none."""
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        raise KeyError(prompt_id)


def load_catalog(directory: Path, topic_ids: Collection[str]) -> Catalog:
    """Load ``catalog.yaml`` and ``agendas.yaml`` from ``directory`` and validate them.

    ``topic_ids`` are the configured skill topics; a prompt's topic must be one of them or one of
    ``PROGRAM_TOPICS``. Raises ``CatalogError`` on the first problem found.
    """
    if isinstance(topic_ids, str):
        raise TypeError("topic_ids must be a collection of topic ids, not a single string")
    allowed_topics = frozenset(topic_ids) | PROGRAM_TOPICS
    directory = Path(directory)
    prompts = _load_prompts(directory / CATALOG_FILE, allowed_topics)
    agendas = _load_agendas(directory / AGENDAS_FILE)
    return Catalog(prompts=prompts, agendas=agendas)


def load_default_catalog(topic_ids: Collection[str]) -> Catalog:
    """Load the catalog shipped with the application (``prompts/``)."""
    return load_catalog(CATALOG_DIR, topic_ids)


# --- prompts ---------------------------------------------------------------------------------


def _load_prompts(path: Path, allowed_topics: frozenset[str]) -> tuple[Prompt, ...]:
    entries = read_list(path, "prompts")
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        where = Where(path, "prompt", position)
        prompt = _parse_prompt(entry, where, allowed_topics)
        if prompt.id in seen:
            raise where.error(f"duplicate id (another prompt already uses '{prompt.id}')")
        seen.add(prompt.id)
        prompts.append(prompt)
    return tuple(prompts)


def _parse_prompt(entry: Any, where: Where, allowed_topics: frozenset[str]) -> Prompt:
    if not isinstance(entry, dict):
        raise where.error(f"each prompt must be a mapping, found {type_name(entry)}")
    where.id = parse_id(entry, where)
    check_keys(entry, _PROMPT_KEYS, _PROMPT_REQUIRED, where)

    topic = text_of(entry["topic"], "topic", where, MAX_TITLE_CHARS)
    if topic not in allowed_topics:
        raise where.error(f"unknown topic '{topic}' (known: {', '.join(sorted(allowed_topics))})")
    kind = text_of(entry["kind"], "kind", where, MAX_TITLE_CHARS)
    if kind not in PROMPT_KINDS:
        raise where.error(f"unknown kind '{kind}' (known: {', '.join(sorted(PROMPT_KINDS))})")
    expected_kind = _PROGRAM_TOPIC_KIND.get(topic)
    if expected_kind is not None and kind != expected_kind:
        raise where.error(f"topic '{topic}' needs kind '{expected_kind}', found '{kind}'")

    title = text_of(entry["title"], "title", where, MAX_TITLE_CHARS)

    raw_questions = entry["questions"]
    if not isinstance(raw_questions, list):
        raise where.error(f"questions must be a list, found {type_name(raw_questions)}")
    if not MIN_QUESTIONS <= len(raw_questions) <= MAX_QUESTIONS:
        raise where.error(
            f"needs {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, found {len(raw_questions)}"
        )
    questions = tuple(
        text_of(q, f"question {n}", where, MAX_TEXT_CHARS)
        for n, q in enumerate(raw_questions, start=1)
    )
    if len(set(questions)) != len(questions):
        raise where.error("repeats a question")

    raw_exercise = entry.get("exercise")
    exercise = None if raw_exercise is None else text_of(raw_exercise, "exercise", where)
    if kind == "exercise" and exercise is None:
        raise where.error("kind 'exercise' needs an exercise")

    return Prompt(
        id=where.id, topic=topic, title=title, questions=questions, exercise=exercise, kind=kind
    )


# --- agendas ---------------------------------------------------------------------------------


def _load_agendas(path: Path) -> tuple[Agenda, ...]:
    entries = read_list(path, "agendas")
    agendas: list[Agenda] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        where = Where(path, "agenda", position)
        agenda = _parse_agenda(entry, where)
        if agenda.id in seen:
            raise where.error(f"duplicate id (another agenda already uses '{agenda.id}')")
        seen.add(agenda.id)
        agendas.append(agenda)
    if FIRST_MEETING_AGENDA_ID not in seen:
        raise CatalogError(f"{path}: no agenda with id '{FIRST_MEETING_AGENDA_ID}'")
    return tuple(agendas)


def _parse_agenda(entry: Any, where: Where) -> Agenda:
    if not isinstance(entry, dict):
        raise where.error(f"each agenda must be a mapping, found {type_name(entry)}")
    where.id = parse_id(entry, where)
    check_keys(entry, _AGENDA_KEYS, ("id", "title", "steps"), where)
    title = text_of(entry["title"], "title", where, MAX_TITLE_CHARS)
    raw_steps = entry["steps"]
    if not isinstance(raw_steps, list):
        raise where.error(f"steps must be a list, found {type_name(raw_steps)}")
    if not 1 <= len(raw_steps) <= MAX_AGENDA_STEPS:
        raise where.error(f"needs 1 to {MAX_AGENDA_STEPS} steps, found {len(raw_steps)}")
    steps = tuple(
        text_of(s, f"step {n}", where, MAX_TEXT_CHARS) for n, s in enumerate(raw_steps, start=1)
    )
    return Agenda(id=where.id, title=title, steps=steps)
