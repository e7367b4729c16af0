"""`admin export [cohort NAME]`: the program's data as CSV files in one zip, sent privately.

Privacy is built into the files rather than left to whoever opens them: no single poll answer,
never a meeting note (the pair's own words), comments only where their author agreed to share
them and never next to a name or a score, people whose data was deleted as anonymous rows, and
poll and closing-survey figures only as released when the round closed (features.feedback.results),
over at least `privacy.min_group_size` people.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.context import Context
from core.messages import Fact, FileRef, Message
from core.privacy import Figure
from core.text import quote
from features.admin import outcomes
from features.feedback.results import (
    ClosingSurvey,
    PollRound,
    closing_surveys,
    poll_rounds,
    shared_words,
)
from storage import exports
from storage.models import Cohort

PREPARING = ("Preparing your export… I'll send you the file in a private message as soon as "
             "it's ready.")
USAGE = "Export everything with `admin export`, or one cohort with `admin export cohort NAME`."
DELETED = "(data deleted)"
COHORTS_LISTED = 20
# Spreadsheet apps run a cell that starts like a formula; people's own words must stay words.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PARTICIPANTS = ("id", "platform", "display name", "email", "role", "department", "team",
                "seniority", "timezone", "status", "joined at", "left at", "paused until")
PAIRS = ("pair id", "mentor id", "mentor name", "mentee id", "mentee name", "status", "score",
         "manual", "override", "created at", "agreed at", "ended at", "end reason", "cohort",
         "last met on", "at risk since", "at risk reason")
MEETINGS = ("pair id", "day")
POLLS = ("poll", "closes at", "status", "invitations", "responses", "response rate",
         "average value (1-5)", "roles kept: yes", "met 0 times", "met once", "met twice",
         "met 3+ times")
CLOSING = ("cohort", "closes at", "status", "invitations", "responses", "response rate",
           "would recommend (1-5)", "future leader surfaced: yes",
           "more positive about the company", "less positive about the company")
COMMENTS = ("source", "poll or cohort", "question", "comment")

README = """{program} export, {when} UTC{scope}

participants.csv  everyone who signed up; people who deleted their data are anonymous rows
pairs.csv         every pair, active and ended
meetings.csv      the days each pair reported meeting (what they wrote stays theirs)
polls.csv         one row per pulse poll round; figures only over at least {minimum} people
closing.csv       one row per cohort's closing survey; the same rule
outcomes.csv      outcome and ROI figures of the closing surveys and the pairs' check-ins,
                  released in batches; the same rule
comments.csv      only comments their authors agreed to share, without names or scores

