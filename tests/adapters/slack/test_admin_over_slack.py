"""Admin commands over Slack: private answers for admins, a refusal for everyone else."""

from __future__ import annotations

from config.program import Program
from core.clock import FrozenClock
from tests.support.slack_people import JUNIOR, SENIOR, join, with_admin
from tests.support.slack_requests import slack_workspace


async def test_stats_answer_the_admin_privately_and_refuse_anyone_else(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await join(ws, "U1", JUNIOR)
        await ws.command("admin stats", "UADA", reply_key="admin")
        await ws.command("admin stats", "U1", reply_key="member")
        await ws.settle()
        answer, *charts = ws.fake.responses("admin")  # the figures, then each chart
        assert "People enrolled, by role" in str(charts[0])
        assert answer.get("response_type", "ephemeral") == "ephemeral"
        assert "Program stats" in str(answer) and "Active: 1 junior mentors" in str(answer)
        assert "for the program team" in str(ws.fake.responses("member"))


async def test_an_announcement_over_slack_reaches_each_active_member_once(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await join(ws, "U1", JUNIOR)
        await join(ws, "U2", SENIOR)
        before = len(ws.fake.calls_to("chat.postMessage"))
        await ws.confirm("admin announce Office hours on Friday at 3pm", "UADA", reply_key="a")
        await ws.settle()
        await ws.running.service.deliver_now()
        news = ws.fake.calls_to("chat.postMessage")[before:]
        assert sorted(p["channel"] for p in news) == ["DU1", "DU2"]
        assert "on its way to 2 active participants" in str(ws.fake.responses("a"))


async def test_the_enrolment_chart_is_uploaded_into_the_admins_dm_as_a_png_with_its_alt_text(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    from tests.support.fake_slack_files import FakeSlackWithFiles

    async with slack_workspace(database_url, with_admin(program), clock,
                               FakeSlackWithFiles()) as ws:
        await join(ws, "U1", JUNIOR)
        await ws.command("admin stats", "UADA", reply_key="stats")
        await ws.settle()
        # The reply carries the text chart; the picture goes to the DM, with its alt text.
        assert "`Nov 2026` ████████████ 1 mentor · 0 mentees" in str(ws.fake.responses("stats"))
        chart, _goals = ws.fake.shared("DUADA")  # type: ignore[attr-defined]
        assert chart.content is not None and chart.content.startswith(b"\x89PNG")
        assert chart.title == "People enrolled, by role"
        assert chart.alt_txt.startswith("Line chart of people enrolled by the end of each month")
        assert "junior mentors 1, senior mentees 0" in chart.alt_txt


async def test_hints_in_slash_command_replies_name_the_slash_command(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, program, clock) as ws:
        await join(ws, "U1", JUNIOR)
        await ws.command("pause", "U1", reply_key="paused")
        await ws.settle()
        reply = str(ws.fake.responses("paused")[0]["blocks"])
        assert "`/mentoring resume`" in reply and "/mentoring /mentoring" not in reply


async def test_the_report_is_uploaded_into_the_admins_dm_as_one_pdf(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    from tests.support.fake_slack_files import FakeSlackWithFiles

    async with slack_workspace(database_url, with_admin(program), clock,
                               FakeSlackWithFiles()) as ws:
        await join(ws, "U1", JUNIOR)
        reply = await ws.command("admin report", "UADA", trigger_id="t-report",
                                 reply_key="report")
        # The answer rides on the ack itself: the page is drawn after, off the request path.
        assert reply.status == 200 and reply.json()["text"].startswith("Building your report")
        await ws.settle()
        await ws.running.service.settle()
        await ws.command("admin report", "UADA", trigger_id="t-report", reply_key="report",
                         retry=1)  # Slack's retry of the same request builds nothing more
        await ws.running.service.settle()
        [answer] = ws.fake.responses("report")
        assert answer["text"].startswith("Building your report")
        [pdf] = ws.fake.shared("DUADA")  # type: ignore[attr-defined]
        assert pdf.filename == "turnabout-report-2026-11-23.pdf"
        assert pdf.content is not None and pdf.content.startswith(b"%PDF")
        assert "one page for leadership" in pdf.initial_comment
