"""`admin export`: what the files hold, what they never hold, and who may ask for them."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import func, select

from features.admin.export import PREPARING, TOO_FEW
from storage import outbox
from storage.database import Database
from storage.models import (
    ClosingAnswer,
    Cohort,
    ExportLink,
    Meeting,
    OutboxMessage,
    Pair,
    Person,
    PulseAnswer,
    PulsePoll,
)
from tests.support.world import World

FILES = ["README.txt", "participants.csv", "pairs.csv", "meetings.csv", "polls.csv",
         "comments.csv"]
Rows = list[dict[str, str]]


def read_zip(content: bytes) -> dict[str, Rows]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == FILES
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
                for name in FILES[1:]}


async def the_export(world: World) -> tuple[ExportLink, dict[str, Rows]]:
    async with world.database.session() as session:
        (link,) = (await session.exec(select(ExportLink))).all()
    return link, read_zip(link.content)


class Seed:
    """A small program seeded straight into the tables, so each test states its data."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.now = world.clock.now()

    async def people(self, *names: str, role: str = "mentor") -> list[int]:
        async with self.world.database.session() as session:
            people = [Person(platform="web", user_id=name, display_name=name.title(),
                             email=f"{name}@example.com", role=role, department="sales",
                             team="Inside Sales", seniority="entry", status="active",
                             created_at=self.now, updated_at=self.now, joined_at=self.now)
                      for name in names]
            session.add_all(people)
            await session.flush()
            return [p.id for p in people]  # type: ignore[misc]

    async def pair(self, mentor: int, mentee: int, cohort: int | None = None) -> int:
        async with self.world.database.session() as session:
            pair = Pair(mentor_id=mentor, mentee_id=mentee, created_at=self.now, score=2.5,
                        cohort_id=cohort, last_met_on=date(2026, 11, 20))
            session.add(pair)
            await session.flush()
            return pair.id  # type: ignore[return-value]

    async def cohort(self, name: str) -> int:
        async with self.world.database.session() as session:
            cohort = Cohort(name=name, started_at=self.now)
            session.add(cohort)
            await session.flush()
            return cohort.id  # type: ignore[return-value]

    async def poll(self, period: str, answers: dict[int, dict[str, Any]]) -> int:
        """A poll everyone in `answers` was invited to and answered."""
        async with self.world.database.session() as session:
            poll = PulsePoll(period=period, opened_at=self.now)
            session.add(poll)
            await session.flush()
            for person_id, answer in answers.items():
                session.add(PulseAnswer(
                    poll_id=poll.id, person_id=person_id, role="mentor", answered_at=self.now,  # type: ignore[arg-type]
                    updated_at=self.now, **{"value": 4, "met": "2", "roles_kept": "yes",
                                            **answer}))
            await outbox.enqueue_many(session, [
                {"key": f"pulse:{poll.id}:{p}", "platform": "web", "tenant_id": "",
                 "recipients": [f"u{p}"], "payload": {"text": "poll"}} for p in answers],
                self.now)
            return poll.id  # type: ignore[return-value]


async def export(world: World, args: str = "") -> str:
    response = await world.person("ada").say(f"admin export {args}".strip())
    return response.messages[0].text


async def test_an_admins_export_arrives_privately_as_one_zip_of_csv_files(world: World) -> None:
    program = Seed(world)
    jo, sam = await program.people("jo", "sam")
    await program.pair(jo, sam)

    assert await export(world) == PREPARING
    assert await world.deliver() == 1

    (sent,) = world.messenger.sent
    assert sent.user_ids == ("ada",)
    link, files = await the_export(world)
    assert sent.message.attachment is not None
    assert sent.message.attachment.token == link.token
    assert link.filename == sent.message.attachment.filename == "turnabout-export-2026-11-23.zip"
    assert sent.message.attachment.size == len(link.content)
    assert link.expires_at - link.created_at == timedelta(hours=24)
    async with world.database.session() as session:
        ada = (await session.exec(select(Person).where(Person.user_id == "ada"))).one()
    assert link.person_id == ada.id
    assert ("participants.csv", "3 rows") in [(f.label, f.value) for f in sent.message.facts]
    assert [p["display name"] for p in files["participants.csv"]] == ["Jo", "Sam", ""]
    (pair,) = files["pairs.csv"]
    assert (pair["mentor name"], pair["mentee name"], pair["score"]) == ("Jo", "Sam", "2.5")


async def test_the_export_never_holds_single_answers_notes_or_unshared_comments(
    world: World,
) -> None:
    program = Seed(world)
    ids = await program.people("a", "b", "c", "d", "e", "f")
    pair = await program.pair(ids[0], ids[1])
    async with world.database.session() as session:
        session.add(Meeting(pair_id=pair, day=date(2026, 11, 20), reported_by=ids[0],
                            note="We talked about my divorce", created_at=program.now))
    values = [5, 4, 4, 3, 2]
    await program.poll("2026-W44", {
        person: {"value": value, "met": "3+" if value == 5 else "1",
                 "roles_kept": "yes" if value > 3 else "slipped",
                 "comment": f"private thought {value}", "share_comment": value == 2}
        for person, value in zip(ids, values, strict=False)})
    await program.poll("2026-W48", {ids[0]: {"value": 1, "comment": "=HYPERLINK(1)",
                                            "share_comment": True}})

    await export(world)
    _, files = await the_export(world)

    assert files["meetings.csv"] == [{"pair id": str(pair), "day": "2026-11-20"}]
    large, small = files["polls.csv"]
    assert large == {"period": "2026-W44", "invitations": "5", "responses": "5",
                     "response rate": "100%", "average value (1-5)": "3.6",
                     "roles kept: yes": "60%", "met 0 times": "0%", "met once": "80%",
                     "met twice": "0%", "met 3+ times": "20%"}
    assert small["responses"] == "1" and small["average value (1-5)"] == TOO_FEW
    assert all(small[column] == TOO_FEW for column in list(small)[4:])
    assert files["comments.csv"] == [
        {"source": "pulse poll", "period or cohort": "2026-W44", "question": "comment",
         "comment": "private thought 2"},
        {"source": "pulse poll", "period or cohort": "2026-W48", "question": "comment",
         "comment": "'=HYPERLINK(1)"}]
    everything = str(files)
    assert "divorce" not in everything and "private thought 5" not in everything


