"""The web chat's page and JSON API over real HTTP: static files, the people list, request ids,
the inbox. What people do with it is in tests/scenarios/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from adapters.web.messenger import WebMessenger
from core.clock import FrozenClock
from core.messages import Message
from storage.database import Database
from storage.models import Person, WebChatMessage
from tests.support.web_chat import GOOD_ANSWERS, WebChat


def titles(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m["message"]["title"] for m in messages]


async def test_the_page_and_its_static_files_are_served(web: WebChat) -> None:
    async with web.http.get("/") as page:
        assert page.status == 200
        assert page.content_type == "text/html"
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        html = await page.text()
    assert all(f"/web/static/{name}" in html
               for name in ("markup.js", "fields.js", "app.js", "style.css"))
    for name, kind in (("app.js", "text/javascript"), ("markup.js", "text/javascript"),
                       ("fields.js", "text/javascript"), ("style.css", "text/css")):
        async with web.http.get(f"/web/static/{name}") as asset:
            assert asset.status == 200 and asset.content_type == kind
            assert len(await asset.read()) > 1000


@pytest.mark.parametrize("path", ["/web/static/adapter.py", "/web/static/..%2Fadapter.py",
                                  "/web/static/%2e%2e%2f%2e%2e%2fapp.yaml", "/web/static/x.js"])
async def test_only_the_listed_static_files_are_served(web: WebChat, path: str) -> None:
    async with web.http.get(path) as reply:
        assert reply.status == 404
        assert "no such file" in (await reply.json())["error"]


async def test_people_lists_the_demo_people_and_marks_ada_as_admin(web: WebChat) -> None:
    async with web.http.get("/web/api/people") as reply:
        data = await reply.json()
    assert data["program"] == "Turnabout"
    people = {p["id"]: p for p in data["people"]}
    assert list(people) == ["ada", "jo", "sam", "priya", "morgan"]
    assert people["ada"]["admin"] is True and people["ada"]["name"] == "Ada"  # no "(admin)"
    assert not any(p["admin"] for user, p in people.items() if user != "ada")


async def test_a_saved_survey_answers_close_form_and_the_welcome_waits_in_the_inbox(
    web: WebChat,
) -> None:
    jo = web.person("jo", timezone="Europe/Berlin")

    opened = await jo.say("join")
    assert opened["form"]["form_id"] == "signup"
    assert opened["form"]["values"] == {"timezone": "Europe/Berlin"}  # the browser's guess
    saved = await jo.submit(GOOD_ANSWERS)

    assert {k: saved[k] for k in ("messages", "form", "errors", "close_form")} == {
        "messages": [], "form": None, "errors": {}, "close_form": True}
    inbox = await jo.inbox()
    assert len(inbox) == 1 and inbox[0]["message"]["facts"]
    assert await jo.inbox(after=inbox[0]["id"]) == []  # the page polls from its last id


async def test_the_same_request_sent_twice_changes_nothing_twice(web: WebChat) -> None:
    priya = web.person("priya")
    await priya.say("join")
    first = await priya.submit(GOOD_ANSWERS, request_id="retry-1")
    retry = await priya.submit(GOOD_ANSWERS, request_id="retry-1")
    assert first["close_form"] is True
    assert {k: retry[k] for k in ("messages", "form", "errors", "close_form", "entries")} == {
        "messages": [], "form": None, "errors": {}, "close_form": False, "entries": []}
    assert titles(await priya.inbox()) == ["Welcome to Turnabout!"]

    await priya.say("pause", request_id="retry-2")
    await priya.say("resume")
    assert (await priya.say("pause", request_id="retry-2"))["messages"] == []
    assert "You're in as" in (await priya.say("status"))["messages"][0]["title"]


async def test_a_request_without_request_id_is_still_handled(web: WebChat) -> None:
    async with web.http.post("/web/api/events", json={"user": "morgan", "command": "help"}) as r:
        assert r.status == 200
        assert "reverse mentoring" in (await r.json())["messages"][0]["title"]


async def test_one_persons_inbox_never_shows_anothers_messages(web: WebChat) -> None:
    jo, sam = web.person("jo"), web.person("sam")
    await jo.join()
    await sam.join(role="mentee", seniority="director", teach=[], learn=["ai-digital-tools"])
    jo_inbox, sam_inbox = await jo.inbox(), await sam.inbox()
    assert len(jo_inbox) == len(sam_inbox) == 1
    assert {"label": "Role", "value": "junior mentor"} in jo_inbox[0]["message"]["facts"]
    assert {"label": "Role", "value": "senior mentee"} in sam_inbox[0]["message"]["facts"]
    assert await web.person("ada").inbox() == []


async def test_a_newcomer_typed_by_name_joins_with_that_name(web: WebChat) -> None:
    lee = web.person("lee-wong")
    opened = await lee.post(command="join", name="Lee Wong")
    assert opened["form"] is not None
    await lee.submit(GOOD_ANSWERS)
    async with web.running.service.database.session() as session:
        person = (await session.exec(select(Person).where(Person.user_id == "lee-wong"))).one()
    assert person.display_name == "Lee Wong" and person.platform == "web"


async def test_a_group_message_lands_once_in_each_members_inbox(
    database: Database, clock: FrozenClock
) -> None:
    messenger = WebMessenger(database, clock)
    first_id = await messenger.send_group("", ["jo", "sam", "jo"], Message("Meet your match"))
    dm_id = await messenger.send_dm("", "sam", Message("Just for Sam"))
    assert first_id is not None and dm_id is not None and int(dm_id) > int(first_id)
    async with database.session() as session:
        rows = (await session.exec(select(WebChatMessage).order_by(col(WebChatMessage.id)))).all()
    assert [(r.user_id, Message.from_json(json.loads(r.payload)).text)
            for r in rows] == [("jo", "Meet your match"), ("sam", "Meet your match"),
                               ("sam", "Just for Sam")]
