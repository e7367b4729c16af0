"""Leave and be forgotten, everywhere: a person with a canary in every field they can fill, a
partner, a meeting note, a shared poll comment, an end reason, admin rights, an HR record and
an export that lists them. After "Leave and delete my data", no table and no inbox holds any
canary or their platform id. Played through the web chat over HTTP and through signed Slack
requests, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot.import_people import read_people
from config.program import Program
from core.clock import FrozenClock
from storage import hr
from storage.database import Database
from storage.models import ConversationRef, Person
from tests.support.database_scan import find_anywhere, tables
from tests.support.fake_slack import FakeSlack
from tests.support.slack_people import ADMIN, buttons, join, with_admin
from tests.support.slack_requests import Answer, SlackWorkspace, slack_workspace
from tests.support.web_people import WebChat, WebPerson, web_chat

NAME, EMAIL = "Kanaryname Quill", "kanary.quill@example.com"
TEAM = "Kanaryteam"
GOALS = "Kanarygoals: learn to lead a team kindly"
NOTE = "Kanarynote about our budgets chat"
COMMENT = "Kanarycomment my manager is hard to reach"
REASON = "Kanaryreason we drifted apart"
CANARIES = (NAME, EMAIL, TEAM, GOALS, NOTE, COMMENT, REASON)

MENTOR: dict[str, Any] = {
    "role": "mentor", "department": "sales", "team": TEAM, "seniority": "entry",
    "timezone": "Europe/Berlin", "teach": ["ai-digital-tools"], "learn": [], "goals": GOALS,
    "cadence": "weekly", "meeting_mode": "video"}
MENTEE: dict[str, Any] = {
    "role": "mentee", "department": "finance", "team": "treasury", "seniority": "director",
    "timezone": "Europe/London", "teach": ["leadership"], "learn": ["ai-digital-tools"],
    "goals": "Understand how younger colleagues use AI", "cadence": "fortnightly",
    "meeting_mode": "video"}
POLL_ANSWER: dict[str, Any] = {"value": "1", "met": "1", "roles": "yes", "comment": COMMENT,
                               "share": ["share"], "help": ["help"]}


def typed_teams(program: Program) -> Program:
    """A program without a team list, so people type their team: a name is theirs to forget."""
    return program.model_copy(update={"survey": program.survey.model_copy(update={"teams": {}})})


def hr_export(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "hr.csv"
    path.write_text("email,platform_id,department,hire_date\n" + "\n".join(rows) + "\n")
    return path


async def import_hr(database: Database, clock: FrozenClock, path: Path) -> None:
    async with database.session() as session:
        await hr.replace_all(session, read_people(path, clock.now()), clock.now())


async def assert_planted(database: Database, user_id: str, expected: dict[str, set[str]]) -> None:
    """The scenario really left each canary where the test says: the final scan can fail."""
    found: dict[str, set[str]] = {}
    for hit in await find_anywhere(database, (*CANARIES, user_id)):
        found.setdefault(hit.needle, set()).add(hit.table)
    for needle, where in expected.items():
        assert where <= found.get(needle, set()), (needle, found.get(needle))


# --- the web chat ----------------------------------------------------------------------------

def inbox_buttons(inbox: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    return [b for m in inbox for b in m["message"]["buttons"] if b["action_id"] == action_id]


async def week_by_week_until_polled(web: WebChat, clock: FrozenClock,
                                    person: WebPerson) -> str:
    clock.advance(timedelta(hours=2))  # Mondays 10:00 UTC: past the weekly 09:30 everywhere
    for _ in range(8):
        clock.advance(timedelta(weeks=1))
        await web.running.service.tick()
        invitations = inbox_buttons(await person.inbox(), "pulse.open")
        if invitations:
            return str(invitations[0]["value"])
    raise AssertionError("no pulse poll arrived in eight weeks")


def inbox_text(inbox: list[dict[str, Any]]) -> str:
    return " ".join(str(m["message"]) for m in inbox)


async def test_a_web_chat_participant_who_deletes_their_data_leaves_no_trace(
    database_url: str, program: Program, clock: FrozenClock, tmp_path: Path
) -> None:
    user = "kanary-user-7"
    async with web_chat(database_url, typed_teams(program), clock) as web:
        database = web.running.service.database
        me, ada = web.person(user, NAME), web.person("ada", "Ada")
        sam, priya = web.person("sam", "Sam"), web.person("priya", "Priya")
        await me.join(MENTOR)
        await sam.join(MENTEE)
        await priya.join(MENTEE)
        assert "now an admin" in (await ada.say(f"admin grant @{user}"))["messages"][0]["text"]
        assert "Paired" in (await ada.say(f"admin pair @{user} @sam"))["messages"][0]["text"]
        await me.say(f"met {NOTE}")
        poll = await week_by_week_until_polled(web, clock, me)
        await me.press("pulse.open", poll)
        await me.submit("pulse", POLL_ANSWER, context=poll)
        [ending] = (await me.say(f"end {REASON}"))["messages"]
        await me.press(ending["buttons"][0]["action_id"], ending["buttons"][0]["value"])
        assert "Paired" in (await ada.say(f"admin pair @{user} @priya"))["messages"][0]["text"]
        await import_hr(database, clock, hr_export(tmp_path, f",{user},sales,2024-01-01",
                                                   ",sam,finance,2020-01-01"))
        _, question = (await ada.say(f"admin announce A warm welcome to {NAME}, our newest "
                                     "mentor!"))["messages"]
        await ada.press(question["buttons"][0]["action_id"], question["buttons"][0]["value"])
        await ada.say("admin export")
        await web.running.service.settle()  # the zip is prepared in the background
        await assert_planted(database, user, {
            NAME: {"person", "outbox", "web_chat_message", "export_link", "announcement"},
            GOALS: {"survey_answers", "outbox", "web_chat_message"},
            TEAM: {"person", "export_link"}, NOTE: {"meeting"},
            COMMENT: {"pulse_answer"},  # shared comments reach admins only in released exports
            REASON: {"pair", "outbox", "web_chat_message"},
            user: {"person", "processed_event", "admin_grant", "hr_record", "web_chat_message"}})

        question = (await me.say("leave"))["messages"][0]
        delete = next(b for b in question["buttons"] if b["value"] == "delete")
        gone = await me.press(delete["action_id"], delete["value"])
        assert "personal data is deleted" in gone["messages"][0]["text"]
        await web.running.service.deliver_now()

        assert await find_anywhere(database, (*CANARIES, user)) == []
        assert await me.inbox() == []
        for other in (sam, priya, ada):
            shown = inbox_text(await other.inbox())
            assert not [c for c in (*CANARIES, user) if c in shown], other.user
        assert "has left the program" in inbox_text(await priya.inbox())
        assert "removed" in inbox_text(await sam.inbox())  # the introduction, redacted
        assert "for the program team" in (await me.say("admin stats"))["messages"][0]["text"]
        async with database.session() as session:
            (forgotten,) = (await session.exec(select(Person).where(
                col(Person.data_deleted).is_(True)))).all()
        assert (forgotten.status, forgotten.role) == ("left", "mentor")
        # Every table was looked at, including those this test never names.
        assert {"person", "outbox", "web_chat_message", "conversation_ref", "match_round",
                "closing_answer", "announcement"} <= set(await tables(database))


# --- Slack -----------------------------------------------------------------------------------

def slack_answers(answers: dict[str, Any]) -> dict[str, Answer]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}


def posted_buttons(fake: FakeSlack, channel: str, action_id: str) -> list[dict[str, Any]]:
    return [b for call in fake.calls_to("chat.postMessage") if call["channel"] == channel
            for b in buttons(call) if b["action_id"].startswith(action_id)]


async def said(ws: SlackWorkspace, text: str, user: str) -> str:
    key = ws.fresh("reply")
    assert (await ws.command(text, user, reply_key=key)).status == 200
    await ws.settle()
    return str(ws.fake.responses(key))


async def test_a_slack_participant_who_deletes_their_data_leaves_no_trace(
    database_url: str, program: Program, clock: FrozenClock, tmp_path: Path
) -> None:
    user = "UKANARY7"
    fake = FakeSlack()
    fake.names.update({user: NAME, "UPART1": "Pat", "UPART2": "Rae", ADMIN: "Ada"})
    fake.emails[user] = EMAIL
    async with slack_workspace(database_url, with_admin(typed_teams(program)), clock, fake) as ws:
        database = ws.running.service.database
        for person, answers in ((user, MENTOR), ("UPART1", MENTEE), ("UPART2", MENTEE)):
            await join(ws, person, slack_answers(answers))
        assert "now an admin" in await said(ws, f"admin grant <@{user}>", ADMIN)
        assert "Paired" in await said(ws, f"admin pair <@{user}> <@UPART1>", ADMIN)
        await said(ws, f"met {NOTE}", user)
        poll = ""
        clock.advance(timedelta(hours=2))
        for _ in range(8):
            clock.advance(timedelta(weeks=1))
            await ws.running.service.tick()
            invitations = posted_buttons(ws.fake, f"D{user}", "pulse.open")
            if invitations:
                poll = invitations[0]["value"]
                break
        assert poll, "no pulse poll arrived in eight weeks"
        await ws.press("pulse.open", poll, user)
        await ws.settle()
        assert (await ws.submit(ws.opened_view(), slack_answers(POLL_ANSWER), user)).status == 200
        await ws.settle()
        await ws.confirm(f"end {REASON}", user)
        await ws.settle()
        assert "Paired" in await said(ws, f"admin pair <@{user}> <@UPART2>", ADMIN)
        await import_hr(database, clock, hr_export(tmp_path, f"{EMAIL},,sales,2024-01-01",
                                                   f",{user},sales,2024-01-01"))
        await assert_planted(database, user, {
            NAME: {"person", "outbox"}, EMAIL: {"person", "hr_record"},
            GOALS: {"survey_answers", "outbox"}, COMMENT: {"pulse_answer"},
            REASON: {"pair", "outbox"}, NOTE: {"meeting"},
            user: {"person", "conversation_ref", "admin_grant", "hr_record", "outbox"}})
        async with database.session() as session:
            cached = (await session.exec(select(ConversationRef.user_id))).all()
        assert f"{user}+UPART1" in cached  # the pair's group DM, cached by both ids

        await ws.press("membership.leave", "delete", user, reply_key="gone")
        await ws.settle()
        assert "personal data is deleted" in str(ws.fake.responses("gone"))

        told = [c["text"] for c in ws.fake.calls_to("chat.postMessage") if c["channel"] == "DUPART2"]
        assert any("has left the program" in t for t in told)
        # Back in Slack afterwards: not an admin, and `profile` (which looks up their Slack
        # profile, name and email included) opens no survey and stores nothing of them.
        assert "for the program team" in await said(ws, "admin stats", user)
        surveys = len(ws.fake.calls_to("views.open"))
        assert "haven't joined" in await said(ws, "profile", user)
        assert len(ws.fake.calls_to("views.open")) == surveys
        assert await find_anywhere(database, (*CANARIES, user)) == []