async def test_people_who_deleted_their_data_remain_only_as_anonymous_rows(world: World) -> None:
    program = Seed(world)
    jo, sam = await program.people("jo", "sam")
    await program.pair(jo, sam)
    await world.person("sam").press("membership.leave", "delete")

    await export(world)
    _, files = await the_export(world)

    gone = next(p for p in files["participants.csv"] if p["id"] == str(sam))
    assert gone["status"] == "left" and gone["role"] == "mentor"
    assert gone["joined at"] == "2026-11-23T08:00:00+00:00"
    assert all(gone[c] == "" for c in ("platform", "display name", "email", "department",
                                       "team", "seniority", "timezone"))
    (pair,) = files["pairs.csv"]
    assert (pair["mentor name"], pair["mentee name"]) == ("Jo", "(data deleted)")
    assert "sam" not in str(files).lower()


async def test_a_cohort_export_holds_only_that_cohort(world: World) -> None:
    program = Seed(world)
    spring, autumn = await program.cohort("Spring 2027"), await program.cohort("Autumn")
    ids = await program.people(*"abcdefghijkl")
    spring_pairs = [await program.pair(ids[n], ids[n + 1], spring) for n in (0, 2, 4)]
    await program.pair(ids[6], ids[7], autumn)
    await program.poll("2026-W44", {p: {"value": 5} for p in ids[:6]})  # whole program: 6
    await program.poll("2026-W48", {p: {"value": 3} for p in ids})  # rest of program: 6
    async with world.database.session() as session:
        for person, cohort, text in ((ids[0], spring, "Prompt engineering"),
                                     (ids[6], autumn, "Autumn words")):
            session.add(ClosingAnswer(cohort_id=cohort, person_id=person, role="mentor",
                                      learned=text, future_leader="yes", changed_view="more",
                                      recommend=5, share_text=True, answered_at=program.now))

    await export(world, "cohort spring 2027")
    link, files = await the_export(world)

    assert link.filename == "turnabout-export-spring-2027-2026-11-23.zip"
    assert [int(p["pair id"]) for p in files["pairs.csv"]] == spring_pairs
    assert [int(p["id"]) for p in files["participants.csv"]] == ids[:6]
    w44, w48 = files["polls.csv"]
    # Six answers in the cohort, but the whole minus the cohort would reveal the other ones.
    assert (w44["responses"], w44["average value (1-5)"]) == ("6", "5.0")
    assert (w48["invitations"], w48["responses"], w48["average value (1-5)"]) == (
        "6", "6", "3.0")
    assert [c["comment"] for c in files["comments.csv"]] == ["Prompt engineering"]


async def test_too_small_a_rest_of_the_program_hides_a_cohorts_poll_figures(
    world: World,
) -> None:
    program = Seed(world)
    spring = await program.cohort("Spring")
    ids = await program.people(*"abcdefgh")
    for n in (0, 2, 4):
        await program.pair(ids[n], ids[n + 1], spring)
    await program.poll("2026-W44", {p: {"value": 5} for p in ids})  # six in, two outside

    await export(world, "cohort Spring")
    _, files = await the_export(world)

    (poll,) = files["polls.csv"]
    assert poll["responses"] == "6" and poll["average value (1-5)"] == TOO_FEW


async def test_an_unknown_cohort_gets_the_list_of_cohorts_and_no_export(world: World) -> None:
    program = Seed(world)
    await program.cohort("Spring 2027")

    text = await export(world, "cohort Sprung")

    assert "“Sprung”" in text and "“Spring 2027”" in text
    assert await world.deliver() == 0
    async with world.database.session() as session:
        assert (await session.exec(select(func.count()).select_from(ExportLink))).one() == 0


async def test_a_non_admins_export_is_refused_and_creates_nothing(world: World) -> None:
    text = (await world.person("jo").say("admin export")).messages[0].text

    assert "for the program team" in text
    async with world.database.session() as session:
        for table in (ExportLink, OutboxMessage):
            assert (await session.exec(select(func.count()).select_from(table))).one() == 0


async def test_the_export_takes_as_many_queries_for_sixty_people_as_for_none(
    world: World,
) -> None:
    for _ in range(2):  # the admin's own row and activity are written on first commands
        await export(world)
    before = await count_statements(world.database, export(world))
    program = Seed(world)
    ids = await program.people(*(f"p{n}" for n in range(60)))
    for n in range(0, 60, 2):
        await program.pair(ids[n], ids[n + 1])
    for week in range(40, 48):
        await program.poll(f"2026-W{week}", {p: {"value": 4} for p in ids[:20]})

    assert await count_statements(world.database, export(world)) == before


async def count_statements(database: Database, work: Any) -> int:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        await work
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    return len(seen)
