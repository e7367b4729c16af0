"""When Home views are shown again: after every event, for the person who acted and everyone
a message went to in the same unit of work (a partner who was told, the admins who heard).

Each refresh is one re-armed outbox row per person (keys.home), built when it is delivered,
so a burst of changes publishes a view once or twice, paced with the workspace's other sends.
A broadcast that reaches many people (an announcement, a whole matching round) refreshes
only the sender: nobody's standing changed by being told something, and whoever opens their
Home next sees it current (opening it is itself an event)."""

from __future__ import annotations

from dataclasses import replace

from core.context import Context
from core.events import Address, Event
from core.messages import Response
from features.home.page import home_of
from storage import people

BROADCAST = 50  # more recipients than this in one event: a broadcast, see above


async def after_event(ctx: Context, event: Event, response: Response) -> Response:
    sender = event.sender
    if not ctx.outbox.capabilities(sender.platform).home_view and not ctx.reached:
        return response
    reached = list(dict.fromkeys(ctx.reached))
    others = [a for a in reached if a != sender] if len(reached) <= BROADCAST else []
    if ctx.outbox.capabilities(sender.platform).home_view:
        if await _known(ctx, sender):
            others.insert(0, sender)
        else:
            # Someone the program does not know (never joined, or just forgotten): their view
            # goes out with the answer, so no row keeps their id.
            response = replace(response, home=await home_of(ctx, sender))
    await ctx.refresh_homes(*others)
    return response


async def _known(ctx: Context, address: Address) -> bool:
    person = await people.find_person(ctx.session, address.platform, address.tenant_id,
                                      address.user_id)
    return person is not None and not person.data_deleted
