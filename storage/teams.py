"""Teams as identities, reporting lines from the HR import, and "please don't pair me with".

Matching compares team ids, never names. A team listed in app.yaml has the key `cfg:ID`; a
team known only by its name (an HR import, a name typed before the list existed, a program
without a list) has `name:NORMALISED`, so "Payments" and "payments team " are one team.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import dialect
from storage.models import HrRecord, Person, PersonAvoid, Team


def normalised(name: str) -> str:
    """A team name as matching sees it: case, spacing, punctuation and a trailing "team" do
    not make another team. (Frozen into migration 0013: change both or neither.)"""
    words = re.sub(r"[\W_]+", " ", name.casefold()).split()
    if len(words) > 1 and words[-1] == "team":
        words.pop()
    return " ".join(words)


def name_key(name: str) -> str:
    return f"name:{normalised(name)}"[:160]


def listed_key(team_id: str) -> str:
    return f"cfg:{team_id}"


async def resolve(session: AsyncSession, key: str, name: str, department: str | None) -> int:
    """The id of the team with this key, made on first use (concurrent callers get one row)."""
    statement = (dialect.insert(session, Team)
                 .values(key=key, name=name[:200], department=department)
                 .on_conflict_do_nothing(index_elements=["key"]))
    await session.exec(statement)  # type: ignore[call-overload]
    found = (await session.exec(select(Team.id).where(Team.key == key))).one()
    assert found is not None
    return found


@dataclass(frozen=True)
class Listed:
    """A team app.yaml lists: its id, its label and its department's id."""

    id: str
    label: str
    department: str


async def adopt_listed(session: AsyncSession, listed: Sequence[Listed]) -> int:
    """Teams known by name whose name is a listed team's (label or id, normalised) become that
    team: their people move over and the name-only row goes. Returns how many people moved.
    Run at start-up, so a list added to app.yaml later still catches earlier names."""
    moved = 0
    for team in listed:
        names = {name_key(team.label), name_key(team.id)}
        stray = (await session.exec(select(Team.id).where(col(Team.key).in_(names)))).all()
        if not stray:
            continue
        target = await resolve(session, listed_key(team.id), team.label, team.department)
        result = await session.exec(update(Person).where(col(Person.team_id).in_(stray))  # type: ignore[call-overload]
                                    .values(team_id=target, team=team.label))
        moved += result.rowcount or 0
        await session.exec(delete(Team).where(col(Team.id).in_(stray)))  # type: ignore[call-overload]
    return moved


async def forget_unused(session: AsyncSession) -> None:
    """Teams known only by a name nobody holds any more (the last member was forgotten)."""
    used = select(Person.team_id).where(col(Person.team_id).is_not(None))
    await session.exec(delete(Team).where(col(Team.key).startswith("name:"),  # type: ignore[call-overload]
                                          col(Team.id).not_in(used)))


# -- the HR import ----------------------------------------------------------------------------


def _hr_of(person: Person) -> list[str]:
    """The keys an HR row may know this person by: email (any case) or platform id."""
    return [k for k in ((person.email or "").lower(), person.user_id) if k]


async def hr_team_of(session: AsyncSession, person: Person) -> str | None:
    """The team name the HR import gives this person, if any."""
    keys = _hr_of(person)
    row = (await session.exec(select(HrRecord.team).where(
        or_(func.lower(col(HrRecord.email)).in_(keys), col(HrRecord.platform_user_id).in_(keys)),
        col(HrRecord.team).is_not(None)))).first()
    return row if row and normalised(row) else None


