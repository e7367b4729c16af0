"""The one privacy rule: which groups' figures may be shown next to the whole program's."""

from __future__ import annotations

from config.program import Program
from core.privacy import releasable, reportable


def test_figures_need_at_least_the_minimum_group_size(program: Program) -> None:
    assert program.privacy.min_group_size == 5
    assert not reportable(4, program) and reportable(5, program)


def test_a_group_is_held_back_when_the_whole_minus_it_is_a_few_answers(program: Program) -> None:
    assert releasable({"alpha": 6}, total=7, program=program) == set()
    assert releasable({"alpha": 6}, total=6, program=program) == {"alpha"}
    assert releasable({"alpha": 6}, total=11, program=program) == {"alpha"}


def test_two_groups_shown_together_may_not_leave_one_answer_outside(program: Program) -> None:
    """Each alone leaves six outside; both together would give away the eleventh answer."""
    shown = releasable({"alpha": 5, "beta": 5}, total=11, program=program)
    assert len(shown) == 1
    assert releasable({"alpha": 5, "beta": 5}, total=10, program=program) == {"alpha", "beta"}


def test_nothing_is_shown_when_the_whole_program_is_too_few(program: Program) -> None:
    assert releasable({"alpha": 4}, total=4, program=program) == set()
