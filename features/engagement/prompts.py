"""Conversation prompts at the pair's agreed rhythm (weekly, fortnightly, monthly), on the
configured weekday at the senior mentee's local morning, from the week their kick-off is agreed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import chain, zip_longest

from config.prompt_catalog import Catalog, Prompt
from core import keys
from core.calendar import first_moment_day, week_moment, zone
from core.context import Context
from core.events import Address
from core.messages import Button, Message
from core.outgoing import Outgoing
from features.journey.booking import find_button
from features.journey.rhythm import interval_weeks
from storage import engagement
from storage.engagement import LivePair, Member

FIRST_MEETING = "agenda:first-meeting"
PROGRAM_TOPICS = ("smart-goals", "clean-sheet", "feedback")
# The groundwork, right after the first meeting: setting goals, feedback, the Clean Sheet.
GROUNDWORK = ("smart-goals", "feedback", "clean-sheet")
MET, SKIP, ANOTHER = "engage.met", "engage.skip", "engage.another"


def address(member: Member) -> Address:
    return Address(member.platform, member.user_id, member.tenant_id)  # type: ignore[arg-type]


def _interleave(catalog: Catalog, topics: Sequence[str]) -> list[Prompt]:
    per_topic = [catalog.prompts_for_topics(t) for t in topics]
    return [p for p in chain.from_iterable(zip_longest(*per_topic)) if p is not None]


def choose(catalog: Catalog, pair: LivePair, topics: dict[int, dict[str, set[str]]],
           used: Sequence[str]) -> str:
    """The pair's next prompt: never a repeat until every fitting prompt was used. After the
    first meeting comes the groundwork (goals, feedback, Clean Sheet), then their shared topics
    (rotating between them), then program-wide ones, then their other topics."""
    if not used:
        return FIRST_MEETING
    mentor = topics.get(pair.mentor.id, {"teach": set(), "learn": set()})
    mentee = topics.get(pair.mentee.id, {"teach": set(), "learn": set()})
    shared = sorted((mentor["teach"] & mentee["learn"]) | (mentee["teach"] & mentor["learn"]))
    others = sorted((mentor["teach"] | mentor["learn"] | mentee["teach"] | mentee["learn"]) - set(shared))
    ordered = [*_interleave(catalog, shared), *_interleave(catalog, PROGRAM_TOPICS),
               *_interleave(catalog, others)]
    seen = set(used)
    groundwork = [topic[0].id for topic in map(catalog.prompts_for_topics, GROUNDWORK) if topic]
    ordered = [*(p for p in map(catalog.prompt, groundwork)),
               *(p for p in ordered if p.id not in groundwork)]
    fresh = [p.id for p in ordered if p.id not in seen]
    if fresh:
        return fresh[0]
    # Everything fitting was used: start again from the one used longest ago.
    last_use = {prompt_id: n for n, prompt_id in enumerate(used)}
    return min((p.id for p in ordered), key=lambda i: last_use.get(i, -1), default=FIRST_MEETING)


def prompt_message(catalog: Catalog, prompt_id: str, pair_id: int, week: str, slot: int) -> Message:
    # Short titles: three side by side on a phone are cut beyond about nine characters.
    buttons = (Button("We met", MET, str(pair_id), style="primary"),
               Button("Skip", SKIP, f"{pair_id}:{week}"),
               Button("Another", ANOTHER, f"{pair_id}:{week}"),
               find_button(pair_id))
    if prompt_id == FIRST_MEETING:
        agenda = catalog.first_meeting_agenda()
        return Message(title=f"This time: {agenda.title}",
                       text="A simple plan for your first conversation:\n"
                            + "\n".join(f"- {step}" for step in agenda.steps),
                       buttons=buttons)
    prompt = catalog.prompt(prompt_id)
    lines = [f"- {q}" for q in prompt.questions]
    if prompt.exercise:
        lines += ["", f"*Try this together:* {prompt.exercise}"]
    intro = "Another one for this time:" if slot else "Something to talk about this time:"
    return Message(title=prompt.title, text=intro + "\n" + "\n".join(lines), buttons=buttons)


async def run(ctx: Context) -> int:
    """Queue the prompt of every started pair whose moment has come; returns how many.
    A pair's first prompt is in the first week after both confirmed the kick-off, then one
    every `interval_weeks` weeks from there, so a monthly pair hears from us monthly."""
    now = ctx.now()
    settings = ctx.program.prompts
    pairs = await engagement.live_pairs(ctx.session, started=True)
    moments: dict[str | None, tuple[str, datetime]] = {}
    due: list[tuple[LivePair, str]] = []
    for pair in pairs:
        tz = pair.mentee.timezone
        if tz not in moments:  # one computation per timezone, not per pair
            moments[tz] = week_moment(now, tz, settings.weekday, settings.local_time)
        week, moment = moments[tz]
        assert pair.started_at is not None
        first = first_moment_day(pair.started_at, tz, settings.weekday, settings.local_time)
        weeks_in = (moment.astimezone(zone(tz)).date() - first).days // 7
        if now >= moment and weeks_in >= 0 and weeks_in % interval_weeks(pair.rhythm) == 0:
            due.append((pair, week))
    if not due:
        return 0
    done = await engagement.prompts_this_week(ctx.session, sorted({w for _, w in due}))
    due = [(p, w) for p, w in due if p.id not in done]
    history = await engagement.prompt_history(ctx.session)
    topics = await engagement.topics_of_paired(ctx.session)
    chosen = {p.id: (w, choose(ctx.catalog, p, topics, history.get(p.id, ()))) for p, w in due}
    claimed = await engagement.claim_prompts(
        ctx.session, [(pid, w, 0, prompt) for pid, (w, prompt) in chosen.items()], now)
    rows: list[Outgoing] = []
    for pair, week in due:
        if (pair.id, 0) not in claimed:
            continue
        message = prompt_message(ctx.catalog, chosen[pair.id][1], pair.id, week, 0)
        rows.append(Outgoing.group(keys.prompt(pair.id, week),
                                   (address(pair.mentor), address(pair.mentee)), message))
    return await ctx.queue(*rows)
