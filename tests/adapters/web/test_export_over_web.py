"""`admin export` in the web chat: the inbox message carries a link that downloads once."""

from __future__ import annotations

import io
import zipfile

import aiohttp
import pypdf

from config.program import Program
from core.clock import FrozenClock
from features.admin.export import PREPARING
from features.admin.report import PREPARING as REPORT_PREPARING
from tests.support.service import make_settings, serve
from tests.support.web_chat import inbox_once_filled


async def test_the_inbox_message_carries_a_link_that_downloads_once(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        async with http.post("/web/api/events", json={"user": "ada",
                                                      "command": "admin export"}) as reply:
            assert (await reply.json())["messages"][0]["text"] == PREPARING
        (item,) = await inbox_once_filled(http, "ada")

        file = item["message"]["attachment"]
        assert file["filename"] == "turnabout-export-2026-11-23.zip"
        assert file["download_url"] == f"/exports/{file['token']}"
        async with http.get(file["download_url"]) as first:
            assert first.status == 200 and first.content_type == "application/zip"
            content = await first.read()
        assert len(content) == file["size"]
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert "comments.csv" in archive.namelist()
        async with http.get(file["download_url"]) as second:
            assert second.status == 410 and second.content_type == "text/html"
            assert "admin export" in await second.text()


async def test_the_report_arrives_in_the_inbox_as_a_pdf_that_downloads_once(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with (serve(make_settings(database_url, program, web_chat=True), clock) as running,
                aiohttp.ClientSession(running.url) as http):
        async with http.post("/web/api/events", json={"user": "ada",
                                                      "command": "admin report"}) as reply:
            # Only the answer: the page is drawn after the request, and sent to the inbox.
            assert [m["text"] for m in (await reply.json())["messages"]] == [REPORT_PREPARING]
        await running.service.settle()
        async with http.get("/web/api/inbox", params={"user": "ada", "after": "0"}) as inbox:
            (item,) = (await inbox.json())["messages"]

        file = item["message"]["attachment"]
        assert file["filename"] == "turnabout-report-2026-11-23.pdf"
        async with http.get(file["download_url"]) as first:
            assert first.status == 200 and first.content_type == "application/pdf"
            content = await first.read()
        assert len(content) == file["size"] and len(pypdf.PdfReader(io.BytesIO(content)).pages) == 1
        async with http.get(file["download_url"]) as second:
            assert second.status == 410 and "admin report" in await second.text()
