"""The kick-off agreement starts a pair's journey: nothing is prompted until both agreed to
the introduction and to the kick-off, and whoever hasn't agreed is reminded, then admins hear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import Kickoff, PairGoal
from tests.support.engagement_world import KICKOFF, introduced_pair, kick_off, tick
from tests.support.world import World

PAIRED = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday; the pair is introduced then


def keyed(world: World, prefix: str, user: str | None = None) -> list:  # type: ignore[type-arg]
    return [s for s in world.messenger.sent if s.key.startswith(prefix)
            and (user is None or user in s.user_ids)]


async def test_the_kick_off_gates_the_prompts(world: World) -> None:
    jo, sam, pair = await introduced_pair(world)
    await tick(world, PAIRED + timedelta(days=7, hours=2))  # a Monday after 09:30 in London
    assert keyed(world, "prompt:") == []
    for chat in (jo, sam):
        await chat.press("pair.agree", str(pair.id))
    await world.deliver()
    (agreed,) = keyed(world, "agreed:")
    assert [b.action_id for b in agreed.message.buttons] == ["kickoff.open"]
    await tick(world, PAIRED + timedelta(days=14, hours=2))
    assert keyed(world, "prompt:") == []  # agreed to the introduction, not yet to the kick-off
    await kick_off(world, sam, jo, pair)
    await tick(world, PAIRED + timedelta(days=14, hours=3))
    assert keyed(world, "prompt:") == []  # this week's moment passed before they agreed
    await tick(world, PAIRED + timedelta(days=21, hours=2))
    (first,) = keyed(world, "prompt:")
    assert "first meeting" in (first.message.title or "").lower()


async def test_both_see_the_agreement_and_status_keeps_showing_the_goals(world: World) -> None:
    jo, sam, pair = await introduced_pair(world)
    await kick_off(world, sam, jo, pair, goal_2="Run one team meeting with a shared AI summary",
                   rhythm="monthly")
    (made,) = keyed(world, "kickoff-agreed:")
    assert made.user_ids == ("jo", "sam")
    facts = {f.label: f.value for f in made.message.facts}
    assert facts["Goal 1"] == KICKOFF["goal_1"] and "shared AI summary" in facts["Goal 2"]
    assert facts["Rhythm"] == "Once a month" and facts["Ground rules"] == KICKOFF["ground_rules"]
    assert facts["Until"] == "Sun 23 May 2027"  # six months, the program's length
    status = await jo.say("status")
    shown = {f.label: f.value for m in status.messages for f in m.facts}
    assert shown["Goal 1"] == KICKOFF["goal_1"] and shown["Rhythm"] == "Once a month"
    async with world.database.session() as session:
        goals = (await session.exec(select(PairGoal))).all()
        kickoff = (await session.exec(select(Kickoff))).one()
    assert [g.number for g in goals] == [1, 2] and kickoff.confirmed_at is not None


async def test_the_form_offers_the_seniors_cadence_and_confidentiality_pre_filled(
    world: World,
) -> None:
    jo, sam, pair = await introduced_pair(world)
    early = await jo.press("kickoff.open", str(pair.id))
    assert "I agree" in early.messages[0].text and early.form is None
    for chat in (jo, sam):
        await chat.press("pair.agree", str(pair.id))
    form = (await jo.press("kickoff.open", str(pair.id))).form
    assert form is not None and form.context == str(pair.id)
    assert form.values["rhythm"] == "fortnightly"  # what Sam chose in the survey
    assert "stays between" in str(form.values["ground_rules"])
    assert "SMART" in (form.field("goal_1").hint or "") and form.field("goal_1").placeholder
    stranger = await world.person("kim").press("kickoff.open", str(pair.id))
    assert "another pair" in stranger.messages[0].text and stranger.form is None


async def test_a_partner_edits_the_proposal_and_the_proposer_confirms_the_new_one(
    world: World,
) -> None:
    jo, sam, pair = await introduced_pair(world)
    for chat in (jo, sam):
        await chat.press("pair.agree", str(pair.id))
    await sam.submit(KICKOFF, form_id="kickoff", context=str(pair.id))
    own = await sam.press("kickoff.confirm", f"{pair.id}:1")
    assert "your partner confirms" in own.messages[0].text
    await jo.submit({**KICKOFF, "rhythm": "fortnightly"}, form_id="kickoff", context=str(pair.id))
    stale = await sam.press("kickoff.confirm", f"{pair.id}:1")
    assert "changed since" in stale.messages[0].text
    assert stale.messages[0].buttons[0].value == f"{pair.id}:2"
    await sam.press("kickoff.confirm", f"{pair.id}:2")
    again = await jo.press("kickoff.confirm", f"{pair.id}:2")
    assert "already made" in again.messages[0].text
    await world.deliver()
    (made,) = keyed(world, "kickoff-agreed:")
    assert {f.label: f.value for f in made.message.facts}["Rhythm"] == "Every two weeks"


async def test_a_kick_off_without_goals_or_with_too_long_words_saves_nothing(world: World) -> None:
    jo, sam, pair = await introduced_pair(world)
    for chat in (jo, sam):
        await chat.press("pair.agree", str(pair.id))
    bad = await jo.submit({**KICKOFF, "goal_1": "  ", "ground_rules": "x" * 301,
                           "rhythm": "hourly"}, form_id="kickoff", context=str(pair.id))
    assert set(bad.errors) == {"goal_1", "ground_rules", "rhythm"}
    assert bad.form is not None and bad.form.values["ground_rules"] == "x" * 301
    expired = await jo.submit(KICKOFF, form_id="kickoff", context="99999")
    assert "expired" in expired.messages[0].text
    async with world.database.session() as session:
        assert (await session.exec(select(Kickoff))).all() == []


async def _remind_daily(world: World, start: datetime, days: int) -> None:
    for day in range(1, days + 1):
        await tick(world, start + timedelta(days=day))
        await tick(world, start + timedelta(days=day, hours=1))  # a rerun sends nothing twice


async def test_reminders_reach_only_the_one_who_has_not_agreed_then_the_admins_once(
    world: World,
) -> None:
    jo, _, pair = await introduced_pair(world)
    await world.person("ada").say("help")
    await jo.press("pair.agree", str(pair.id))
    await _remind_daily(world, PAIRED, 12)
    reminders = keyed(world, "agree-reminder:")
    assert [r.user_ids for r in reminders] == [("sam",), ("sam",)]
    assert all(r.message.buttons[0].action_id == "pair.agree" for r in reminders)
    stalled = [m for m in world.messenger.to("ada") if m.title == "A pair hasn't started"]
    assert len(stalled) == 1 and "Jo → Sam" in stalled[0].text
    assert keyed(world, "prompt:") == [] and keyed(world, "nudge:") == []


async def test_after_a_proposal_only_the_partner_who_must_confirm_is_reminded(
    world: World,
) -> None:
    jo, sam, pair = await introduced_pair(world)
    for chat in (jo, sam):
        await chat.press("pair.agree", str(pair.id))
    await _remind_daily(world, PAIRED, 2)
    await jo.submit(KICKOFF, form_id="kickoff", context=str(pair.id))
    await _remind_daily(world, PAIRED + timedelta(days=2), 6)
    reminders = keyed(world, "agree-reminder:")
    assert [r.user_ids for r in reminders] == [("sam",), ("sam",)]
    assert reminders[0].message.buttons[0].action_id == "kickoff.confirm"


async def test_a_pair_that_never_proposes_reminds_both_with_the_kick_off_button(
    world: World,
) -> None:
    jo, sam, pair = await introduced_pair(world)
    for chat in (jo, sam):
        await chat.press("pair.agree", str(pair.id))
    await _remind_daily(world, PAIRED, 4)
    reminders = keyed(world, "agree-reminder:")
    assert sorted(r.user_ids for r in reminders) == [("jo",), ("sam",)]
    assert all(r.message.buttons[0].action_id == "kickoff.open" for r in reminders)
