"""The invitation a person gets when they add the bot: what the program is, Join and Help."""

from __future__ import annotations

from core import keys
from core.context import Context
from core.events import Installed
from core.messages import Button, Message, Response
from core.outgoing import Outgoing
from features.enrolment import survey

HELP = "welcome.help"  # answered by the router, which owns help


def welcome_message(program_name: str) -> Message:
    return Message(
        title=f"Welcome to {program_name}",
        text=(
            f"{program_name} is our reverse mentoring program: junior colleagues mentor senior "
            "ones on digital tools, social media and how younger people see the company, and "
            "learn leadership in return. Joining is optional and takes two minutes."
        ),
        buttons=(Button("Join", survey.JOIN, style="primary"), Button("Help", HELP)),
    )


async def greet(ctx: Context, event: Installed) -> Response:
    """Queued rather than replied, under one key per person: an app installed twice, or the
    two install events Teams sends for one install, still greets them once."""
    await ctx.queue(Outgoing.dm(keys.welcome(event.sender), event.sender,
                                welcome_message(ctx.program.name)))
    return Response()
