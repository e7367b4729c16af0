"""`turnabout demo`: the whole program in five minutes, on a fresh demo database.

Sixteen people join through the real signup (the same events the web chat sends), so the
demo starts where a real program would after its first week of signups: a pool ready for a
matching round, with one senior who wants to learn what nobody teaches, so the waitlist shows.
The web chat then gets a clock the page can move (adapters/web/demo_clock.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

from adapters.web import inbox
from bot.app import Service
from bot.config import Settings
from core.clock import DemoClock
from core.events import Address, Command, FormSubmission, Profile
from storage.migrate import upgrade

DEMO_DATABASE = Path("turnabout-demo.db")


@dataclass(frozen=True)
class Joiner:
    id: str
    name: str
    role: str  # mentor (junior) or mentee (senior)
    department: str
    team: str  # a team app.yaml lists (survey.teams), as the survey's list sends it
    seniority: str
    timezone: str
    teach: tuple[str, ...]
    learn: tuple[str, ...]
    goals: str
    cadence: str = "weekly"
    meeting_mode: str = "video"


PEOPLE = (
    # Junior mentors.
    Joiner("jo", "Jo", "mentor", "engineering", "platform", "entry", "Europe/Berlin",
           ("ai-digital-tools", "remote-hybrid"), ("leadership",),
           "Show a leader how our team really uses AI assistants day to day"),
    Joiner("sam", "Sam", "mentor", "marketing", "brand", "associate", "Europe/London",
           ("social-media", "next-gen-talent"), ("strategic-thinking",),
           "Explain how people my age discover brands", meeting_mode="in-person"),
    Joiner("priya", "Priya", "mentor", "product", "design", "entry", "Asia/Kolkata",
           ("ai-digital-tools", "diverse-innovation"), ("career-advancement",),
           "Share prototyping with AI and learn how product bets get made", "fortnightly"),
    Joiner("lena", "Lena Fischer", "mentor", "sales", "inside-sales", "entry", "Europe/Berlin",
           ("social-media", "future-of-work"), ("navigating-org",),
           "Help a senior leader build a LinkedIn presence", meeting_mode="chat"),
    Joiner("tomas", "Tomás Ruiz", "mentor", "customer", "support", "associate",
           "Europe/Madrid", ("work-life-balance", "remote-hybrid"), ("leadership",),
           "Talk honestly about hybrid work from the front line", "fortnightly", "mixed"),
    Joiner("aisha", "Aisha Bello", "mentor", "people", "talent", "entry", "Africa/Lagos",
           ("culture-inclusion", "next-gen-talent"), ("company-history",),
           "Share what graduates look for in an employer"),
    Joiner("kenji", "Kenji Watanabe", "mentor", "engineering", "data", "associate", "Asia/Tokyo",
           ("ai-digital-tools", "future-of-work"), ("strategic-thinking",),
           "Demystify data tools for someone who signs off on them", "monthly"),
    Joiner("maya", "Maya Cohen", "mentor", "finance", "accounting", "entry", "America/New_York",
           ("ai-digital-tools", "work-life-balance"), ("career-advancement",),
           "Automate a reporting chore together", meeting_mode="phone"),
    # Senior mentees.
    Joiner("morgan", "Morgan", "mentee", "operations", "facilities", "director", "Europe/London",
           ("leadership",), ("ai-digital-tools", "remote-hybrid"),
           "Use AI tools confidently in my team's planning"),
    Joiner("grace", "Grace Okafor", "mentee", "sales", "field-sales", "executive",
           "Europe/London", ("strategic-thinking",), ("social-media", "next-gen-talent"),
           "Understand how younger buyers research before they talk to us"),
    Joiner("henrik", "Henrik Larsen", "mentee", "finance", "risk", "director",
           "Europe/Copenhagen", ("company-history",), ("ai-digital-tools",),
           "Stop being the last person in finance to try new tools", "fortnightly"),
    Joiner("sofia", "Sofia Martins", "mentee", "marketing", "growth", "manager", "Europe/Lisbon",
           ("career-advancement",), ("culture-inclusion", "social-media"),
           "Make my team a place Gen Z wants to stay"),
    Joiner("david", "David Chen", "mentee", "engineering", "mobile", "executive",
           "America/Los_Angeles", ("leadership", "navigating-org"),
           ("future-of-work", "ai-digital-tools"), "Hear what engineers really think of our tools",
           "monthly"),
    Joiner("ruth", "Ruth Adeyemi", "mentee", "legal", "legal-team", "director", "Europe/London",
           ("navigating-org",), ("work-life-balance", "remote-hybrid"),
           "Lead a hybrid team without burning anyone out", meeting_mode="in-person"),
    Joiner("arjun", "Arjun Mehta", "mentee", "product", "product-management", "manager", "Asia/Kolkata",
           ("strategic-thinking",), ("diverse-innovation",),
           "Bring more voices into our product reviews", "fortnightly"),
    # Wants only what no mentor teaches: the round leaves him on the waitlist.
    Joiner("walter", "Walter Brenner", "mentee", "operations", "procurement", "executive",
           "Europe/Vienna", ("company-history",), ("trends-markets",),
           "Understand the market trends my kids keep talking about", "monthly", "in-person"),
)


def demo_settings(settings: Settings, database: Path = DEMO_DATABASE) -> Settings:
    """The web chat alone on a demo database: the demo never talks to Slack or Teams."""
    return dataclasses.replace(settings, database_url=f"sqlite:///{database}", slack=None,
                               teams=None, web_chat=True, demo=True)


def fresh_database(database: Path = DEMO_DATABASE) -> None:
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)
    upgrade(f"sqlite:///{database}")


async def seed(service: Service) -> int:
    """Everyone joins through the real signup; they are listed under *Act as* for everyone."""
    configured = {p.id for p in service.settings.program.web_chat.people}
    for n, person in enumerate(PEOPLE):
        sender = Address("web", person.id)
        profile = Profile(display_name=person.name, timezone=person.timezone)
        await service.inbound.handle(Command(sender, "join", f"demo:{n}:join", profile))
        values = {f.name: getattr(person, f.name) for f in dataclasses.fields(Joiner)
                  if f.name not in ("id", "name")}
        await service.inbound.handle(FormSubmission(sender, "signup", values,
                                                    f"demo:{n}:signup", profile))
        if person.id not in configured:
            async with service.database.session() as session:
                await inbox.add_person(session, person.id, person.name, service.clock.now())
    delivered = await service.deliver_now()
    async with service.database.session() as session:
        for person in PEOPLE:  # the welcomes are old news by the time the demo opens
            rows = await inbox.newer_than(session, person.id, 0)
            if rows and rows[-1].id is not None:
                await inbox.mark_read(session, person.id, rows[-1].id, service.clock.now())
    return delivered


def demo_clock(now: datetime) -> DemoClock:
    """Today, mid-morning UTC: Monday prompts (09:30 local) then land on Monday in Europe."""
    return DemoClock(datetime.combine(now.date(), time(9, 45), UTC))
