"""Seeding for bench/stats.py: a large, varied program written with bulk inserts.

Rows are generated in Python from one seeded random stream (the same program on SQLite and on
PostgreSQL) and streamed to the database without an ORM: `executemany` in one transaction on
SQLite, `COPY ... FROM STDIN` on PostgreSQL. Ids are explicit, so rows can point at each other
without reading anything back.

The program: people who joined over 18 months (every role and status, some data deleted),
survey answers and topics, pairs (mostly active, some ended, not all agreed, some at risk) in a
few cohorts and match rounds, a waitlist, and activity: meetings, weekly prompts, nudges,
outbox messages (sent, failed, pending), a handful of pulse polls with their invitations and
answers, closing answers of closed cohorts, and an HR import.
"""

from __future__ import annotations

import random
import sqlite3
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, islice
from pathlib import Path
from typing import Any, Protocol

import psycopg
from sqlalchemy.engine import make_url

from bench import _databases as databases

POSTGRES_SERVER = databases.POSTGRES_SERVER
AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # "now" for the whole bench: a Monday
_NOW = AT.replace(tzinfo=None)  # rows hold naive UTC, as UTCDateTime stores it
_START = _NOW - timedelta(days=548)  # the program started 18 months ago
DAY = timedelta(days=1)

# Shares of --activity per kind of row; poll invitations are outbox rows too.
# Other outbox messages (intros, prompts, nudges, ...) make up the rest, so the total is exact.
SHARES = {"meetings": 0.15, "prompts": 0.30, "nudges": 0.03, "invitations": 0.18,
          "answers": 0.08, "hr": 0.10}
POLLS = 5
COHORTS = (("2025 Autumn", 420, 240), ("2026 Spring", 270, 180), ("2026 Summer", 150, 120),
           ("2026 Autumn", 60, None))  # name, started (days ago), length in days (None: open)
STATUSES = (("active", 66), ("pending", 10), ("paused", 6), ("left", 15), ("visitor", 3))
PLATFORMS = (("slack", "T0BENCH", 70), ("teams", "tenant-bench", 25), ("web", "", 5))
DEPARTMENTS = ("engineering", "product", "sales", "marketing", "finance", "people",
               "operations", "legal", "customer", "other")
JUNIOR_LEVELS, SENIOR_LEVELS = ("entry", "associate", "senior-ic"), ("manager", "director",
                                                                      "executive")
