"""The one registry: every command, button, form and job, declared by the feature that owns it.

Help text, unknown-word suggestions, Slack's slash-command hints and which commands need the
platform profile are all read from here, and the router is a lookup in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from core.context import Context
from core.events import Event
from core.messages import Response
from storage.models import Person, Status


@dataclass(frozen=True)
class Call:
    """One event as a handler sees it: who sent it (as the program knows them), what they typed
    after the command word (`args`), or the value of the button they pressed (`value`)."""

    event: Event
    person: Person | None
    args: str = ""
    value: str = ""

    @property
    def member(self) -> Person | None:
        """The sender as a program member: someone the bot merely knows (a visitor) is none."""
        if self.person is None or self.person.status == Status.VISITOR:
            return None
        return self.person


Handler = Callable[[Context, Call], Awaitable[Response]]
Job = Callable[[Context], Awaitable[int]]
T = TypeVar("T")


class Units(Protocol):
    """Units of work of their own, against the program's database."""

    def unit(self) -> AbstractAsyncContextManager[Context]:
        """A unit of work of its own: commits on exit, and what it queued is then delivered."""
        ...


class Work(Units, Protocol):
    """What a background task is handed: its own transactions, and a worker process for CPU."""

    database_url: str  # for a worker process to open its own connection

    async def offload(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the worker process, off the event loop. `fn` must be importable there
        and its arguments and result picklable. If the process dies, this raises
        concurrent.futures.process.BrokenProcessPool and the next call starts a fresh one."""
        ...

    async def offload_units(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """`await fn(units, *args)` in the worker process, where `units` opens units of work
        over the worker's own database connection (same program, clock and outbox): what they
        store and queue never crosses the loop, and what they queue is delivered once `fn`
        returns. Its result should be small: it is unpickled on the loop. Dies as `offload`."""
        ...


Task = Callable[[Work, int], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    word: str
    summary: str  # one line of help
    handler: Handler
    usage: str = ""  # how it is typed, e.g. "pause [until 2026-12-31]"; the word by default
    aliases: tuple[str, ...] = ()
    admin: bool = False  # typed as `admin WORD`, for the program team only
    needs_profile: bool = False  # the adapter fetches name, email and timezone first
    listed: bool = True  # shown in help
    # False for a command that only reads (`status`): nothing it does can change the sender's
    # Home view, so it is not published again (one write and one Web API call fewer).
    changes: bool = True

    @property
    def spelled(self) -> str:
        return f"admin {self.usage or self.word}" if self.admin else (self.usage or self.word)


@dataclass(frozen=True)
class ActionSpec:
    action_id: str
    handler: Handler
    admin: bool = False
    needs_profile: bool = False
    # The button's value starts with a row id ("12" or "12:reason"). Any other value was not
    # made by the bot, so the router answers "expired" before the handler reads it.
    carries_id: bool = False
    # Pressing it shows the person is engaged (nudges read that). Skipping a meeting is not.
    activity: bool = True


@dataclass(frozen=True)
class FormSpec:
    form_id: str
    handler: Handler
    admin: bool = False


class Registry:
    def __init__(self) -> None:
        self._commands: dict[tuple[bool, str], CommandSpec] = {}
        self._words: dict[tuple[bool, str], CommandSpec] = {}
        self._actions: dict[str, ActionSpec] = {}
        self._forms: dict[str, FormSpec] = {}
        self._jobs: dict[str, Job] = {}
        self._tasks: dict[str, Task] = {}

    def command(self, spec: CommandSpec) -> None:
        self._add(self._commands, (spec.admin, spec.word), spec)
        for word in (spec.word, *spec.aliases):
            self._add(self._words, (spec.admin, word), spec)

    def action(self, spec: ActionSpec) -> None:
        self._add(self._actions, spec.action_id, spec)

    def form(self, spec: FormSpec) -> None:
        self._add(self._forms, spec.form_id, spec)

    def job(self, name: str, run: Job) -> None:
        self._add(self._jobs, name, run)

    def task(self, name: str, run: Task) -> None:
        """Background work a handler starts with `ctx.start(name, row_id)`."""
        self._add(self._tasks, name, run)

    @staticmethod
    def _add(table: dict, key: object, value: object) -> None:  # type: ignore[type-arg]
        if key in table:
            raise ValueError(f"{key!r} is registered twice")
        table[key] = value

    def find_command(self, word: str, *, admin: bool = False) -> CommandSpec | None:
        return self._words.get((admin, word.lower()))

    def find_action(self, action_id: str) -> ActionSpec | None:
        return self._actions.get(action_id)

    def find_form(self, form_id: str) -> FormSpec | None:
        return self._forms.get(form_id)

    def commands(self, *, admin: bool = False) -> list[CommandSpec]:
        return [s for (is_admin, _), s in self._commands.items() if is_admin == admin and s.listed]

    def spoken_words(self, *, admin: bool = False) -> list[str]:
        """Every word a person may type for a command, aliases included."""
        return [word for (is_admin, word) in self._words if is_admin == admin]

    def jobs(self) -> dict[str, Job]:
        return dict(self._jobs)

    def tasks(self) -> dict[str, Task]:
        return dict(self._tasks)

    def hinted_words(self) -> set[str]:
        """Command words that messages quote in backticks; Slack prefixes them with its slash
        command, since a word typed in a channel reaches nobody."""
        return {s.word for s in self.commands()} | {"admin"}

    def needs_profile(self, text: str) -> bool:
        head = text.strip().split(" ", 1)[0].lower()
        spec = self.find_command(head)
        return spec is not None and spec.needs_profile

    def action_needs_profile(self, action_id: str) -> bool:
        spec = self.find_action(action_id)
        return spec is not None and spec.needs_profile


def register_each(registry: Registry, specs: Iterable[CommandSpec | ActionSpec | FormSpec]) -> None:
    for spec in specs:
        match spec:
            case CommandSpec():
                registry.command(spec)
            case ActionSpec():
                registry.action(spec)
            case FormSpec():
                registry.form(spec)