Individual answers are never exported. A poll round's or closing survey's figures and comments
appear once, when it closes, and never change afterwards; while it is open, only how many
have answered. This file holds personal data: keep it within
the program team and delete it when you are done.
"""


@dataclass(frozen=True)
class Table:
    filename: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


async def find_cohort(ctx: Context, args: str) -> tuple[Cohort | None, str | None]:
    """The cohort `args` names, or a message saying what went wrong."""
    words = args.split()
    if not words:
        return None, None
    if words[0].lower() != "cohort" or len(words) < 2:
        return None, USAGE
    name = " ".join(words[1:])
    cohort = await exports.find_cohort(ctx.session, name)
    if cohort is not None:
        return cohort, None
    names = await exports.cohort_names(ctx.session)
    if not names:
        known = "There are no cohorts yet; `admin cohort start NAME` starts one."
    else:
        listed = ", ".join(f"“{quote(n, 80)}”" for n in names[-COHORTS_LISTED:])
        known = f"Cohorts: {listed}." if len(names) <= COHORTS_LISTED else \
            f"The latest cohorts: {listed}."
    return None, f"I don't know a cohort called “{quote(name)}”. {known}"


async def tables_of(ctx: Context, cohort_id: int | None) -> list[Table]:
    """One set-based read per file (two for polls), however many people: no query per row."""
    session = ctx.session
    people = await exports.participants(session, cohort_id)
    return [
        Table("participants.csv", PARTICIPANTS, participant_rows(people)),
        Table("pairs.csv", PAIRS, pair_rows(await exports.pairs(session, cohort_id))),
        Table("meetings.csv", MEETINGS, await exports.meetings(session, cohort_id)),
        Table("polls.csv", POLLS, poll_rows(await poll_rounds(ctx, cohort_id))),
        Table("closing.csv", CLOSING, closing_rows(await closing_surveys(ctx, cohort_id))),
        Table("outcomes.csv", outcomes.OUTCOME_COLUMNS,
              outcomes.csv_rows(await outcomes.outcomes_of(ctx, cohort_id))),
        Table("comments.csv", COMMENTS, await shared_words(ctx, cohort_id)),
    ]


def participant_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    shaped = []
    for row in rows:
        (person_id, _platform, _name, _email, role, _department, _team, _seniority, _timezone,
         status, joined, left, paused, deleted) = row
        if deleted:
            # Only what keeps enrolment figures true: nothing that points to the person.
            shaped.append((person_id, "", "", "", role, "", "", "", "", status, joined, left,
                           paused))
        else:
            shaped.append(tuple(row[:13]))
    return shaped


def pair_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    shaped = []
    for row in rows:
        (pair_id, mentor_id, mentor_name, mentor_deleted, mentee_id, mentee_name,
         mentee_deleted, *rest) = row
        shaped.append((pair_id, mentor_id, DELETED if mentor_deleted else mentor_name,
                       mentee_id, DELETED if mentee_deleted else mentee_name, *rest))
    return shaped


def poll_rows(rounds: Sequence[PollRound]) -> list[tuple[Any, ...]]:
    rows = []
    for poll in rounds:
        figures = _figures(poll.released, (poll.value, poll.roles_kept, *poll.met))
        rate = _percent(poll.answers, poll.invited) if poll.invited else ""
        rows.append((poll.starts_on, poll.closes_at, "closed" if poll.released else "open",
                     poll.invited, poll.answers, rate, *figures))
    return rows


def closing_rows(surveys: Sequence[ClosingSurvey]) -> list[tuple[Any, ...]]:
    rows = []
    for survey in surveys:
        figures = _figures(survey.released, (survey.recommend, survey.future_leader,
                                             survey.view_more, survey.view_less))
        rate = _percent(survey.answers, survey.invited) if survey.invited else ""
        rows.append((survey.cohort, survey.closes_at, "closed" if survey.released else "open",
                     survey.invited, survey.answers, rate, *figures))
    return rows


def _figures(released: bool, figures: Sequence[Figure]) -> list[str]:
    """The first figure is an average, the rest percentages; empty while open."""
    if not released:
        return [""] * len(figures)
    first, *rest = figures
    return [first.text(), *(f.text("{:.0f}%") for f in rest)]


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%"


def pack(tables: Sequence[Table], readme: str, now: datetime) -> bytes:
    """The zip, built in memory: a README and one CSV per table."""
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        files = [("README.txt", readme.encode())]
        files += [(table.filename, csv_bytes(table)) for table in tables]
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def csv_bytes(table: Table) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(table.header)
    writer.writerows(map(_cell, row) for row in table.rows)
    # The byte order mark makes spreadsheet apps read UTF-8 names correctly.
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# By exact type, not a chain of isinstance checks: a large program has millions of cells.
_FORMATS: dict[type, Callable[[Any], Any]] = {
    type(None): lambda _: "",
    bool: lambda value: "yes" if value else "no",
    datetime: lambda value: value.isoformat(timespec="seconds"),
    date: date.isoformat,
    float: lambda value: round(value, 3),
    str: _text,
}


def _cell(value: Any) -> Any:
    format_ = _FORMATS.get(type(value))
    return value if format_ is None else format_(value)


def filename_for(day: date, cohort: str | None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", cohort.lower()).strip("-")[:40] if cohort else ""
    return f"turnabout-export-{slug + '-' if slug else ''}{day.isoformat()}.zip"


def summary(minimum: int, cohort: str | None, rows: Sequence[tuple[str, int]],
            file: FileRef) -> Message:
    """The message the zip arrives with; `rows`: each file's name and number of rows."""
    return Message(
        title=f"Your export of cohort “{cohort}”" if cohort else "Your export",
        text=(f"*{file.filename}*: {len(rows)} CSV files in one zip. It holds personal "
              "data: keep it within the program team and delete it when you're done.\n"
              f"Poll and survey figures appear once each closes, and only where at least "
              f"{minimum} people answered; individual answers and meeting notes are never "
              "exported."),
        facts=tuple(Fact(name, _rows(count)) for name, count in rows),
        attachment=file,
    )


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")
