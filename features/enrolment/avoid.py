""""Please don't pair me with…": the survey's optional, confidential field.

Slack and the web chat answer with the platform ids of the people picked; Teams with names or
work emails typed in, which are looked up among the people the bot knows on that platform.
The wish is a hard rule both ways (storage/teams.py, matching's pool) and is shown to nobody
but the person who made it, in their own survey.
"""

from __future__ import annotations

import re

from core.context import Context
from core.messages import Choice, FormField
from storage import people
from storage import teams as stored
from storage.models import Person, Status

FIELD = "avoid"
MOST = 20
_SEPARATORS = re.compile(r"[,;\n]+")


def field(avoided: tuple[Choice, ...]) -> FormField:
    return FormField(
        FIELD, "Please don't pair me with… (optional)", "people", required=False,
        choices=avoided,
        hint="Confidential: used only to keep you apart, both ways. Nobody else sees it, "
             "not even the program team.")


def _label(person: Person) -> str:
    return person.email or person.display_name or person.user_id


async def chosen(ctx: Context, person: Person) -> tuple[Choice, ...]:
    """The people this person asked not to be paired with, as the form shows them."""
    assert person.id is not None
    found = []
    for other_id in await stored.avoided_by(ctx.session, person.id):
        other = await ctx.session.get(Person, other_id)
        if other is not None and not other.data_deleted:
            found.append(Choice(other.user_id, _label(other)))
    return tuple(found)


async def resolve(ctx: Context, person: Person,
                  value: str | tuple[str, ...] | None) -> tuple[list[int], str | None]:
    """The ids of the people named, or an error to show next to the field."""
    typed = isinstance(value, str)
    tokens = [t.strip() for t in (_SEPARATORS.split(value) if isinstance(value, str)
                                  else value or ()) if t and t.strip()]
    if len(tokens) > MOST:
        return [], f"Please name at most {MOST} people."
    found: list[int] = []
    unknown: list[str] = []
    several: list[str] = []
    platform, tenant = person.platform, person.tenant_id
    for token in dict.fromkeys(tokens):
        other = await people.find_named(ctx.session, platform, tenant, token[:128])
        if other is None and typed:
            meant = await people.find_by_name_or_email(ctx.session, platform, tenant, token)
            if len(meant) > 1:  # guessing could keep the wrong colleague apart, or miss one
                several.append(token)
                continue
            other = meant[0] if meant else None
        if other is None and not typed:
            # Picked from the platform's own list: someone who may join later. Kept as a
            # visitor, so the wish holds from their first day.
            other = await people.get_or_create_person(ctx.session, platform, tenant, token[:128],
                                                      ctx.now(), status=Status.VISITOR)
        if other is None:
            unknown.append(token)
        elif other.id != person.id and other.id is not None:
            found.append(other.id)
    problems = []
    if unknown:
        problems.append(f"I couldn't find {_quoted(unknown)} among the people I know. Use the "
                        "name they use here or their work email, or leave them out.")
    if several:
        problems.append(f"More than one person here is called {_quoted(several)}: type their "
                        "work email instead, so I keep the right person apart.")
    if problems:
        return [], " ".join(problems) + " Nothing was saved yet."
    return found, None


def _quoted(tokens: list[str]) -> str:
    return ", ".join(f"“{t[:60]}”" for t in tokens[:3])
