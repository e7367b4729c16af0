"""`admin export`: what the files hold, what they never hold, and who may ask for them."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import func, select

from core.privacy import TOO_FEW
from features.admin.export import PREPARING
from storage.database import Database
from storage.models import (
    ClosingAnswer,
    Cohort,
    ExportLink,
    Meeting,
    OutboxMessage,
    Pair,
    Person,
    PollInvitation,
    PulseAnswer,
    PulsePoll,
)
from storage.outbox.queueing import enqueue_many
from tests.support.world import World

FILES = ["README.txt", "participants.csv", "pairs.csv", "meetings.csv", "polls.csv",
         "closing.csv", "outcomes.csv", "comments.csv"]
OCT, NOV = date(2026, 10, 5), date(2026, 11, 2)  # two poll rounds, both closed by 23 Nov
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

    async def cohort(self, name: str, closed: bool = False) -> int:
        """A cohort; `closed`: closed two weeks ago, its closing survey closed too."""
        async with self.world.database.session() as session:
            ended = self.now - timedelta(days=14)
            cohort = Cohort(name=name, started_at=self.now - timedelta(days=200),
                            closed_at=ended if closed else None,
                            survey_closes_at=ended + timedelta(days=7) if closed else None)
            session.add(cohort)
            await session.flush()
            return cohort.id  # type: ignore[return-value]

    async def poll(self, day: date, answers: dict[int, dict[str, Any]]) -> int:
        """A round that closed a week after `day`; everyone in `answers` was invited to it and
        answered it, in the cohort their answer names (`cohort_id`)."""
        async with self.world.database.session() as session:
            opened = datetime.combine(day, time(9, 30), tzinfo=UTC)
            poll = PulsePoll(starts_on=day, opened_at=opened, closes_at=opened + timedelta(days=7))
            session.add(poll)
            await session.flush()
            for person_id, answer in answers.items():
                session.add(PollInvitation(poll_id=poll.id, person_id=person_id,  # type: ignore[arg-type]
                                           cohort_id=answer.get("cohort_id"), invited_at=opened))
                session.add(PulseAnswer(
                    poll_id=poll.id, person_id=person_id, role="mentor", answered_at=opened,  # type: ignore[arg-type]
                    updated_at=opened, **{"value": 4, "met": "2", "roles_kept": "yes",
                                          **answer}))
            await enqueue_many(session, [
                {"key": f"pulse:{poll.id}:{p}", "platform": "web", "tenant_id": "",
                 "recipients": [f"u{p}"], "payload": {"text": "poll"}} for p in answers],
                opened)
            return poll.id  # type: ignore[return-value]

    async def closing(self, cohort: int, answers: dict[int, str | None]) -> None:
        """Closing-survey answers given before the survey closed; text shared where given."""
        async with self.world.database.session() as session:
            found = await session.get(Cohort, cohort)
            assert found is not None and found.closed_at is not None
            found.survey_invited = len(answers)
            session.add(found)
            for person, text in answers.items():
                session.add(ClosingAnswer(cohort_id=cohort, person_id=person, role="mentor",
                                          learned=text, future_leader="yes", changed_view="more",
                                          recommend=4, share_text=text is not None,
                                          answered_at=found.closed_at + timedelta(days=1)))


async def export(world: World, args: str = "") -> str:
    """`admin export`, then the moment the worker takes to read and zip it (queued, unsent)."""
    response = await world.person("ada").say(f"admin export {args}".strip())
    await world.tasks.idle()
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
    assert ("participants.csv", "2 rows") in [(f.label, f.value) for f in sent.message.facts]
    assert [p["display name"] for p in files["participants.csv"]] == ["Jo", "Sam"]  # not Ada
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
    await program.poll(OCT, {
        person: {"value": value, "met": "3+" if value == 5 else "1",
                 "roles_kept": "yes" if value > 3 else "slipped",
                 "comment": "=HYPERLINK(1)" if value == 3 else f"private thought {value}",
                 "share_comment": value <= 3}
        for person, value in zip(ids, values, strict=False)})
    await program.poll(NOV, {ids[0]: {"value": 1, "comment": "lonely words",
                                      "share_comment": True}})

    await export(world)
    _, files = await the_export(world)

    assert files["meetings.csv"] == [{"pair id": str(pair), "day": "2026-11-20"}]
    large, small = files["polls.csv"]
    assert large == {"poll": "2026-10-05", "closes at": "2026-10-12T09:30:00+00:00",
                     "status": "closed", "invitations": "5", "responses": "5",
                     "response rate": "100%", "average value (1-5)": "3.6",
                     "roles kept: yes": "60%", "met 0 times": "0%", "met once": "80%",
                     "met twice": "0%", "met 3+ times": "20%"}
    assert small["responses"] == "1" and small["average value (1-5)"] == TOO_FEW
    assert all(small[column] == TOO_FEW for column in list(small)[6:])
    # Shared comments, formulas defused; none from a round too few answered.
    assert files["comments.csv"] == [
        {"source": "pulse poll", "poll or cohort": "2026-10-05", "question": "comment",
         "comment": "'=HYPERLINK(1)"},
        {"source": "pulse poll", "poll or cohort": "2026-10-05", "question": "comment",
         "comment": "private thought 2"}]
    everything = str(files)
    assert "divorce" not in everything and "private thought 5" not in everything
    assert "lonely words" not in everything


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
    spring = await program.cohort("Spring 2027", closed=True)
    autumn = await program.cohort("Autumn", closed=True)
    ids = await program.people(*"abcdefghijkl")
    spring_pairs = [await program.pair(ids[n], ids[n + 1], spring) for n in (0, 2, 4)]
    await program.pair(ids[6], ids[7], autumn)

    def in_cohort(person: int, **answer: Any) -> dict[str, Any]:
        cohort = spring if person in ids[:6] else autumn if person in ids[6:8] else None
        return {"cohort_id": cohort, **answer}

    await program.poll(OCT, {p: in_cohort(p, value=5) for p in ids[:6]})  # the cohort only
    await program.poll(NOV, {p: in_cohort(p, value=3, comment=f"words of {p}",
                                          share_comment=True) for p in ids})  # rest: 6
    await program.closing(spring, {p: "Prompt engineering" if p == ids[0] else None
                                   for p in ids[:6]})
    await program.closing(autumn, {ids[6]: "Autumn words", ids[7]: None})

    await export(world, "cohort spring 2027")
    link, files = await the_export(world)

    assert link.filename == "turnabout-export-spring-2027-2026-11-23.zip"
    assert [int(p["pair id"]) for p in files["pairs.csv"]] == spring_pairs
    assert [int(p["id"]) for p in files["participants.csv"]] == ids[:6]
    october, november = files["polls.csv"]
    assert (october["responses"], october["average value (1-5)"]) == ("6", "5.0")
    assert (november["invitations"], november["responses"], november["average value (1-5)"]) == (
        "6", "6", "3.0")
    (survey,) = files["closing.csv"]
    assert (survey["cohort"], survey["responses"], survey["would recommend (1-5)"]) == (
        "Spring 2027", "6", "4.0")
    assert sorted(c["comment"] for c in files["comments.csv"]) == sorted(
        ["Prompt engineering", *(f"words of {p}" for p in ids[:6])])


async def test_too_small_a_rest_of_the_program_hides_a_cohorts_poll_figures(
    world: World,
) -> None:
    program = Seed(world)
    spring = await program.cohort("Spring")
    ids = await program.people(*"abcdefgh")
    for n in (0, 2, 4):
        await program.pair(ids[n], ids[n + 1], spring)
    await program.poll(OCT, {p: {"value": 5, "cohort_id": spring if p in ids[:6] else None}
                             for p in ids})  # six in, two outside

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
    for week in range(8):
        await program.poll(date(2026, 6, 1) + timedelta(weeks=week),
                           {p: {"value": 4} for p in ids[:20]})
    await export(world)  # the first look after the rounds closed releases their results, once

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
