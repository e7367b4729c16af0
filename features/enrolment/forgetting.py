"""Leave and be forgotten: erase a person everywhere, in the transaction of their request.

First what they left in other rows is captured (their name, email, own words), then each
platform adapter's eraser (ctx.erasers: its own tables, the keys it builds from platform ids)
and the shared tables' erasure run, so the deletion is whole or does not happen at all.
"""

from __future__ import annotations

from core.context import Context
from core.erasure import REDACTED, PersonRef
from features.enrolment import lifecycle
from features.matching.endings import STANDARD_END_REASONS
from storage import erasure
from storage.models import Person, Status

# Free text shorter than this ("ok", "busy") identifies no one and, looked for in other
# people's messages, would wipe words of theirs. Names, emails and ids are looked for whatever
# their length.
MIN_TEXT = 8


async def forget(ctx: Context, person: Person) -> None:
    assert person.id is not None
    traces = await erasure.traces_of(ctx.session, person)
    texts = (t for t in traces.texts if len(t) >= MIN_TEXT and t not in STANDARD_END_REASONS)
    ref = PersonRef(person.id, person.platform, person.tenant_id, person.user_id,
                    (*traces.names, *texts))
    for eraser in ctx.erasers:
        await eraser.erase(ctx.session, ref)
    if person.status != Status.LEFT:  # someone who left earlier keeps that date
        lifecycle.leave(person, ctx.now())
    await erasure.forget_person(ctx.session, person, words=ref.words,
                                replacement=REDACTED.to_json(),
                                kept_reasons=STANDARD_END_REASONS, now=ctx.now())
