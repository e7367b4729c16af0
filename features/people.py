"""Small shared views of a person: how to address them, what to call them."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from config.program import Program
from core import keys
from core.context import Context
from core.events import Address, Event, Profile
from core.messages import Message
from core.outgoing import Outgoing
from core.text import literal
from storage import grants, people
from storage.models import Person

ROLE_NAMES = {"mentor": "junior mentor", "mentee": "senior mentee"}


def address_of(person: Person) -> Address:
    return Address(person.platform, person.user_id, person.tenant_id)  # type: ignore[arg-type]


def refresh_profile(person: Person, profile: Profile) -> None:
    """What the platform says about the person now wins over what it said before."""
    if profile.display_name and profile.display_name != person.display_name:
        person.display_name = profile.display_name[:200]
    if profile.directory_id and profile.directory_id != person.directory_id:
        person.directory_id = profile.directory_id
    if profile.email and profile.email != person.email:
        person.email = profile.email[:320]


def name_of(person: Person) -> str:
    """The person's name, ready to put into a message (see core.text.literal)."""
    return literal(person.display_name) if person.display_name else "your partner"


async def is_admin(
    session: AsyncSession, program: Program, person: Person | None, event: Event
) -> bool:
    """Listed in app.yaml by platform user id or (Teams) directory id, or granted from chat."""
    directory_id = event.profile.directory_id or (person.directory_id if person else None)
    if program.admins.includes(event.sender, directory_id):
        return True
    s = event.sender
    return await grants.is_granted(session, s.platform, s.tenant_id, s.user_id)


async def is_admin_at(session: AsyncSession, program: Program, address: Address,
                      person: Person | None) -> bool:
    """The same rule as `is_admin`, for someone the bot is not hearing from right now."""
    if program.admins.includes(address, person.directory_id if person else None):
        return True
    return await grants.is_granted(session, address.platform, address.tenant_id, address.user_id)


async def admins(ctx: Context) -> list[Address]:
    """Where to tell the program team something: every configured admin the bot can reach
    (met, or on a platform that can message someone from their id alone), and every grant."""
    found: list[Address] = []
    session = ctx.session
    listed = ctx.program.admins
    # A workspace-qualified Slack admin is reachable from their ids alone, met or not (with
    # that workspace's token); bare ids are the single-token workspace's (config.program).
    found.extend(Address("slack", user, tenant)  # type: ignore[arg-type]
                 for tenant, user in listed.slack_admins() if tenant is not None)
    for platform, ids in listed.listed().items():
        if platform == "slack":
            ids = listed.bare_slack()
        if not ids:
            continue
        known = await people.find_listed(session, platform, ids)
        found.extend(address_of(p) for p in known)
        met = {p.user_id for p in known} | {p.directory_id for p in known}
        if ctx.outbox.capabilities(platform).reaches_without_contact:
            found.extend(Address(platform, i) for i in ids if i not in met)  # type: ignore[arg-type]
    for grant in await grants.all_grants(session):
        found.append(Address(grant.platform, grant.user_id, grant.tenant_id))  # type: ignore[arg-type]
    return list(dict.fromkeys(found))


def for_admins(team: list[Address], notices: list[tuple[str, Message]]) -> list[Outgoing]:
    """Program-team notices for jobs that look the team up once (`admins`): one copy of each
    notice per admin, each under its own key, as `notify_admins` queues them."""
    return [Outgoing.dm(keys.for_admin(key, admin), admin, message)
            for key, message in notices for admin in team]


async def notify_admins(ctx: Context, key: str, message: Message) -> int:
    """Tell the program team something: one copy per admin, each under its own key."""
    return await ctx.queue(*(Outgoing.dm(keys.for_admin(key, admin), admin, message)
                             for admin in await admins(ctx)))
