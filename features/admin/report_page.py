"""The leadership report's one A4 page, drawn with matplotlib's PDF backend.

Positions are fractions of the page, top to bottom: title, summary, goals, the four charts in a
2 x 2 grid, then the figures of `admin stats` in two columns. Words are TrueType text (not
outlines), so a reader can search and copy them; no date or version is written into the file.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any

from core.messages import plain
from features.admin import charts
from features.admin.trends import GoalProgress

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from features.admin.report import Report

A4 = (8.27, 11.69)  # inches
PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}
MARGIN = 0.06
LINE = 0.0118  # one line of 7.5 pt text, as a fraction of the page's height
FIGURE_LINES = 17  # lines per column of figures
PAGE_STYLE = {"font.size": 7, "axes.titlesize": 9, "axes.labelsize": 7, "xtick.labelsize": 6.5,
              "ytick.labelsize": 6.5, "legend.fontsize": 6.5}
EMPTY = {
    "People enrolled, by role": "No one has joined yet.",
    "Meetings logged per week": "No meetings logged in the last 12 weeks.",
    "Satisfaction per poll round": "No poll rounds yet.",
    "Goal progress against target": "No goals to show yet.",
}


def render(report: Report) -> bytes:
    """The PDF's bytes. Runs in a thread: see charts' note on matplotlib's one set of settings."""
    import matplotlib
    from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfPages

    with charts.drawing(), matplotlib.rc_context(PAGE_STYLE):
        from matplotlib.figure import Figure

        page = Figure(figsize=A4)
        FigureCanvasPdf(page)
        top = _header(page, report)
        top = _goals(page, report, top)
        _charts(page, report, top - 0.015, 0.32)
        _figures(page, report, 0.265)
        buffer = io.BytesIO()
        with PdfPages(buffer, metadata=PDF_METADATA) as pdf:
            pdf.savefig(page)
    return buffer.getvalue()


def _text(page: Figure, y: float, words: str, x: float = MARGIN, **style: Any) -> None:
    page.text(x, y, words, va="top", ha="left", **style)


def _header(page: Figure, report: Report) -> float:
    _text(page, 0.965, f"{report.program}: reverse mentoring report", fontsize=16,
          fontweight="bold")
    _text(page, 0.94, f"{report.scope[:1].upper()}{report.scope[1:]} · {report.made_on:%-d %B %Y}",
          fontsize=9, color=charts.MUTED)
    lines = textwrap.wrap(report.summary, 118)
    _text(page, 0.915, "\n".join(lines), fontsize=8.5, linespacing=1.4)
    return 0.915 - len(lines) * LINE * 1.25 - 0.012


def _goals(page: Figure, report: Report, top: float) -> float:
    _text(page, top, "Goals", fontsize=10, fontweight="bold")
    top -= LINE * 1.5
    if not report.goals:
        _text(page, top, "No program goals are set yet (goals: in app.yaml).",
              color=charts.MUTED)
        return top - LINE
    columns = ((MARGIN, "goal"), (0.48, "target"), (0.57, "now"), (0.66, "status"),
               (0.80, "since"))
    for x, name in columns:
        _text(page, top, name, x=x, fontweight="bold", color=charts.MUTED)
    for goal in report.goals[:8]:
        top -= LINE
        cells = (textwrap.shorten(goal.name, 70), goal.target, goal.current, goal.state,
                 goal.since)
        for (x, _), cell in zip(columns, cells, strict=True):
            _text(page, top, cell, x=x, color=charts.STATE_COLOURS.get(cell, charts.INK))
    return top - LINE


def _charts(page: Figure, report: Report, top: float, bottom: float) -> None:
    by_title = {chart.title: chart for chart in report.charts}
    width, gap = (1 - 2 * MARGIN - 0.08) / 2, 0.045
    height = (top - bottom - gap) / 2
    for n, title in enumerate(EMPTY):
        row, column = divmod(n, 2)
        x = MARGIN + 0.035 + column * (width + 0.08)
        y = top - (row + 1) * height - row * gap
        chart = by_title.get(title)
        # The goals' names sit left of their bars: that chart's plot starts further in.
        indent = 0.1 if isinstance(chart, GoalProgress) else 0
        ax = page.add_axes((x + indent, y, width - indent, height - 0.02))
        if chart is None:
            ax.set_axis_off()
            ax.set_title(title, loc="left")
            ax.text(0.0, 0.85, EMPTY[title], transform=ax.transAxes, color=charts.MUTED)
        else:
            charts.draw(ax, chart)


def _figures(page: Figure, report: Report, top: float) -> None:
    _text(page, top, "Figures (as in admin stats)", fontsize=10, fontweight="bold")
    *body, footnote = report.figures
    lines: list[tuple[str, bool]] = []
    for line in (part for text in body for part in text.split("\n")):
        heading = line.startswith("*")
        if heading and len(lines) % FIGURE_LINES == FIGURE_LINES - 1:
            lines.append(("", False))  # a heading starts the next column, not ends this one
        # 68 characters of 7 pt text fill a column (0.46 of the page) without crossing the next.
        for n, part in enumerate(textwrap.wrap(plain(line), 68, subsequent_indent="    ")):
            lines.append((part, heading and n == 0))
    capacity = 2 * FIGURE_LINES
    if len(lines) > capacity:
        lines = [*lines[: capacity - 1], ("… the rest is in admin stats.", False)]
    for n, (line, heading) in enumerate(lines):
        column, row = divmod(n, FIGURE_LINES)
        _text(page, top - LINE * (1.6 + row), line, x=MARGIN + column * 0.46,
              fontweight="bold" if heading else "normal")
    _text(page, 0.035, "\n".join(textwrap.wrap(plain(footnote), 150)), fontsize=6.5,
          color=charts.MUTED, style="italic")
