"""`/mentoring admin export` over Slack: the zip arrives as a file upload in the admin's DM,
its summary as the upload's comment: one message, and the DM is never read back."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlmodel import col, select

from adapters.slack.messenger import SlackMessenger
from config.admins import Admins
from config.program import Program
from core.clock import FrozenClock
from core.messages import Message
from features.admin.export import PREPARING
from storage.models import ExportLink, OutboxMessage
from tests.support.fake_slack_files import FakeSlackWithFiles
from tests.support.slack_requests import SlackWorkspace, slack_workspace

ADMIN = "UADA"
DM = f"D{ADMIN}"


def with_admin(program: Program) -> Program:
    return program.model_copy(update={"admins": Admins(slack=(ADMIN,))})


async def ask_for_export(ws: SlackWorkspace) -> None:
    reply = await ws.command("admin export", ADMIN, reply_key="export")
    assert reply.status == 200
    await ws.settle()
    (answer,) = ws.fake.responses("export")
    assert answer["text"] == PREPARING and answer["response_type"] == "ephemeral"


async def the_export_message(ws: SlackWorkspace) -> tuple[str, Message]:
    async with ws.running.service.database.session() as session:
        row = (await session.exec(select(OutboxMessage).where(
            col(OutboxMessage.key).startswith("export:")))).one()
    return row.key, Message.from_json(json.loads(row.payload))


def messenger_of(ws: SlackWorkspace) -> SlackMessenger:
    (adapter,) = [a for a in ws.running.service.adapters if a.platform == "slack"]
    assert isinstance(adapter.messenger, SlackMessenger)
    return adapter.messenger


async def test_the_admins_export_is_uploaded_into_their_dm_once_even_if_delivered_twice(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    fake = FakeSlackWithFiles()
    async with slack_workspace(database_url, with_admin(program), clock, fake) as ws:
        await ask_for_export(ws)
        # Delivery runs again, and a second dispatcher sends the same row once more.
        await ws.running.service.deliver_now()
        key, message = await the_export_message(ws)
        await messenger_of(ws).send_dm("T0TEST", ADMIN, message, key)

        (upload,) = fake.shared(DM)
        assert upload.filename == "turnabout-export-2026-11-23.zip"
        assert upload.initial_comment.startswith("*Your export*")
        assert upload.filename in upload.initial_comment
        assert "participants.csv" in upload.initial_comment  # the summary's table of files
        with zipfile.ZipFile(io.BytesIO(upload.content or b"")) as archive:
            assert "participants.csv" in archive.namelist()
        assert fake.calls_to("chat.postMessage") == []
        assert fake.calls_to("conversations.history") == []
        assert [len(fake.calls_to(m)) for m in ("files.getUploadURLExternal",
                                                "files.upload_url",
                                                "files.completeUploadExternal")] == [1, 1, 1]
        async with ws.running.service.database.session() as session:
            link = (await session.exec(select(ExportLink))).one()
        assert link.used_at is not None and link.content == b""  # delivered, then erased


async def test_a_failed_upload_is_retried_and_the_admin_gets_one_message_with_the_file(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    fake = FakeSlackWithFiles()
    fake.fail_next("files.completeUploadExternal", error="internal_error")
    async with slack_workspace(database_url, with_admin(program), clock, fake) as ws:
        await ask_for_export(ws)
        assert fake.shared() == []

        clock.advance(timedelta(minutes=1))
        await ws.running.service.deliver_now()

        (upload,) = fake.shared(DM)
        assert "participants.csv" in upload.initial_comment
        assert fake.calls_to("chat.postMessage") == []
        assert fake.calls_to("conversations.history") == []


async def test_without_the_files_write_scope_delivery_stops_and_says_why(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    fake = FakeSlackWithFiles(scopes=frozenset({"chat:write", "im:write", "im:history"}))
    async with slack_workspace(database_url, with_admin(program), clock, fake) as ws:
        await ask_for_export(ws)

        async with ws.running.service.database.session() as session:
            row = (await session.exec(select(OutboxMessage).where(
                col(OutboxMessage.key).startswith("export:")))).one()
            link = (await session.exec(select(ExportLink))).one()
        assert row.status == "failed" and "files:write" in (row.last_error or "")
        assert link.used_at is None  # given back: once the scope is added, a retry can send it