TIMEZONES = ("America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/London",
             "Europe/Berlin", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney")
SENIORS_LEARN = ("ai-digital-tools", "social-media", "future-of-work", "next-gen-talent",
                 "culture-inclusion", "work-life-balance", "remote-hybrid", "trends-markets",
                 "diverse-innovation")
JUNIORS_LEARN = ("leadership", "strategic-thinking", "navigating-org", "company-history",
                 "career-advancement", "future-of-work", "work-life-balance")
FIRST_NAMES = ("Ada", "Bo", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi",
               "Lena", "Mo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tariq")
LAST_NAMES = ("Okafor", "Smith", "García", "Nguyen", "Müller", "Rossi", "Kowalski", "Ito",
              "Haddad", "Larsen", "Patel", "Silva", "O'Neil", "Dubois", "Kim")
END_REASONS = ("the program ended", "moved teams", "not a good fit", "left the company", None)
WAITLIST = (("no_mentee", "No senior mentee left with a seniority gap of at least 1"),
            ("no_mentor", "No junior mentor left who teaches what they want to learn"),
            ("capacity", "Every suitable mentor already has a mentee"))
MESSAGE_KINDS = ("intro", "prompt", "nudge", "reply", "announce")
COMMENTS = ("Really useful to see how the new tools fit our work.",
            "=We should meet more often", "Hard to find time this month.",
            "My mentor showed me a side of the company I never saw.", "")


@dataclass(slots=True)
class Person:
    id: int
    role: str | None
    status: str
    platform: str
    tenant: str
    user_id: str
    email: str | None
    department: str
    created: datetime
    joined: datetime | None
    left: datetime | None


@dataclass(slots=True)
class Pair:
    id: int
    mentor: Person
    mentee: Person
    active: bool
    created: datetime
    agreed: datetime | None
    ended: datetime | None
    cohort: int | None
    round: int | None
    last_met: date | None = None
    at_risk: datetime | None = None

    @property
    def until(self) -> datetime:
        return self.ended or _NOW


@dataclass(frozen=True)
class Plan:
    people: int = 100_000
    pairs: int = 40_000
    activity: int = 1_000_000
    seed: int = 7

    def share(self, kind: str) -> int:
        return round(self.activity * SHARES[kind])


@dataclass
class World:
    """What later tables refer to: people, pairs, cohorts, rounds and polls."""

    people: list[Person]
    pairs: list[Pair] = field(default_factory=list)
    rounds: list[datetime] = field(default_factory=list)
    cohorts: list[tuple[int, str, datetime, datetime | None]] = field(default_factory=list)
    polls: list[tuple[int, date, datetime]] = field(default_factory=list)  # id, round, opened
    meetings: list[tuple[int, date]] = field(default_factory=list)

    def cohort_named(self, name: str) -> int:
        return next(c[0] for c in self.cohorts if c[1] == name)


class Sink(Protocol):
    """Where rows go; it also says how a timestamp and a day are written."""

    def ts(self, value: datetime | None) -> Any: ...

    def day(self, value: date | None) -> Any: ...

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int: ...


# --- databases -----------------------------------------------------------------------------

def database(kind: str, directory: Path) -> AbstractContextManager[str]:
    return databases.database(kind, directory, "stats")


def postgres_reachable() -> bool:
    try:
        psycopg.connect(_libpq(POSTGRES_SERVER), connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class SqliteSink:
    """One transaction over a plain sqlite3 connection; values as SQLAlchemy stores them."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute("BEGIN")

    def ts(self, value: datetime | None) -> str | None:
        return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        written, stream = 0, iter(rows)
        while chunk := list(islice(stream, 50_000)):
            self.connection.executemany(sql, chunk)
            written += len(chunk)
        return written

    def finish(self) -> float:
        self.connection.execute("COMMIT")
        self.connection.close()
        return 0.0


class PostgresSink:
    """COPY per table, all in one transaction; then sequences and VACUUM ANALYZE."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection = psycopg.connect(url)
        self.tables: list[str] = []

    def ts(self, value: datetime | None) -> datetime | None:
        return value

    def day(self, value: date | None) -> date | None:
        return value

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        written = 0
        with self.connection.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        if "id" in columns:
            self.tables.append(table)
        return written

    def finish(self) -> float:
        """Commit, move sequences past the explicit ids, and VACUUM ANALYZE, as autovacuum
        would soon after a load this size on a default server (the local test server may run
        without it); returns the seconds VACUUM ANALYZE took."""
        with self.connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE(MAX(id), 1)) FROM {table}")
        self.connection.commit()
        self.connection.autocommit = True
        started = time.perf_counter()
        self.connection.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        self.connection.close()
        return seconds


# --- the program ---------------------------------------------------------------------------

def _weighted(rng: random.Random, options: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(0.0, (end - start).total_seconds())
    return start + timedelta(seconds=int(rng.random() * span))


def make_people(plan: Plan, rng: random.Random) -> list[Person]:
    people = []
    for i in range(1, plan.people + 1):
        status = _weighted(rng, STATUSES)[0]
        platform, tenant, _ = _weighted(rng, PLATFORMS)
        role = None if status == "visitor" or (status == "pending" and rng.random() < 0.3) \
            else rng.choice(("mentor", "mentee"))
        # More people joined lately than at the start: the program grew.
        joined = None if status in ("pending", "visitor") else \
            _START + (_NOW - _START) * rng.random() ** 0.7
        created = (joined - DAY * rng.uniform(0, 5)) if joined else _between(rng, _START, _NOW)
        left = _between(rng, joined, _NOW) if joined and status == "left" else None
        user_id = {"slack": f"U{i:09X}", "teams": f"29:1bench{i:08d}", "web": f"web-{i}"}[platform]
        email = None if platform == "web" else (
            f"First.Last{i}@Example.com" if i % 5 == 0 else f"first.last{i}@example.com")
        people.append(Person(i, role, status, platform, tenant, user_id, email,
                             rng.choice(DEPARTMENTS), created, joined, left))
    return people


def person_rows(world: World, sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for p in world.people:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        levels = JUNIOR_LEVELS if p.role == "mentor" else SENIOR_LEVELS
        paused = (_NOW + DAY * rng.randint(1, 60)).date() if p.status == "paused" else None
        seen = _between(rng, p.joined, _NOW) if p.joined and p.status == "active" else p.joined
        yield (p.id, p.platform, p.tenant, p.user_id, None, f"{first} {last}", p.email,
               rng.choice(TIMEZONES), p.role, p.department,
               f"{p.department} {rng.randrange(12)}", rng.choice(levels) if p.role else None,
               p.status, sink.day(paused), sink.ts(p.created), sink.ts(p.left or p.joined or
               p.created), sink.ts(p.joined), sink.ts(p.left),
               p.status == "left" and rng.random() < 0.2, sink.ts(seen))


PERSON_COLUMNS = ("id", "platform", "tenant_id", "user_id", "directory_id", "display_name",
                  "email", "timezone", "role", "department", "team", "seniority", "status",
                  "paused_until", "created_at", "updated_at", "joined_at", "left_at",
                  "data_deleted", "last_active_at")


def survey_rows(world: World, sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for p in world.people:
        if p.joined and p.role:
            yield (p.id, "Learn how the other half of the company works", rng.choice(
                ("weekly", "fortnightly", "monthly")), rng.choice(("video", "in-person", "chat",
                                                                   "phone", "mixed")),
                   sink.ts(p.joined), sink.ts(p.joined))


def topic_rows(world: World, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for p in world.people:
        if p.joined and p.role:
            teach, learn = ((SENIORS_LEARN, JUNIORS_LEARN) if p.role == "mentor"
                            else (JUNIORS_LEARN, SENIORS_LEARN))
            for direction, topics in (("teach", teach), ("learn", learn)):
                for topic in rng.sample(topics, rng.randint(2, 3)):
                    yield p.id, direction, topic


def make_cohorts(world: World) -> None:
    for n, (name, ago, length) in enumerate(COHORTS, start=1):
        started = _NOW - DAY * ago
        closed = started + DAY * length if length else None
        world.cohorts.append((n, name, started, closed))
    # A match round every month; manual pairs belong to none.
    world.rounds = [_START + DAY * (30 * k + 3) for k in range(18)]


def _cohort_of(world: World, when: datetime) -> int | None:
    for cohort_id, _, started, closed in world.cohorts:
        if started <= when and (closed is None or when < closed):
            return cohort_id
    return None


def make_pairs(plan: Plan, world: World, rng: random.Random) -> None:
    """Active pairs first (one per active mentee, as the database demands), then ended ones."""
    def members(role: str, active: bool) -> list[Person]:
        found = [p for p in world.people if p.role == role and p.joined
                 and (p.status == "active" or not active)]
        rng.shuffle(found)
        return found

    active_mentors, active_mentees = members("mentor", True), members("mentee", True)
    mentors, mentees = members("mentor", False), members("mentee", False)
    n_active = min(round(plan.pairs * 0.72), len(active_mentees), len(active_mentors))
    for n in range(plan.pairs):
        active = n < n_active
        mentor = active_mentors[n] if active else rng.choice(mentors)
        mentee = active_mentees[n] if active else rng.choice(mentees)
        world.pairs.append(_pair(n + 1, mentor, mentee, active, world, rng))


def _pair(pair_id: int, mentor: Person, mentee: Person, active: bool, world: World,
          rng: random.Random) -> Pair:
    start = max(mentor.joined or _START, mentee.joined or _START)
    end = min(mentor.left or _NOW, mentee.left or _NOW)
    created = _between(rng, start, max(start, end - DAY * 2))
    agreed = created + DAY * rng.uniform(0.2, 6) if rng.random() < (0.8 if active else 0.9) \
        else None
    if agreed is not None and agreed > _NOW:
        agreed = None
    ended = None if active else _between(rng, agreed or created, end)
    round_index = bisect_right(world.rounds, created) - 1
    manual = round_index < 0 or rng.random() < 0.05
    return Pair(pair_id, mentor, mentee, active, created, agreed, ended,
                _cohort_of(world, created), None if manual else round_index + 1)


def _pair_weights(world: World) -> tuple[list[Pair], list[float]]:
    """Agreed pairs and their cumulative days together: activity lands on them in proportion."""
    agreed = [p for p in world.pairs if p.agreed is not None and p.until > p.agreed]
    days = [(p.until - p.agreed).total_seconds() / 86400 for p in agreed]  # type: ignore[operator]
    return agreed, list(accumulate(days))


def _days_in(rng: random.Random, pair: Pair) -> date:
    assert pair.agreed is not None
    return _between(rng, pair.agreed, pair.until).date()


def make_meetings(plan: Plan, world: World, rng: random.Random) -> None:
    """Meetings on distinct days per pair; then last_met_on and at-risk follow from them."""
    agreed, weights = _pair_weights(world)
    seen: set[tuple[int, date]] = set()
    target = plan.share("meetings")
    for _ in range(4):  # a few passes: collisions on the same day are skipped
        for pair in rng.choices(agreed, cum_weights=weights, k=target - len(seen)):
            seen.add((pair.id, _days_in(rng, pair)))
        if len(seen) >= target:
            break
    world.meetings = sorted(seen)
    last: dict[int, date] = {}
    for pair_id, day in world.meetings:
        last[pair_id] = day
    quiet = (_NOW - DAY * 28).date()
    for pair in world.pairs:
        pair.last_met = last.get(pair.id)
        if pair.active and pair.agreed and (pair.last_met is None or pair.last_met < quiet) \
                and rng.random() < 0.5:
            pair.at_risk = _between(rng, max(pair.agreed, _NOW - DAY * 20), _NOW)


def pair_rows(world: World, sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for p in world.pairs:
        mentor_agreed = p.agreed or (p.created + DAY if rng.random() < 0.5 else None)
        yield (p.id, p.mentor.id, p.mentee.id, p.round, "active" if p.active else "ended",
               round(rng.uniform(2.0, 12.0), 2), '["teaches what they want to learn"]',
               p.round is None, p.round is None and rng.random() < 0.1, sink.ts(p.created),
               sink.ts(mentor_agreed), sink.ts(p.agreed), sink.ts(p.agreed), sink.ts(p.ended),
               None, None if p.active else rng.choice(END_REASONS), sink.day(p.last_met),
               p.cohort, sink.ts(p.at_risk),
               "no meeting for 4 weeks" if p.at_risk else None)


PAIR_COLUMNS = ("id", "mentor_id", "mentee_id", "round_id", "status", "score", "reasons",
                "manual", "override", "created_at", "mentor_agreed_at", "mentee_agreed_at",
                "agreed_at", "ended_at", "ended_by", "end_reason", "last_met_on", "cohort_id",
                "at_risk_since", "at_risk_reason")


def waitlist_rows(world: World, sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    paired = {p.mentor.id for p in world.pairs if p.active} | \
        {p.mentee.id for p in world.pairs if p.active}
    for p in world.people:
        if p.status == "active" and p.role and p.id not in paired and rng.random() < 0.5:
            code, reason = rng.choice(WAITLIST)
            yield p.id, len(world.rounds), code, reason, sink.ts(world.rounds[-1])


def prompt_rows(plan: Plan, world: World, sink: Sink,
                rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """Weekly prompts (slot 0) and some 'another one' (slot 1..), one row per pair and slot."""
    agreed, weights = _pair_weights(world)
    seen: set[tuple[int, str, int]] = set()
    for pair in rng.choices(agreed, cum_weights=weights, k=plan.share("prompts")):
        day = _days_in(rng, pair)
        year, week, _ = day.isocalendar()
        key = (pair.id, f"{year}-W{week:02d}", 0)
        while key in seen and key[2] < 3:
            key = (key[0], key[1], key[2] + 1)
        if key in seen:
            continue
        seen.add(key)
        yield (*key, f"prompt-{rng.randrange(60):02d}", rng.random() < 0.04,
               sink.ts(datetime.combine(day, datetime.min.time()) + timedelta(hours=9)))


def nudge_rows(plan: Plan, world: World, sink: Sink,
               rng: random.Random) -> Iterator[tuple[Any, ...]]:
    agreed, weights = _pair_weights(world)
    pending = [p for p in world.people if p.status == "pending"]
    for n in range(1, plan.share("nudges") + 1):
        if rng.random() < 0.75 or not pending:
            pair = rng.choices(agreed, cum_weights=weights)[0]
            yield (n, f"inactive:{pair.id}:{n}", pair.mentee.id, pair.id, "inactive",
                   sink.ts(_between(rng, pair.agreed or pair.created, pair.until)))
        else:
            person = rng.choice(pending)
            yield (n, f"signup:{person.id}:{n}", person.id, None, "signup",
                   sink.ts(_between(rng, person.created, _NOW)))


def make_polls(world: World) -> None:
    for n in range(1, POLLS + 1):
        opened = _NOW - DAY * (30 * (POLLS - n) + 2)
        world.polls.append((n, opened.date(), opened))


def _members_at(world: World, when: datetime) -> list[tuple[Person, Pair]]:
    found = []
    for pair in world.pairs:
        if pair.agreed and pair.agreed <= when < pair.until:
            found += [(pair.mentor, pair), (pair.mentee, pair)]
    return found


def _invited(plan: Plan, world: World, rng: random.Random) -> list[list[tuple[Person, Pair]]]:
    per_poll = plan.share("invitations") // POLLS
    invited = []
    for _, _, opened in world.polls:
        members = list({person.id: (person, pair)
                        for person, pair in _members_at(world, opened)}.values())
        invited.append(rng.sample(members, min(per_poll, len(members))))
    return invited


def poll_answer_rows(plan: Plan, world: World, invited: list[list[tuple[Person, Pair]]],
                     sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    per_poll = plan.share("answers") // POLLS
    for (poll_id, _, opened), asked in zip(world.polls, invited, strict=True):
        for person, pair in rng.sample(asked, min(per_poll, len(asked))):
            comment = rng.choice(COMMENTS) if rng.random() < 0.1 else None
            when = sink.ts(opened + timedelta(hours=rng.uniform(1, 96)))
            yield (poll_id, person.id, pair.id, pair.cohort, person.role,
                   rng.choices((1, 2, 3, 4, 5), weights=(3, 7, 20, 40, 30))[0],
                   rng.choice(("0", "1", "2", "3+")),
                   rng.choices(("yes", "sometimes", "slipped"), weights=(6, 3, 1))[0],
                   comment or None, bool(comment) and rng.random() < 0.5, rng.random() < 0.03,
                   when, when)


def outbox_rows(world: World, invited: list[list[tuple[Person, Pair]]], messages: int,
                sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """Poll invitations (key pulse:{poll}:{person}), then `messages` of every other kind."""
    n = 0
    for (poll_id, day, opened), asked in zip(world.polls, invited, strict=True):
        payload = f'{{"title": "Pulse {day}", "text": "How valuable were your sessions?"}}'
        for person, _ in asked:
            n += 1
            status = "failed" if rng.random() < 0.02 else "sent"
            yield _outbox(n, f"pulse:{poll_id}:{person.id}", person, payload, status, opened,
                          sink, rng)
    people = [p for p in world.people if p.joined]
    for k in range(messages):
        n += 1
        person, kind = rng.choice(people), MESSAGE_KINDS[k % len(MESSAGE_KINDS)]
        status = rng.choices(("sent", "failed", "pending"), weights=(965, 15, 20))[0]
        payload = f'{{"text": "A {kind} message, with enough words to look like one."}}'
        yield _outbox(n, f"{kind}:{k}", person, payload, status,
                      _between(rng, person.joined or _START, _NOW), sink, rng)


def _outbox(n: int, key: str, person: Person, payload: str, status: str, when: datetime,
            sink: Sink, rng: random.Random) -> tuple[Any, ...]:
    sent = when + timedelta(seconds=rng.uniform(0.2, 30)) if status == "sent" else None
    return (n, key, person.platform, person.tenant, f'["{person.user_id}"]', payload, status,
            5 if status == "failed" else 1, sink.ts(when), sink.ts(sent),
            f"m{n}" if sent else None, "channel_not_found" if status == "failed" else None,
            sink.ts(when))


OUTBOX_COLUMNS = ("id", "key", "platform", "tenant_id", "recipients", "payload", "status",
                  "attempts", "next_attempt_at", "sent_at", "platform_message_id",
                  "last_error", "created_at")


def closing_rows(world: World, sink: Sink, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for cohort_id, _, _, closed in world.cohorts:
        if closed is None:
            continue
        people = {p.id: p for pair in world.pairs if pair.cohort == cohort_id
                  for p in (pair.mentor, pair.mentee)}
        for person in people.values():
            if rng.random() < 0.3:
                share = rng.random() < 0.4
                yield (cohort_id, person.id, person.role, rng.choice(COMMENTS) or None,
                       rng.choice(COMMENTS) or None, rng.choice(("yes", "no", "unsure")),
                       rng.choice(("more", "same", "less")), rng.randint(1, 5), share,
                       sink.ts(closed + DAY * rng.uniform(0, 10)))


def hr_rows(plan: Plan, world: World, sink: Sink,
            rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """Most participants (by email, or by platform user id), then everyone else employed."""
    joined = [p for p in world.people if p.joined]
    total = plan.share("hr")
    known = rng.sample(joined, min(len(joined), round(total * 0.7)))
    imported = sink.ts(_NOW - DAY * 2)
    for n, p in enumerate(known, start=1):
        by_email = p.email is not None and rng.random() < 0.85
        gone = p.left.date() + DAY * rng.randint(0, 30) if p.left and rng.random() < 0.4 \
            else None
        yield (n, p.email.lower() if by_email and p.email else None,
               None if by_email else p.user_id, p.department, sink.day(_hired(rng)),
               sink.day(gone if gone and gone <= _NOW.date() else None), imported)
    for n in range(len(known) + 1, total + 1):
        gone = (_START + DAY * rng.uniform(0, 548)).date() if rng.random() < 0.15 else None
        yield (n, f"someone{n}@example.com", None, rng.choice(DEPARTMENTS),
               sink.day(_hired(rng)), sink.day(gone), imported)


def _hired(rng: random.Random) -> date | None:
    if rng.random() < 0.03:
        return None
    return (_NOW - DAY * rng.uniform(30, 3650)).date()


# --- writing it all ------------------------------------------------------------------------

@dataclass
class Seeded:
    rows: dict[str, int]
    seconds: float
    analyze_seconds: float
    cohorts: list[tuple[str, int]]  # name, pairs in it
    active_pairs: int

    def total(self, *tables: str) -> int:
        return sum(self.rows.get(t, 0) for t in tables) if tables else sum(self.rows.values())


ACTIVITY = ("meeting", "prompt_delivery", "nudge", "outbox", "pulse_poll", "pulse_answer",
            "hr_record")


def seed(url: str, plan: Plan) -> Seeded:
    """Fill the migrated, empty database at `url`; the counts of what was written."""
    started = time.perf_counter()
    rng = random.Random(plan.seed)
    sink: SqliteSink | PostgresSink = (
        SqliteSink(make_url(url).database or "") if url.startswith("sqlite")
        else PostgresSink(_libpq(url)))
    world = World(make_people(plan, rng))
    make_cohorts(world)
    make_pairs(plan, world, rng)
    make_meetings(plan, world, rng)
    make_polls(world)
    rows = _write_all(plan, world, sink, rng)
    analyze = sink.finish()
    cohorts = [(name, sum(1 for p in world.pairs if p.cohort == cohort_id))
               for cohort_id, name, _, _ in world.cohorts]
    return Seeded(rows, time.perf_counter() - started, analyze, cohorts,
                  sum(1 for p in world.pairs if p.active))


def _write_all(plan: Plan, world: World, sink: Sink, rng: random.Random) -> dict[str, int]:
    rows: dict[str, int] = {}
    rows["person"] = sink.write("person", PERSON_COLUMNS, person_rows(world, sink, rng))
    rows["survey_answers"] = sink.write(
        "survey_answers", ("person_id", "goals", "cadence", "meeting_mode", "submitted_at",
                           "updated_at"), survey_rows(world, sink, rng))
    rows["person_topic"] = sink.write("person_topic", ("person_id", "direction", "topic"),
                                      topic_rows(world, rng))
    rows["cohort"] = sink.write(
        "cohort", ("id", "name", "started_at", "ends_on", "closed_at", "survey_invited",
                   "survey_closes_at"),
        ((i, name, sink.ts(s), sink.day(c.date() if c else (s + DAY * 180).date()), sink.ts(c),
          sum(2 for p in world.pairs if p.cohort == i) if c else 0,
          sink.ts(c + DAY * 7) if c else None)
         for i, name, s, c in world.cohorts))
    rows["match_round"] = sink.write(
        "match_round", ("id", "status", "proposal", "created_at", "decided_at"),
        ((i, "confirmed", '{"pairs": [], "waitlist": []}', sink.ts(when), sink.ts(when))
         for i, when in enumerate(world.rounds, start=1)))
    rows["pair"] = sink.write("pair", PAIR_COLUMNS, pair_rows(world, sink, rng))
    rows["waitlist_entry"] = sink.write(
        "waitlist_entry", ("person_id", "round_id", "code", "reason", "since"),
        waitlist_rows(world, sink, rng))
    rows["meeting"] = sink.write(
        "meeting", ("id", "pair_id", "day", "reported_by", "note", "created_at"),
        ((n, pair_id, sink.day(day), None, "we talked about the roadmap" if n % 3 else None,
          sink.ts(datetime.combine(day, datetime.min.time()) + timedelta(hours=15)))
         for n, (pair_id, day) in enumerate(world.meetings, start=1)))
    rows["prompt_delivery"] = sink.write(
        "prompt_delivery", ("pair_id", "week", "slot", "prompt_id", "skipped", "created_at"),
        prompt_rows(plan, world, sink, rng))
    rows["nudge"] = sink.write("nudge", ("id", "key", "person_id", "pair_id", "kind", "sent_at"),
                               nudge_rows(plan, world, sink, rng))
    # Rounds stay unreleased: the first `admin stats` releases those whose window has passed.
    rows["pulse_poll"] = sink.write(
        "pulse_poll", ("id", "starts_on", "opened_at", "closes_at"),
        ((i, sink.day(day), sink.ts(o), sink.ts(o + DAY * 7)) for i, day, o in world.polls))
    invited = _invited(plan, world, rng)
    rows["poll_invitation"] = sink.write(
        "poll_invitation", ("poll_id", "person_id", "cohort_id", "invited_at"),
        ((poll_id, person.id, pair.cohort, sink.ts(opened))
         for (poll_id, _, opened), asked in zip(world.polls, invited, strict=True)
         for person, pair in asked))
    rows["pulse_answer"] = sink.write(
        "pulse_answer", ("poll_id", "person_id", "pair_id", "cohort_id", "role", "value", "met",
                         "roles_kept",
                         "comment", "share_comment", "wants_help", "answered_at",
                         "updated_at"),
        poll_answer_rows(plan, world, invited, sink, rng))
    so_far = sum(rows.get(table, 0) for table in ACTIVITY)
    messages = max(0, plan.activity - so_far - sum(map(len, invited)) - plan.share("hr"))
    rows["outbox"] = sink.write("outbox", OUTBOX_COLUMNS,
                                outbox_rows(world, invited, messages, sink, rng))
    rows["closing_answer"] = sink.write(
        "closing_answer", ("cohort_id", "person_id", "role", "learned", "taught",
                           "future_leader", "changed_view", "recommend", "share_text",
                           "answered_at"), closing_rows(world, sink, rng))
    rows["hr_record"] = sink.write(
        "hr_record", ("id", "email", "platform_user_id", "department", "hire_date",
                      "leave_date", "imported_at"), hr_rows(plan, world, sink, rng))
    return rows
