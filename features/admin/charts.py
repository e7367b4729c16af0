"""The admin charts drawn with matplotlib (Agg): PNGs for chat, and axes for the PDF report.

matplotlib is imported only when a chart is drawn, so start-up and most tests never load it.
Drawing is CPU work: callers run it in a thread (`images`), off the event loop. Output is
deterministic: the bundled DejaVu Sans, no version or date in the file's metadata.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from core.messages import Image, Message
from features.admin.trends import (
    Chart,
    Enrolment,
    GoalProgress,
    Satisfaction,
    WeeklyMeetings,
    week_name,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

GOAL_AXIS_CAP = 200.0  # % of target: a goal past it draws a bar to the axis' end
WIDTH, HEIGHT, DPI = 7.2, 4.2, 100  # 720 x 420 px: readable at a chat's width
# A Teams card, its picture inline as base64, must stay under 28 kB.
MAX_PNG_BYTES = 18_000
PALETTES = (32, 16, 8)  # colours to try, fewest last
MENTORS, MENTEES = "#2f6db5", "#e07b39"
INK, MUTED, GRID = "#1d2433", "#6b7280", "#e5e7eb"
STATE_COLOURS = {"on track": "#2e8540", "off track": "#d9822b"}
STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # bundled with matplotlib: the same glyphs everywhere
    "font.size": 11,
    "axes.titlesize": 14,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "svg.hashsalt": "turnabout",
    "svg.fonttype": "none",
    "pdf.fonttype": 3,  # subsetting TrueType (42) took 4 s a page; Type 3 text still copies
    "path.simplify": True,
}
MARGINS = {"left": 0.1, "right": 0.96, "top": 0.9, "bottom": 0.2}
MARGINS_OF: dict[type, dict[str, float]] = {GoalProgress: {"left": 0.3, "bottom": 0.13},
                                            # room for the last month's figures at the right
                                            Enrolment: {"right": 0.89}}
# matplotlib's settings (rcParams) are one per process: two charts drawn at once in two
# threads would each see the other's. One at a time.
_DRAWING = threading.Lock()


@contextlib.contextmanager
def drawing() -> Iterator[None]:
    """Hold this while drawing: matplotlib (imported now) in the chart style, one at a time."""
    import matplotlib

    with _DRAWING, matplotlib.rc_context(STYLE):
        yield


def new_figure(width: float = WIDTH, height: float = HEIGHT) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Fixed margins, not a layout engine: "constrained" layout took 40% of a chart's time.
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def draw(ax: Axes, chart: Chart) -> None:
    _DRAW[type(chart)](ax, chart)
    ax.set_title(chart.title, loc="left")
    ax.set_xlabel(chart.x_label)
    if chart.y_label:
        ax.set_ylabel(chart.y_label)


def png(chart: Chart) -> bytes:
    with drawing():
        figure = new_figure()
        figure.subplots_adjust(**{**MARGINS, **MARGINS_OF.get(type(chart), {})})
        draw(figure.add_subplot(), chart)
        figure.canvas.draw()
        width, height = figure.canvas.get_width_height()
        pixels = bytes(figure.canvas.buffer_rgba())  # type: ignore[attr-defined]
    return _small_png(width, height, pixels)


def _small_png(width: int, height: int, rgba: bytes) -> bytes:
    """A palette PNG: a chart has few colours, and 32 keep its text crisp at a quarter of the
    bytes, so a card with its picture stays within Teams' message size."""
    from PIL import Image as Picture

    picture = Picture.frombytes("RGBA", (width, height), rgba).convert("RGB")
    for colours in PALETTES:
        buffer = io.BytesIO()
        picture.quantize(colours, method=Picture.Quantize.MEDIANCUT,
                         dither=Picture.Dither.NONE).save(buffer, "PNG", optimize=True)
        if buffer.tell() <= MAX_PNG_BYTES:
            break
    return buffer.getvalue()


def image(chart: Chart) -> Image:
    return Image(base64.b64encode(png(chart)).decode("ascii"), chart.alt, chart.fallback)


async def messages(charts: Sequence[Chart]) -> tuple[Message, ...]:
    """One message per chart (a picture each keeps every card well within Teams' size
    limit), drawn in a thread: the event loop keeps answering meanwhile."""
    images = await asyncio.to_thread(lambda: [image(chart) for chart in charts])
    return tuple(Message(text="", title=chart.title, image=found)
                 for chart, found in zip(charts, images, strict=True))


# --- one drawing per chart --------------------------------------------------------------------

def _month_ticks(ax: Axes, months: Sequence[Any]) -> None:
    """Months as words; the year under the first month and under every January."""
    labels = [f"{m:%b}\n{m:%Y}" if n == 0 or m.month == 1 else f"{m:%b}"
              for n, m in enumerate(months)]
    ax.set_xticks(range(len(months)), labels)


