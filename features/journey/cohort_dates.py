"""A cohort's `ends DATE` is kept: the admins hear two weeks before, and on the day the cohort
closes by itself, through the same path as `admin cohort close`."""

from __future__ import annotations

from datetime import timedelta

from core import keys
from core.context import Context
from core.dates import friendly
from core.messages import Message
from features.admin.cohorts import close_cohort, open_cohort
from features.people import notify_admins

WARN_BEFORE = timedelta(days=14)


async def run(ctx: Context) -> int:
    cohort = await open_cohort(ctx)
    if cohort is None or cohort.ends_on is None or cohort.id is None:
        return 0
    today = ctx.now().date()  # the program's day is UTC: one moment for every admin
    if today >= cohort.ends_on:
        closed = await close_cohort(ctx, cohort, None)
        return await notify_admins(ctx, keys.cohort_closed(cohort.id), Message(
            title="A cohort has closed", text=closed.messages[0].text
            + " It closed by itself on its end date."))
    if today >= cohort.ends_on - WARN_BEFORE:
        return await notify_admins(ctx, keys.cohort_ending(cohort.id), Message(
            title="A cohort ends in two weeks",
            text=(f"The “{cohort.name}” cohort ends on {friendly(cohort.ends_on)}. That day it "
                  "closes by itself: its pairs end and everyone gets the closing survey. "
                  "Now is a good moment to plan the next cohort.")))
    return 0