async def apply_hr_teams(session: AsyncSession, listed: Sequence[Listed]) -> int:
    """After an import: everyone HR lists with a team gets that team (a listed one when the
    names match). Returns how many people it set."""
    by_name = {normalised(n): t for t in listed for n in (t.label, t.id)}
    rows = (await session.exec(select(HrRecord.email, HrRecord.platform_user_id, HrRecord.team)
                               .where(col(HrRecord.team).is_not(None)))).all()
    teams_of: dict[str, str] = {}
    for email, platform_id, team in rows:
        for key in (email, platform_id):
            if key and team and normalised(team):
                teams_of[key.lower() if key == email else key] = team
    if not teams_of:
        return 0
    changed = 0
    ids: dict[str, int] = {}
    people = await session.exec(select(Person).where(or_(
        func.lower(col(Person.email)).in_(list(teams_of)), col(Person.user_id).in_(list(teams_of)))))
    for person in people.all():
        name = teams_of.get((person.email or "").lower()) or teams_of.get(person.user_id)
        if name is None:
            continue
        found = by_name.get(normalised(name))
        key = listed_key(found.id) if found else name_key(name)
        if key not in ids:
            ids[key] = await resolve(session, key, found.label if found else name,
                                     found.department if found else None)
        if person.team_id != ids[key]:
            person.team_id, person.team = ids[key], (found.label if found else name)[:100]
            session.add(person)
            changed += 1
    return changed


async def reporting_lines(session: AsyncSession, person_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Pairs of these people where one is the other's manager or manager's manager (both
    orders), from the HR import's manager column."""
    wanted = set(person_ids)
    links = (await session.exec(select(HrRecord.email, HrRecord.platform_user_id, HrRecord.manager)
                                .where(col(HrRecord.manager).is_not(None)))).all()
    if not links or not wanted:
        return set()
    people = (await session.exec(select(Person.id, Person.email, Person.user_id)
                                 .where(col(Person.id).in_(wanted)))).all()
    who: dict[str, int] = {}
    for pid, email, user_id in people:
        for key in ((email or "").lower(), user_id):
            if key:
                who.setdefault(key, pid)
    manager_of: dict[str, str] = {}
    for email, platform_id, manager in links:
        for key in ((email or "").lower(), platform_id):
            if key and manager:
                manager_of[key] = manager.strip().lower() if "@" in manager else manager.strip()
    pairs: set[tuple[int, int]] = set()
    for key, person_id in who.items():
        boss = manager_of.get(key)
        for above in (boss, manager_of.get(boss) if boss else None):
            if above and above in who and who[above] != person_id:
                pairs.add((person_id, who[above]))
                pairs.add((who[above], person_id))
    return pairs


# -- please don't pair me with ----------------------------------------------------------------


async def avoided_by(session: AsyncSession, person_id: int) -> list[int]:
    return list((await session.exec(select(PersonAvoid.avoid_id)
                                    .where(PersonAvoid.person_id == person_id)
                                    .order_by(col(PersonAvoid.avoid_id)))).all())


async def replace_avoided(session: AsyncSession, person_id: int, avoid: Iterable[int]) -> None:
    await session.exec(delete(PersonAvoid).where(col(PersonAvoid.person_id) == person_id))  # type: ignore[call-overload]
    session.add_all(PersonAvoid(person_id=person_id, avoid_id=other)
                    for other in sorted(set(avoid) - {person_id}))


async def kept_apart(session: AsyncSession) -> set[tuple[int, int]]:
    """Every "don't pair me with" as pairs in both orders: the rule holds both ways."""
    rows = (await session.exec(select(PersonAvoid.person_id, PersonAvoid.avoid_id))).all()
    return {(a, b) for a, b in rows} | {(b, a) for a, b in rows}


async def kept_apart_between(session: AsyncSession, a: int, b: int) -> bool:
    """Whether either of the two asked not to be paired with the other."""
    return (await session.exec(select(PersonAvoid.person_id).where(or_(
        (col(PersonAvoid.person_id) == a) & (col(PersonAvoid.avoid_id) == b),
        (col(PersonAvoid.person_id) == b) & (col(PersonAvoid.avoid_id) == a))))).first() is not None


async def forget_avoids(session: AsyncSession, person_id: int) -> None:
    """Their wishes, and anyone's wish about them, go when they are forgotten."""
    await session.exec(delete(PersonAvoid).where(or_(  # type: ignore[call-overload]
        col(PersonAvoid.person_id) == person_id, col(PersonAvoid.avoid_id) == person_id)))
