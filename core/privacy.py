"""What of people's answers the program team may see: the one rule stats, the export and the
release of poll results all follow.

A figure drawn from answers (a score, a share, a comment list) is reportable only over at least
`privacy.min_group_size` answers. When figures for several groups come out together with the
whole, the answers left over (the whole minus every group shown) must be none or reportable too,
or subtraction would give them away.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from config.program import Program

TOO_FEW = "too few to report"
Group = TypeVar("Group", bound=Hashable)


def reportable(answers: int, program: Program) -> bool:
    return answers >= program.privacy.min_group_size


def releasable(groups: Mapping[Group, int], total: int, program: Program) -> set[Group]:
    """The groups whose figures may be shown next to the whole's `total` answers. No answer is
    in two groups; answers in no group count in the total only.

    Start from every reportable group; while the answers outside the shown groups are too few
    (but not none), hold back the smallest shown group as well."""
    if not reportable(total, program):
        return set()
    shown = {group for group, n in groups.items() if reportable(n, program)}
    while shown:
        rest = total - sum(groups[g] for g in shown)
        if rest == 0 or reportable(rest, program):
            break
        shown.remove(min(shown, key=lambda g: (groups[g], str(g))))
    return shown


@dataclass(frozen=True)
class Figure:
    """A number drawn from answers, or None where it must not be shown."""

    value: float | None

    def text(self, format_: str = "{:.1f}", hidden: str = TOO_FEW) -> str:
        return hidden if self.value is None else format_.format(self.value)

    @staticmethod
    def mean(total: int | None, answers: int) -> Figure:
        return Figure(None if total is None or not answers else total / answers)

    @staticmethod
    def share(part: int | None, answers: int) -> Figure:
        return Figure(None if part is None or not answers else 100 * part / answers)
