"""What a curious admin reads off `admin stats` and `admin export`, and what they can work out
from it. The attack tests hand these observations to the arithmetic an admin would try."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import zipfile
from dataclasses import dataclass

from sqlmodel import col, select

from storage.models import ExportLink, OutboxMessage
from tests.support.world import World

Rows = list[dict[str, str]]


@dataclass(frozen=True)
class Seen:
    """One published figure: how many answers it covers and their average (None: not shown)."""

    answers: int | None
    average: float | None


async def stats(world: World, args: str = "") -> str:
    response = await world.person("ada").say(f"admin stats {args}".strip())
    return "\n".join(m.text for m in response.messages)


def poll_in_stats(text: str) -> Seen:
    """The latest poll figure in the stats' satisfaction section."""
    section = text.split("*Satisfaction*", 1)[-1].split("\n*", 1)[0]
    answers = re.search(r"(\d+) answers", section)
    average = re.search(r"Average value: (\d\.\d)", section)
    return Seen(int(answers.group(1)) if answers else None,
                float(average.group(1)) if average else None)


def closing_in_stats(text: str) -> Seen:
    section = text.split("*Closing survey*", 1)[-1].split("\n*", 1)[0] if (
        "*Closing survey*" in text) else ""
    answers = re.search(r"(\d+) answers", section)
    average = re.search(r"recommend[^\d]*(\d\.\d)", section)
    return Seen(int(answers.group(1)) if answers else None,
                float(average.group(1)) if average else None)


async def export(world: World, args: str = "") -> dict[str, Rows]:
    """Ask for an export and open the zip it delivers: every CSV file, as rows."""
    await world.person("ada").say(f"admin export {args}".strip())
    await world.tasks.idle()  # the zip is prepared in the background
    async with world.database.session() as session:
        key = (await session.exec(select(OutboxMessage.key).where(
            col(OutboxMessage.key).startswith("export:")).order_by(
            col(OutboxMessage.id).desc()))).first()
        assert key is not None, "no export was sent"
        link = await session.get(ExportLink, key.removeprefix("export:"))
    assert link is not None
    with zipfile.ZipFile(io.BytesIO(link.content)) as archive:
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
                for name in archive.namelist() if name.endswith(".csv")}


def poll_in_export(files: dict[str, Rows]) -> Seen:
    """The latest poll row of polls.csv."""
    if not files["polls.csv"]:
        return Seen(None, None)
    row = files["polls.csv"][-1]
    average = row["average value (1-5)"]
    return Seen(int(row["responses"]) if row["responses"].isdigit() else None,
                float(average) if re.fullmatch(r"\d\.\d", average) else None)


def comments_in_export(files: dict[str, Rows]) -> set[str]:
    return {row["comment"] for row in files["comments.csv"]}


def _sums(seen: Seen) -> set[int]:
    """Every whole total of 1-5 answers that the shown (rounded) average allows."""
    assert seen.answers is not None and seen.average is not None
    low, high = seen.answers * (seen.average - 0.05), seen.answers * (seen.average + 0.05)
    return set(range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1))


def one_answer_between(before: Seen, after: Seen) -> int | None:
    """The answer that turned one figure into the other, when both are shown and exactly one
    answer tells them apart: the arithmetic behind differencing over time or over groups."""
    if None in (before.answers, before.average, after.answers, after.average):
        return None
    if after.answers - before.answers != 1:  # type: ignore[operator]
        return None
    found = {b - a for a in _sums(before) for b in _sums(after)} & {1, 2, 3, 4, 5}
    return found.pop() if len(found) == 1 else None


def learned_over_time(seen: list[Seen]) -> int | None:
    """An answer worked out from any two successive figures an admin saw."""
    for before, after in itertools.pairwise(seen):
        found = one_answer_between(before, after)
        if found is not None:
            return found
    return None


def attributed(before: set[str], after: set[str]) -> str | None:
    """Words pinned on the one person who answered between two looks at the comments."""
    new = after - before
    return next(iter(new)) if len(new) == 1 else None
