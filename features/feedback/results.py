"""Poll and closing-survey results: released once, when a round or survey closes, by the rule
in core.privacy, and never changed afterwards. Stats and the export read them from here.

Before the close the program team sees how many answered, never what: otherwise each new answer
would move a published figure and give itself away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.context import Context
from core.dates import day_month
from core.privacy import Figure, releasable, reportable
from features.feedback import outcomes
from storage import closing, polls
from storage import outcomes as outcomes_store
from storage.polls import METS, WHOLE_PROGRAM, Tally


async def release_due(ctx: Context) -> int:
    """Fix the results of every round and closing survey that has closed; how many."""
    now, released = ctx.now(), 0
    for poll in await polls.due_for_release(ctx.session, now):
        assert poll.id is not None
        if not await polls.claim_release(ctx.session, poll.id, now):
            continue
        found = await polls.tallies(ctx.session, poll)
        whole = _sum(found)
        cohorts = {t.group: t for t in found if t.group is not None}
        shown = releasable({g: t.responses for g, t in cohorts.items()}, whole.responses,
                           ctx.program)
        polls.add_results(ctx.session, [
            polls.result(poll.id, WHOLE_PROGRAM, whole, reportable(whole.responses, ctx.program),
                         now),
            *(polls.result(poll.id, g, t, g in shown, now) for g, t in cohorts.items())])
        released += 1
    for cohort in await closing.due_for_release(ctx.session, now):
        assert cohort.id is not None
        if not await closing.claim_release(ctx.session, cohort.id, now):
            continue
        # One cohort's survey is one group: no other figure overlaps it.
        survey = await closing.tally(ctx.session, cohort)
        closing.add_result(ctx.session, cohort, survey, reportable(survey.responses, ctx.program),
                           reportable(survey.helps_asked, ctx.program), now)
        released += 1
    if released:
        await outcomes.release(ctx, now)
    return released


def _sum(found: list[Tally]) -> Tally:
    return Tally(None, sum(t.invited for t in found), sum(t.responses for t in found),
                 sum(t.value_sum for t in found), sum(t.roles_kept for t in found),
                 tuple(sum(t.met[n] for t in found) for n in range(len(METS))))


@dataclass(frozen=True)
class PollRound:
    """A poll round as the program team sees it: figures only once released and reportable."""

    starts_on: date
    closes_at: datetime
    released: bool
    invited: int
    answers: int
    value: Figure  # average, 1-5
    roles_kept: Figure  # percent
    met: tuple[Figure, ...]  # percent per METS

    @property
    def name(self) -> str:
        return f"poll of {day_month(self.starts_on)}"

    @property
    def title(self) -> str:
        return f"Poll of {day_month(self.starts_on)}"

    @property
    def shown(self) -> bool:
        return self.value.value is not None


async def poll_rounds(ctx: Context, cohort_id: int | None, last: int | None = None
                      ) -> list[PollRound]:
    await release_due(ctx)
    found = []
    for r in await polls.rounds(ctx.session, cohort_id, last):
        # Everyone who answered was invited, even if their invitation's cohort differs.
        invited = max(r.invited, r.responses)
        found.append(PollRound(
            r.starts_on, r.closes_at, r.released, invited, r.responses,
            Figure.mean(r.value_sum, r.responses), Figure.share(r.roles_kept, r.responses),
            tuple(Figure.share(n, r.responses) for n in r.met)))
    return found


@dataclass(frozen=True)
class ClosingSurvey:
    cohort: str
    closes_at: datetime
    released: bool
    invited: int
    answers: int
    recommend: Figure  # average, 1-5
    future_leader: Figure  # percent saying a potential future leader was surfaced
    view_more: Figure  # percent more positive about the company and their career here
    view_less: Figure

    @property
    def shown(self) -> bool:
        return self.recommend.value is not None


async def closing_surveys(ctx: Context, cohort_id: int | None) -> list[ClosingSurvey]:
    await release_due(ctx)
    return [ClosingSurvey(s.cohort, s.closes_at, s.released, max(s.invited, s.responses),
                          s.responses, Figure.mean(s.recommend_sum, s.responses),
                          Figure.share(s.future_leader_yes, s.responses),
                          Figure.share(s.view_more, s.responses),
                          Figure.share(s.view_less, s.responses))
            for s in await closing.surveys(ctx.session, cohort_id)]


async def shared_words(ctx: Context, cohort_id: int | None) -> list[tuple[str, str, str, str]]:
    """(source, poll or cohort, question, text) of words their authors agreed to share, from
    released results shown for this scope; sorted by text, so no order follows people."""
    await release_due(ctx)
    found = [("pulse poll", day.isoformat(), "comment", text)
             for day, text in await polls.released_comments(ctx.session, cohort_id)]
    found += [("closing survey", name, question, text)
              for name, question, text in await closing.released_words(ctx.session, cohort_id)]
    found += [("pair's closing survey", "", question, text)
              for question, text in await outcomes_store.released_words(ctx.session, cohort_id)]
    return sorted(row for row in found if row[3].strip())