def _enrolment(ax: Axes, chart: Enrolment) -> None:
    xs = range(len(chart.months))
    top = max(*chart.mentors, *chart.mentees, 1)
    # Two end figures close together would print over each other: the higher goes up a line.
    apart = abs(chart.mentors[-1] - chart.mentees[-1]) >= 0.06 * top
    higher = chart.mentors[-1] >= chart.mentees[-1]
    for series, colour, label, above in ((chart.mentors, MENTORS, "junior mentors", higher),
                                         (chart.mentees, MENTEES, "senior mentees", not higher)):
        ax.plot(xs, series, marker="o", color=colour, linewidth=2.2, label=label)
        ax.annotate(f"{series[-1]:,}", (xs[-1], series[-1]),
                    xytext=(6, 0 if apart else 7 if above else -7),
                    textcoords="offset points", va="center", color=colour, fontweight="bold")
    _month_ticks(ax, chart.months)
    ax.set_xlim(-0.4, len(chart.months) - 0.4)
    _counts_axis(ax, max(*chart.mentors, *chart.mentees))
    ax.legend(loc="upper left", frameon=False)


def _meetings(ax: Axes, chart: WeeklyMeetings) -> None:
    xs = range(len(chart.weeks))
    bars = ax.bar(xs, chart.counts, color=MENTORS, width=0.7)
    ax.bar_label(bars, padding=2, fontsize="small", fmt="{:,.0f}")
    last = len(chart.weeks) - 1  # every other week named, ending with this one
    labels = [week_name(w) if (last - n) % 2 == 0 else "" for n, w in enumerate(chart.weeks)]
    ax.set_xticks(xs, labels)
    _counts_axis(ax, max(chart.counts) * 1.12)


def _satisfaction(ax: Axes, chart: Satisfaction) -> None:
    xs = list(range(len(chart.rounds)))
    values = [r.value if r.value is not None else math.nan for r in chart.rounds]
    ax.plot(xs, values, marker="o", color=MENTORS, linewidth=2.2, markersize=8)
    for x, point in zip(xs, chart.rounds, strict=True):
        if point.value is not None:
            ax.annotate(f"{point.value:.1f}", (x, point.value), xytext=(0, 9),
                        textcoords="offset points", ha="center", fontweight="bold")
        else:  # a gap, saying why, where the point would be
            ax.text(x, 3, point.gap.replace(" to report", "\nto report").replace(" until ",
                    "\nuntil "), ha="center", va="center", color=MUTED,
                    fontsize="small", style="italic")
    ax.set_xticks(xs, [r.name.removeprefix("poll of ") for r in chart.rounds])
    ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.set_ylim(1, 5.4)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.grid(axis="y", color=GRID)


def _goals(ax: Axes, chart: GoalProgress) -> None:
    from matplotlib.ticker import PercentFormatter

    ys = list(range(len(chart.goals)))[::-1]
    # One goal far past its target (87,034 enrolled against 20) would shrink every other bar
    # to nothing: bars stop at the axis' end, and their words still say the real figure.
    reach = min(max([100.0] + [g.progress or 0 for g in chart.goals]), GOAL_AXIS_CAP)
    for y, goal in zip(ys, chart.goals, strict=True):
        progress = goal.progress
        if progress is None:  # too early, too few, or a figure below zero: words, no bar
            ax.text(2, y, goal.state if goal.current is None else goal.label, va="center",
                    color=MUTED, style="italic", zorder=3,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            continue
        progress = min(progress, GOAL_AXIS_CAP)
        ax.barh(y, progress, color=STATE_COLOURS.get(goal.state, MUTED), height=0.6)
        ax.text(progress + reach * 0.01, y, goal.label, va="center", fontsize="small", zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.axvline(100, color=INK, linestyle="--", linewidth=1.5)
    ax.text(100, len(chart.goals) - 0.45, " target", color=INK, fontsize="small", va="bottom")
    ax.set_yticks(ys, [_wrap(g.name, 26) for g in chart.goals])
    ax.set_xlim(0, reach * 1.75)  # room for the words after the longest bar
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_ylim(-0.6, len(chart.goals) - 0.2)


def _counts_axis(ax: Axes, top: float) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_ylim(0, max(top, 1) * 1.08)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    # "12k", not "12000": five digits pushed the axis' title off the picture.
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _: f"{v / 1000:g}k" if top >= 10_000 and v else f"{v:,.0f}"))
    ax.grid(axis="y", color=GRID)
    ax.set_axisbelow(True)


def _wrap(words: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(words, width)[:2])


_DRAW: dict[type, Callable[[Any, Any], None]] = {
    Enrolment: _enrolment,
    WeeklyMeetings: _meetings,
    Satisfaction: _satisfaction,
    GoalProgress: _goals,
}
