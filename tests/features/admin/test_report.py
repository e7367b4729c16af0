"""`admin report`: one PDF page for leadership, with the figures of `admin stats` and the charts
that say what their alt text says, delivered privately, under the same privacy rules."""

from __future__ import annotations

import io
import re

import pypdf
from sqlmodel import select

from core.messages import Message, plain
from features.admin.goals import evaluate
from features.admin.report import PREPARING, TASK
from storage.models import ExportLink, ReportRequest
from tests.support.poll_world import ROUND_CLOSED, answer, everyone, later, open_round, pairs_of
from tests.support.world import World


def words(text: str) -> str:
    return " ".join(text.split())


def bare(text: str) -> str:
    return "".join(text.split())


async def the_report(world: World, args: str = "") -> tuple[str, str]:
    """Ada asks for the report; (its file name, the words on its one page)."""
    reply = await world.person("ada").say(f"admin report {args}".strip())
    assert reply.messages == (Message(text=PREPARING),)  # at once: the page is drawn later
    await world.settle()
    [sent] = [s for s in world.messenger.sent if s.message.attachment is not None
              and s.message.attachment.filename.endswith(".pdf")]
    assert sent.user_ids == ("ada",)
    async with world.database.session() as session:
        link = (await session.exec(select(ExportLink).where(
            ExportLink.token == sent.message.attachment.token))).one()  # type: ignore[union-attr]
    assert link.content.startswith(b"%PDF")
    pdf = pypdf.PdfReader(io.BytesIO(link.content))
    assert len(pdf.pages) == 1
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4, in points
    return link.filename, words(pdf.pages[0].extract_text())


async def test_the_report_carries_every_figure_of_admin_stats_and_the_charts(world: World) -> None:
    made = await pairs_of(world, 3)
    await made[0][0].say("met")
    await made[1][1].say("met")
    poll = await open_round(world)
    for person in everyone(made):
        await answer(person, poll, 4)
    await later(world, ROUND_CLOSED)
    stats = await world.person("ada").say("admin stats")

    filename, page = await the_report(world)

    assert filename == "turnabout-report-2027-01-05.pdf"
    lines = stats.messages[0].text.splitlines()
    goal_lines = lines[1:lines.index("*Enrollment*")]
    for line in lines[len(goal_lines) + 1:-1]:  # every figure; the footnote wraps
        # Compared without spaces: a PDF reader may split a word where the font kerns it.
        assert bare(plain(line)) in bare(page), line
    # The goals are a table on the page: each with its target, value and state, as in stats.
    async with world.database.session() as session:
        goals = await evaluate(session, world.program, world.clock.now())
    assert len(goals) == len(goal_lines) > 0
    for goal, line in zip(goals, goal_lines, strict=True):
        assert goal.name in line and goal.state in line
        assert bare(f"{goal.name}{goal.target_text()}{goal.value_text()}{goal.state}") in \
            bare(page)
    titles = [m.title for m in stats.messages[1:]]
    assert titles == ["People enrolled, by role", "Meetings logged per week",
                      "Satisfaction per poll round", "Goal progress against target"]
    for title in titles:
        assert title in page
    # What the alt text says, the chart shows: its numbers are drawn on the page.
    meetings, satisfaction, progress = (m.image for m in stats.messages[2:])
    assert progress is not None and all(g.name in progress.alt for g in goals)
    assert meetings is not None and "2 in all" in meetings.alt
    assert satisfaction is not None and "poll of 28 Dec 4.0" in satisfaction.alt
    assert "4.0" in page and "28 Dec" in page
    assert "3 junior mentors and 3 senior mentees take part; 3 pairs are active" in page
    assert "rated the program 4.0 out of 5" in page


async def test_a_poll_round_with_too_few_answers_is_a_gap_in_the_report_too(world: World) -> None:
    made = await pairs_of(world, 2)
    poll = await open_round(world)
    for person in everyone(made):
        await answer(person, poll, 2)
    await later(world, ROUND_CLOSED)

    stats = await world.person("ada").say("admin stats")
    [satisfaction] = [m.image for m in stats.messages if m.title == "Satisfaction per poll round"]
    assert satisfaction is not None
    assert satisfaction.alt.endswith("poll of 28 Dec not shown (too few to report).")
    assert "· too few to report" in satisfaction.fallback

    _, page = await the_report(world)
    assert "too few to report" in page and "2.0" not in page
    assert "No poll round has enough answers to report satisfaction yet." in page


async def test_a_cohort_report_covers_that_cohort_and_an_unknown_one_is_named(
    world: World,
) -> None:
    ada = world.person("ada")
    await pairs_of(world, 1)
    await ada.say("admin cohort start Spring")
    await pairs_of(world, 2, start=1)

    filename, page = await the_report(world, "cohort spring")
    assert filename == "turnabout-report-spring-2026-11-23.pdf"
    assert "Cohort “Spring”" in page and "2 junior mentors and 2 senior mentees" in page

    reply = (await ada.say("admin report cohort Autumn")).messages[0].text
    assert "I don't know a cohort called “Autumn”. Cohorts: Spring." == reply


async def test_a_non_admin_gets_no_report(world: World) -> None:
    sam = world.person("sam")
    await sam.join()
    assert "for the program team" in (await sam.say("admin report")).messages[0].text
    await world.deliver()
    assert not [s for s in world.messenger.sent if s.message.attachment is not None]
    async with world.database.session() as session:
        assert not (await session.exec(select(ExportLink))).all()


def test_report_file_names_are_plain() -> None:
    from datetime import date

    from features.admin.report import filename as _filename

    assert _filename(date(2027, 1, 5), "Spring / EMEA 2027!") == \
        "turnabout-report-spring-emea-2027-2027-01-05.pdf"
    assert re.fullmatch(r"[a-z0-9.-]+", _filename(date(2027, 1, 5), None))


async def test_a_request_sends_its_file_once_however_often_its_task_runs(world: World) -> None:
    await pairs_of(world, 1)
    await world.person("ada").say("admin report")
    async with world.database.session() as session:
        [request] = (await session.exec(select(ReportRequest))).all()
    assert request.status == "pending" and request.id is not None
    world.tasks.start(TASK, request.id)  # a second run, as after a restart or on a replica
    await world.settle()
    world.tasks.start(TASK, request.id)  # and one after it was sent
    await world.settle()

    pdfs = [s for s in world.messenger.sent if s.message.attachment is not None]
    assert len(pdfs) == 1
    async with world.database.session() as session:
        assert len((await session.exec(select(ExportLink))).all()) == 1
        assert (await session.get(ReportRequest, request.id)).status == "sent"  # type: ignore[union-attr]


async def test_a_second_report_while_one_is_built_says_so_and_one_page_arrives(
    world: World,
) -> None:
    await pairs_of(world, 1)
    ada = world.person("ada")
    assert (await ada.say("admin report")).messages == (Message(text=PREPARING),)
    [busy] = (await ada.say("admin report")).messages
    assert busy.text.startswith("Your report is already being built (asked at 08:00 UTC)")
    await world.settle()

    pdfs = [s for s in world.messenger.sent if s.message.attachment is not None]
    assert len(pdfs) == 1
    assert (await ada.say("admin report")).messages == (Message(text=PREPARING),)  # sent: free
