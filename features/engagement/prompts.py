"""Conversation prompts at the pair's agreed rhythm (weekly, fortnightly, monthly), on the
configured weekday at the senior mentee's local morning, from the week their kick-off is agreed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import chain, zip_longest

from config.prompt_catalog import Catalog
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


class PromptOrder:
    """The catalogue indexed once: a pair's order of prompts depends only on its shared and its
    other topics, so each combination is worked out once per run, not once per pair. After the
    first meeting comes the groundwork (goals, feedback, Clean Sheet), then their shared topics
    (rotating between them), then program-wide ones, then their other topics."""

    def __init__(self, catalog: Catalog) -> None:
        self._by_topic: dict[str, tuple[str, ...]] = {}
        for prompt in catalog.prompts:
            self._by_topic[prompt.topic] = (*self._by_topic.get(prompt.topic, ()), prompt.id)
        self._groundwork = tuple(ids[0] for ids in map(self._of, GROUNDWORK) if ids)
        self._program = self._interleave(PROGRAM_TOPICS)
        self._orders: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}

    def _of(self, topic: str) -> tuple[str, ...]:
        return self._by_topic.get(topic, ())

    def _interleave(self, topics: Sequence[str]) -> list[str]:
        per_topic = [self._of(t) for t in dict.fromkeys(topics)]
        return [p for p in chain.from_iterable(zip_longest(*per_topic)) if p is not None]

    def order(self, shared: tuple[str, ...], others: tuple[str, ...]) -> tuple[str, ...]:
        found = self._orders.get((shared, others))
        if found is None:
            ordered = [*self._interleave(shared), *self._program, *self._interleave(others)]
            found = (*self._groundwork, *(p for p in ordered if p not in self._groundwork))
            self._orders[(shared, others)] = found
        return found


def choose(catalog: Catalog, pair: LivePair, topics: dict[int, dict[str, set[str]]],
           used: Sequence[str], order: PromptOrder | None = None) -> str:
    """The pair's next prompt: never a repeat until every fitting prompt was used (see
    PromptOrder for the order); a job passes one `order` for all its pairs."""
    if not used:
        return FIRST_MEETING
    none: dict[str, set[str]] = {"teach": set(), "learn": set()}
    mentor, mentee = topics.get(pair.mentor.id, none), topics.get(pair.mentee.id, none)
    shared = (mentor["teach"] & mentee["learn"]) | (mentee["teach"] & mentor["learn"])
    others = (mentor["teach"] | mentor["learn"] | mentee["teach"] | mentee["learn"]) - shared
    ordered = (order or PromptOrder(catalog)).order(tuple(sorted(shared)), tuple(sorted(others)))
    seen = set(used)
    fresh = next((p for p in ordered if p not in seen), None)
    if fresh is not None:
        return fresh
    # Everything fitting was used: start again from the one used longest ago.
    last_use = {prompt_id: n for n, prompt_id in enumerate(used)}
    return min(ordered, key=lambda i: last_use.get(i, -1), default=FIRST_MEETING)


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


BATCH = 1000  # pairs per page: each page is read, chosen, queued and committed on its own


async def run(ctx: Context, batch: int = BATCH) -> int:
    """Queue the prompt of every started pair whose moment has come; returns how many.
    A pair's first prompt is in the first week after both confirmed the kick-off, then one
    every `interval_weeks` weeks from there, so a monthly pair hears from us monthly.

    Pages through the pairs `batch` at a time, each page its own transaction, so memory
    stays bounded and what is queued is kept even if a later page fails."""
    moments: dict[str | None, tuple[str, datetime]] = {}
    order = PromptOrder(ctx.catalog)
    queued = 0
    async for page in engagement.pages(ctx.session, batch, started=True):
        queued += await _queue_page(ctx, page, moments, order)
        await ctx.commit()
    return queued


async def _queue_page(ctx: Context, pairs: Sequence[LivePair],
                      moments: dict[str | None, tuple[str, datetime]], order: PromptOrder) -> int:
    now, settings = ctx.now(), ctx.program.prompts
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
    done = await engagement.prompts_this_week(ctx.session, sorted({w for _, w in due}),
                                              [p.id for p, _ in due])
    due = [(p, w) for p, w in due if p.id not in done]
    if not due:
        return 0
    history = await engagement.prompt_history(ctx.session, [p.id for p, _ in due])
    topics = await engagement.topics_of(
        ctx.session, sorted({m.id for p, _ in due for m in (p.mentor, p.mentee)}))
    chosen = {p.id: (w, choose(ctx.catalog, p, topics, history.get(p.id, ()), order))
              for p, w in due}
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
