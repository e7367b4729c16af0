"""When Home views are shown again: after every change to what they show.

- After an event: the person who acted at once, and everyone a message went to in the same
  unit of work (a partner who was told, the admins who heard, everyone a round paired).
- After a job's batch (prompts, check-ins, a cohort's close): everyone it messaged
  (core.context.Context.commit refreshes them with each batch), plus whoever it changed
  without a message, through `people_changed`. Messages that change nothing on the page
  (pulse invitations, nudges, signup reminders, milestones) refresh no one: a poll week
  would otherwise re-arm 50,000 views for nothing.

Each refresh is one re-armed outbox row per person (keys.home), built when it is delivered,
so a burst of changes publishes a view once or twice. Rows nobody is waiting for go out at
the pace of Slack's views.publish limit, apart from posts (runtime/pacing.py). A message that
changes nothing on anyone's page (an announcement) is queued with changes_home=False."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from core.context import Context
from core.events import Address, Event
from core.messages import Response
from features.home.page import home_of
from storage import people
from storage.models import Person

CHUNK = 1000  # person ids per lookup


async def after_event(ctx: Context, event: Event, response: Response, *,
                      changes: bool = True) -> Response:
    """`changes`: False for an event that only read (`status`, an expired button): the
    sender's view stays as published, unless they are someone the program does not know."""
    sender = event.sender
    if ctx.outbox.capabilities(sender.platform).home_view:
        ctx.reached[:] = [a for a in ctx.reached if a != sender]
        if not changes and _loaded(ctx, sender):
            pass  # known, and nothing changed: their view is current
        elif await _known(ctx, sender):
            if changes:
                await ctx.refresh_homes(sender)
        else:
            # Someone the program does not know (never joined, or just forgotten): their view
            # goes out with the answer, so no row keeps their id.
            response = replace(response, home=await home_of(ctx, sender))
    await ctx.refresh_reached()
    return response


async def people_changed(ctx: Context, person_ids: Iterable[int]) -> None:
    """The hook for a job that changes people without messaging them (a pause that ran out):
    their Home views are refreshed in this unit of work, in a few statements per batch."""
    ids = list(dict.fromkeys(person_ids))
    for start in range(0, len(ids), CHUNK):
        found = await people.identities_of(ctx.session, ids[start:start + CHUNK])
        ctx.reached.extend(Address(p, u, t) for p, t, u in found)  # type: ignore[arg-type]
    await ctx.refresh_reached()


async def _known(ctx: Context, address: Address) -> bool:
    person = await people.find_person(ctx.session, address.platform, address.tenant_id,
                                      address.user_id)
    return person is not None and not person.data_deleted


def _loaded(ctx: Context, address: Address) -> bool:
    """The sender is a known person already loaded in this unit of work (the router read
    them): a look in the session, not another query."""
    return any(isinstance(o, Person) and not o.data_deleted
               and (o.platform, o.tenant_id, o.user_id) == (address.platform, address.tenant_id,
                                                           address.user_id)
               for o in ctx.session.identity_map.values())
