"""Meetings that get booked: three slots inside both people's working hours, shown in each
person's own time; pick, confirm, an .ics for each; a reminder 24 hours before and "Did you
meet?" after, once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlmodel import select

from features.journey.booking import CONFIRM, FIND, HELD, PICK
from storage.models import ExportLink, Pair, PlannedMeeting
from tests.support.engagement_world import introduced_pair, kick_off, tick
from tests.support.world import Chat, World

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def keyed(world: World, prefix: str, user: str | None = None) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent if s.key.startswith(prefix)
            and (user is None or user in s.user_ids)]


async def booked_pair(world: World, **senior: str) -> tuple[Chat, Chat, Pair]:
    jo, sam, pair = await introduced_pair(world, **{"timezone": "America/New_York", **senior})
    await kick_off(world, sam, jo, pair)
    return jo, sam, pair


def within_working_hours(start: datetime, zone: ZoneInfo) -> bool:
    local, end = start.astimezone(zone), (start + timedelta(minutes=30)).astimezone(zone)
    return local.weekday() < 5 and local.hour >= 9 and (end.hour, end.minute) <= (17, 0)


async def test_find_a_time_offers_three_slots_inside_both_working_hours(world: World) -> None:
    _, sam, pair = await booked_pair(world)
    offer = (await sam.say("schedule")).messages[0]
    starts = [datetime.fromtimestamp(int(b.value.split(":")[1]), UTC) for b in offer.buttons]
    assert len(starts) == 3 and len({s.date() for s in starts}) == 3
    assert all(within_working_hours(s, BERLIN) and within_working_hours(s, NEW_YORK)
               for s in starts)
    assert starts[0] == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 09:00 New York, 15:00 Berlin
    assert offer.facts[0].value == "Tue 24 Nov, 09:00 your time · Tue 24 Nov, 15:00 for Jo"
    from_button = await sam.press(FIND, str(pair.id))
    assert [b.value for b in from_button.messages[0].buttons] == [b.value for b in offer.buttons]


async def test_no_overlap_says_so_and_books_nothing(world: World) -> None:
    _, sam, _ = await booked_pair(world, timezone="Pacific/Honolulu")
    reply = await sam.say("schedule")
    assert "don't overlap" in reply.messages[0].text and not reply.messages[0].buttons


async def _book(world: World, jo: Chat, sam: Chat) -> PlannedMeeting:
    offer = (await sam.say("schedule")).messages[0]
    await sam.press(PICK, offer.buttons[0].value)
    await world.deliver()
    (proposal,) = keyed(world, "meeting-proposal:", "jo")
    assert "09:00 for them" in proposal.message.text and "15:00" in proposal.message.text
    assert "your partner confirms" in (await sam.press(CONFIRM, proposal.message.buttons[0].value)
                                       ).messages[0].text
    await jo.press(CONFIRM, proposal.message.buttons[0].value)
    await world.deliver()
    async with world.database.session() as session:
        return (await session.exec(select(PlannedMeeting))).one()


async def test_a_confirmed_time_sends_each_an_ics_in_their_own_timezone(world: World) -> None:
    jo, sam, _ = await booked_pair(world)
    meeting = await _book(world, jo, sam)
    assert meeting.status == "confirmed"
    invites = {s.user_ids[0]: s.message for s in keyed(world, "meeting-invite:")}
    assert set(invites) == {"jo", "sam"}
    for user, zone in (("jo", BERLIN), ("sam", NEW_YORK)):
        attachment = invites[user].attachment
        assert attachment is not None and attachment.filename.endswith(".ics")
        async with world.database.session() as session:
            link = await session.get(ExportLink, attachment.token)
        assert link is not None
        (event,) = Calendar.from_ical(link.content).walk("VEVENT")
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start == meeting.starts_at and end - start == timedelta(minutes=30)
        assert start.tzinfo is not None and str(start.tzinfo) == str(zone)
        names = sorted(str(a.params["CN"]) for a in event.get("attendee"))
        assert names == ["Jo", "Sam"]
        assert "Video call" in str(event.get("description"))


async def test_a_reminder_a_day_before_and_did_you_meet_after_arrive_once_each(
    world: World,
) -> None:
    jo, sam, pair = await booked_pair(world)
    meeting = await _book(world, jo, sam)
    for moment in (meeting.starts_at - timedelta(hours=25), meeting.starts_at - timedelta(hours=23),
                   meeting.starts_at - timedelta(hours=1)):
        await tick(world, moment)
    reminders = keyed(world, "meeting-reminder:")
    assert sorted(r.user_ids for r in reminders) == [("jo",), ("sam",)]
    assert reminders[0].message.buttons[0].label.startswith("Can't make it")
    await tick(world, meeting.starts_at + timedelta(minutes=10))
    assert keyed(world, "meeting-check:") == []
    await tick(world, meeting.starts_at + timedelta(minutes=31))
    await tick(world, meeting.starts_at + timedelta(hours=3))
    checks = keyed(world, "meeting-check:")
    assert sorted(c.user_ids for c in checks) == [("jo",), ("sam",)]
    yes = keyed(world, "meeting-check:", "sam")[0].message.buttons[0]
    assert yes.action_id == HELD
    assert "Logged" in (await sam.press(yes.action_id, yes.value)).messages[0].text
    async with world.database.session() as session:
        met = await session.get(Pair, pair.id)
    assert met is not None and met.last_met_on == meeting.starts_at.date()
    stats = (await world.person("ada").say("admin stats")).messages[0].text
    assert "1 held" in stats


async def test_a_time_outside_working_hours_or_someone_elses_meeting_is_refused(
    world: World,
) -> None:
    _, sam, pair = await booked_pair(world)
    night = int(datetime(2026, 11, 24, 3, 0, tzinfo=UTC).timestamp())
    assert "no longer fits" in (await sam.press(PICK, f"{pair.id}:{night}")).messages[0].text
    offer = (await sam.say("schedule")).messages[0]
    stranger = await world.person("kim").press(PICK, offer.buttons[0].value)
    assert "expired" in stranger.messages[0].text
    async with world.database.session() as session:
        assert (await session.exec(select(PlannedMeeting))).all() == []



def _starts(offer) -> list[datetime]:  # type: ignore[no-untyped-def]
    return [datetime.fromtimestamp(int(b.value.split(":")[1]), UTC) for b in offer.buttons]


async def test_after_a_meeting_find_a_time_follows_the_rhythm_and_rebooking_is_soonest(
    world: World,
) -> None:
    """The first meeting is booked as soon as possible; after it, Find a time follows the
    agreed rhythm; rebooking a meeting already in the diary offers the soonest times."""
    jo, sam, pair = await introduced_pair(world, timezone="Europe/London")
    await kick_off(world, sam, jo, pair, rhythm="monthly")
    tomorrow = datetime(2026, 11, 24).date()
    assert _starts((await sam.say("schedule")).messages[0])[0].date() == tomorrow
    await sam.say("met")  # Monday 23 Nov
    after = (await sam.say("schedule")).messages[0]
    assert [s.date().isoformat() for s in _starts(after)] == [
        "2026-12-21", "2026-12-22", "2026-12-23"]  # four weeks on, less two days: from Sat 19
    assert "due around Sat 19 Dec 2026" in after.text
    await sam.press(PICK, after.buttons[0].value)
    await world.deliver()
    (proposal,) = keyed(world, "meeting-proposal:", "jo")
    await jo.press(CONFIRM, proposal.message.buttons[0].value)
    rebook = (await jo.press(FIND, str(pair.id))).messages[0]  # "Can't make it"
    assert _starts(rebook)[0].date() == tomorrow
