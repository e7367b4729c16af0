"""The program panel on an admin's Home view: the main numbers and the admin commands as
buttons (each an action that runs the same handler as the typed command)."""

from __future__ import annotations

from datetime import timedelta

from core.context import Context
from core.messages import Button, Fact, Message
from storage import stats
from storage.models import Status

MATCH, STATS, EXPORT, AT_RISK = "admin.match", "admin.stats", "admin.export", "admin.at_risk"
RECENT = timedelta(days=30)


async def program_panel(ctx: Context) -> Message:
    session = ctx.session
    by_status: dict[str, int] = {}
    for (_role, status), count in (await stats.people_by_role_and_status(session, None)).items():
        by_status[status] = by_status.get(status, 0) + count
    figures = await stats.pair_figures(session, None, (ctx.now() - RECENT).date())
    waiting = sum(n for _reason, n in await stats.waitlist_reasons(session))
    facts = (
        Fact("Participants", f"{by_status.get(Status.ACTIVE, 0)} active, "
                             f"{by_status.get(Status.PAUSED, 0)} paused"),
        Fact("Signing up", str(by_status.get(Status.PENDING, 0))),
        Fact("Active pairs", f"{figures.active} ({figures.met_recently} met in the last 30 days)"),
        Fact("On the waitlist", str(waiting)),
        Fact("At risk", str(figures.at_risk)),
        Fact("Completed pairings", str(figures.completed)),
    )
    return Message(title="Program panel", text="For the program team. Results go to your "
                   "messages with the bot.", facts=facts,
                   buttons=(Button("Run a match round", MATCH, style="primary"),
                            Button("Stats", STATS), Button("Export", EXPORT),
                            Button("At risk", AT_RISK, style="danger" if figures.at_risk else
                                   "default")))
