"""The admin charts: readable PNGs within every platform's limits, the same bytes for the same
figures, alt text that names the numbers drawn, and matplotlib loaded only when drawing."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from features.admin import charts
from features.admin.trends import (
    Enrolment,
    GoalBar,
    GoalProgress,
    RoundPoint,
    Satisfaction,
    WeeklyMeetings,
)
from tests.support.png import png_size, read_png

MONTHS = tuple(date(2026, m, 1) for m in range(7, 13))
EVERY_CHART = [
    Enrolment(MONTHS, (3, 8, 12, 20, 31, 40), (2, 6, 11, 18, 30, 38)),
    WeeklyMeetings(tuple(date(2026, 9, 14) + timedelta(weeks=n) for n in range(12)),
                   (3, 5, 8, 12, 9, 11, 14, 10, 7, 12, 15, 4)),
    Satisfaction((RoundPoint("poll of 5 Oct", 4.1), RoundPoint("poll of 2 Nov", None,
                  "too few to report"), RoundPoint("poll of 30 Nov", 4.4))),
    GoalProgress((
        GoalBar("Senior mentees applying a new skill by month 6", 31, 25, "31%", "25%",
                "on track"),
        GoalBar("Pairs meeting at their rhythm", 55, 80, "55%", "80%", "off track"),
        GoalBar("Average satisfaction", None, 4, "", "4.0", "too few to report"),
    )),
]


@pytest.mark.parametrize("chart", EVERY_CHART, ids=lambda c: type(c).__name__)
def test_each_chart_is_a_readable_png_within_platform_limits_and_the_same_every_time(
    chart: charts.Chart,
) -> None:
    drawn = charts.png(chart)
    assert png_size(drawn) == (720, 420)  # Teams: at most 1024 a side
    assert read_png(drawn).colour_type == 3  # a palette: few colours, few bytes
    assert len(drawn) < charts.MAX_PNG_BYTES
    assert charts.png(chart) == drawn  # no date, no version: deterministic
    assert len(chart.alt) < 1000  # Slack's alt_txt limit


def test_the_goal_chart_and_its_alt_text_say_the_same_for_each_goal() -> None:
    goals = EVERY_CHART[3]
    assert goals.alt == (
        "Bar chart of each goal against its target. Senior mentees applying a new skill by "
        "month 6: 31% against a target of 25%, on track; Pairs meeting at their rhythm: 55% "
        "against a target of 80%, off track; Average satisfaction: too few to report.")
    assert goals.fallback.splitlines()[2] == "`Average satisfaction` too few to report"


def test_the_satisfaction_chart_names_each_gap_and_why() -> None:
    chart = EVERY_CHART[2]
    assert chart.alt == ("Line chart of the average rating out of 5 per poll round: poll of 5 "
                         "Oct 4.1; poll of 2 Nov not shown (too few to report); poll of 30 Nov "
                         "4.4.")


def test_the_service_starts_without_loading_matplotlib() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.cli, bot.app, features.admin.handlers; "
         "print('matplotlib' in sys.modules)"], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_a_goal_far_past_its_target_leaves_the_other_bars_readable() -> None:
    """87,034 enrolled against a target of 20 once stretched the axis to 700,000%, and every
    other bar (97% of a satisfaction target) was a sliver: bars stop at the axis' end."""
    chart = GoalProgress((
        GoalBar("Average satisfaction", 3.9, 4, "3.9 / 5", "4.0 / 5", "off track"),
        GoalBar("People enrolled", 87_034, 20, "87,034", "20", "on track"),
    ))
    with charts.drawing():
        figure = charts.new_figure()
        ax = figure.add_subplot()
        charts.draw(ax, chart)
        widths = sorted(bar.get_width() for bar in ax.patches)
        right = ax.get_xlim()[1]
    assert widths == [97.5, charts.GOAL_AXIS_CAP]
    assert right <= charts.GOAL_AXIS_CAP * 2 and widths[0] / right > 0.25  # a bar you can see
    assert any("87,034" in text.get_text() for text in ax.texts)  # the words say the figure
