"""`admin export`: CSV files for the program team (being built)."""

from __future__ import annotations

from flows.context import Context
from flows.events import Command
from flows.messages import Response
from storage.models import Person


async def export_command(ctx: Context, admin: Person, event: Command, args: str) -> Response:
    return Response.say("Exports are not available yet.")
