"""Releasing what the pairs' own check-ins say, in batches, under the pulse polls' rules.

A pair's mid-point check-in and closing survey arrive one by one, on each pair's own dates,
so they cannot be released per round. Their running totals are released whenever a poll
round or a cohort's closing survey is released (the batch), and a figure moves only when at
least `privacy.min_group_size` answers were added since its last release: two released values
never differ by fewer answers than that, so no one's answer can be worked out from a change.
A cohort's figure is released only next to the whole program's, and only where the answers
outside the cohorts shown are none or enough too (core.privacy.releasable).
"""

from __future__ import annotations

from datetime import datetime

from core.context import Context
from core.privacy import releasable, reportable
from storage import outcomes, stats
from storage.outcomes import WHOLE, Tally


def _grew(answers: int, last: int | None, minimum: int) -> bool:
    return answers >= minimum and (last is None or answers - last >= minimum)


async def release(ctx: Context, now: datetime) -> None:
    """Release every check-in figure that gained enough answers, and record the activity
    figures as of now (for their trend)."""
    program, minimum = ctx.program, ctx.program.privacy.min_group_size
    months = sorted({g.by_month for g in program.goals if g.metric == "applied_new_skill"})
    found = await outcomes.checkin_tallies(ctx.session, now, months)
    latest = await outcomes.latest_answers(ctx.session)
    for figure, groups in found.items():
        whole = Tally()
        for tally in groups.values():
            whole.answers += tally.answers
            whole.counts.update(tally.counts)
        if not _grew(whole.answers, latest.get((figure, WHOLE)), minimum):
            continue
        outcomes.add_release(ctx.session, figure, WHOLE, whole.answers, whole.counts, now)
        ready = {cohort: tally.answers for cohort, tally in groups.items()
                 if cohort is not None
                 and _grew(tally.answers, latest.get((figure, cohort)), minimum)}
        for cohort in releasable(ready, whole.answers, program):
            tally = groups[cohort]
            outcomes.add_release(ctx.session, figure, cohort, tally.answers, tally.counts, now)
    await _activity(ctx, now)


async def _activity(ctx: Context, now: datetime) -> None:
    """Exact figures no one's answer is in, recorded so goals can show a trend."""
    pace = await outcomes.rhythm(ctx.session, now, None)
    outcomes.add_release(ctx.session, "rhythm", WHOLE, pace.pairs,
                         {"pairs": pace.pairs, "on_rhythm": pace.on_rhythm}, now)
    since = await stats.first_join(ctx.session)
    kept = await stats.retention(ctx.session, since, now.date()) if since else None
    if kept and reportable(kept.participants, ctx.program) and reportable(kept.others,
                                                                          ctx.program):
        outcomes.add_release(ctx.session, "retention", WHOLE, kept.participants + kept.others, {
            "participants": kept.participants, "participants_stayed": kept.participants_stayed,
            "others": kept.others, "others_stayed": kept.others_stayed}, now)
