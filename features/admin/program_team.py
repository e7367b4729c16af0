"""Admin tools for running the program: grant and revoke, announce, the at-risk list."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from core import keys
from core.context import Context
from core.dates import friendly
from core.events import Address, Event
from core.messages import Button, Form, FormField, Message, Response
from core.outgoing import Outgoing
from core.text import clean, length, parse_id, plural
from features import confirming
from features.people import address_of, name_of
from storage import flags, grants
from storage.models import Announcement, Pair, Person, Status

ANNOUNCE_LIMIT = 1500
AT_RISK_SHOWN = 10
SEND, CANCEL = "announce.send", "announce.cancel"
MESSAGE_PAIR, UNPAIR_PAIR, NOTE_FORM = "admin.message_pair", "admin.unpair_pair", "admin.note"


async def grant(ctx: Context, admin: Person, target: Person) -> Response:
    if ctx.program.admins.includes(address_of(target), target.directory_id):
        return Response.say(f"{name_of(target)} is already an admin (listed in app.yaml).")
    added = await grants.grant(ctx.session, target.platform, target.tenant_id, target.user_id,
                               admin.id, ctx.now())
    if not added:
        return Response.say(f"{name_of(target)} is already an admin.")
    return Response.say(f"{name_of(target)} is now an admin and can use every `admin` command.")


async def revoke(ctx: Context, target: Person) -> Response:
    if ctx.program.admins.includes(address_of(target), target.directory_id):
        return Response.say(f"{name_of(target)} is an admin through app.yaml; remove them there.")
    if not await grants.revoke(ctx.session, target.platform, target.tenant_id, target.user_id):
        return Response.say(f"{name_of(target)} isn't an admin, so nothing changed.")
    return Response.say(f"{name_of(target)} is no longer an admin.")


async def announce(ctx: Context, admin: Person, text: str) -> Response:
    """`admin announce TEXT` shows the message as it will arrive and asks before sending. The
    draft is kept (recipients 0 until sent), so *Send* sends exactly what was previewed."""
    words = clean(text)
    if not words:
        return Response.say("Add the text: `admin announce The next round starts Monday!`")
    if length(words) > ANNOUNCE_LIMIT:
        return Response.say(f"Please keep announcements to {ANNOUNCE_LIMIT:,} characters "
                            f"(this one has {length(words):,}). Nothing was sent.")
    recipients = len(await _recipients(ctx))
    if not recipients:
        return Response.say("Nobody is active in the program right now, so there's no one to "
                            "send it to.")
    row = Announcement(text=words, created_by=admin.id, created_at=ctx.now(), recipients=0)
    ctx.session.add(row)
    await ctx.session.flush()
    assert row.id is not None
    return Response(messages=(_announcement(ctx, words), _send_question(row.id, recipients)))


def _announcement(ctx: Context, words: str) -> Message:
    return Message(title=f"News from {ctx.program.name}", text=words)


def _send_question(row_id: int, recipients: int, changed: bool = False) -> Message:
    since = "The number of active participants changed since the preview. " if changed else ""
    people = f"{recipients} active participant{'s' if recipients != 1 else ''}"
    return Message(
        text=f"{since}That's the preview. Send it to *{people}*?",
        buttons=(Button("Send", SEND, f"{row_id}:{recipients}", style="primary"),
                 Button("Cancel", CANCEL, str(row_id))))


async def _recipients(ctx: Context) -> list[tuple[int, str, str | None, str]]:
    return list(await ctx.session.exec(
        select(Person.id, Person.platform, Person.tenant_id, Person.user_id)
        .where(Person.status == Status.ACTIVE, col(Person.data_deleted).is_(False))))  # type: ignore[arg-type]


async def send_announcement(ctx: Context, value: str) -> Response:
    shown = confirming.numbers(value, 2)
    row = await ctx.session.get(Announcement, shown[0]) if shown else None
    if shown is None or row is None or row.id is None:
        return Response.say("That announcement was cancelled, so nothing was sent.")
    if row.recipients:
        return Response.say(f"That announcement already went to {row.recipients} people; "
                            "nothing was sent twice.")
    if ctx.now() - row.created_at > confirming.VALID_FOR:
        return Response.say(confirming.expired_text("admin announce TEXT"))
    people = await _recipients(ctx)
    if not people:
        return Response.say("Nobody is active in the program right now, so nothing was sent.")
    if len(people) != shown[1]:
        return Response(messages=(_send_question(row.id, len(people), changed=True),))
    # The conditional update makes a double press (or two admins at once) send it once.
    sent = await ctx.session.exec(  # type: ignore[call-overload]
        update(Announcement).where(col(Announcement.id) == row.id,
                                   col(Announcement.recipients) == 0)
        .values(recipients=len(people)).returning(Announcement.id))
    if sent.first() is None:
        return Response.say("That announcement was sent a moment ago; nothing was sent twice.")
    message = _announcement(ctx, row.text)
    queued = await ctx.queue(*(
        Outgoing.dm(keys.announcement(row.id, pid), Address(platform, user, tenant), message)  # type: ignore[arg-type]
        for pid, platform, tenant, user in people), changes_home=False)
    return Response.say(f"Sent: the announcement is on its way to {queued} active participants.")


async def cancel_announcement(ctx: Context, value: str) -> Response:
    number = parse_id(value)
    row = await ctx.session.get(Announcement, number) if number else None
    if row is not None and row.recipients:
        return Response.say("That announcement was already sent, so it can't be cancelled.")
    if row is not None:
        await ctx.session.delete(row)
    return Response.say("Cancelled: nothing was sent.")


async def at_risk(ctx: Context) -> Response:
    pairs = list(await ctx.session.exec(
        select(Pair).where(Pair.status == "active", col(Pair.at_risk_since).is_not(None))
        .order_by(col(Pair.at_risk_since))))
    if not pairs:
        return Response.say("No pair is flagged as at risk right now. 🎉")
    messages = [Message(title=f"{plural(len(pairs), 'pair')} at risk",
                        text="Oldest first, with every reason each was flagged for. A personal "
                             "word from you is often all it takes.")]
    shown = pairs[:AT_RISK_SHOWN]
    found = await flags.reasons(ctx.session, [p.id for p in shown if p.id is not None])
    for pair in shown:
        mentor = await ctx.session.get(Person, pair.mentor_id)
        mentee = await ctx.session.get(Person, pair.mentee_id)
        # Pairs flagged before reasons were kept one by one have only the joined text.
        listed = found.get(pair.id or 0) or [(pair.at_risk_since, pair.at_risk_reason or "flagged")]
        reasons = "\n".join(f"- {friendly(at.date())}: {reason}" for at, reason in listed)  # type: ignore[union-attr]
        messages.append(Message(
            text=(f"*{name_of(mentor) if mentor else '?'} → {name_of(mentee) if mentee else '?'}*"
                  f"\n{reasons}"),
            buttons=(Button("Message the pair", MESSAGE_PAIR, str(pair.id), style="primary"),
                     Button("Unpair", UNPAIR_PAIR, str(pair.id), style="danger"))))
    if len(pairs) > AT_RISK_SHOWN:
        messages.append(Message(text=f"…and {len(pairs) - AT_RISK_SHOWN} more."))
    return Response(messages=tuple(messages))


def note_form(pair_id: int) -> Form:
    return Form(form_id=NOTE_FORM, title="Message the pair", submit_label="Send",
                context=str(pair_id), open_action_id=MESSAGE_PAIR,
                fields=(FormField("text", "Your message to both of them", "long_text",
                                  max_length=1000),))


def _signed(admin: Person) -> str:
    return f"\n\n— {name_of(admin)}" if admin.display_name else ""


async def send_note(ctx: Context, admin: Person, pair_id: str,
                    values: dict[str, str | tuple[str, ...]], event: Event) -> Response:
    number = parse_id(pair_id)
    pair = await ctx.session.get(Pair, number) if number else None
    if pair is None or pair.status != "active":
        return Response.say("That pairing has ended.")
    text = clean(str(values.get("text") or ""))
    if not text or length(text) > 1000:
        too_long = f" (this one has {length(text):,})" if text else ""
        return Response(form=note_form(pair.id),  # type: ignore[arg-type]
                        errors={"text": f"Please write a message of up to 1,000 characters"
                                        f"{too_long}."})
    members = [await ctx.session.get(Person, i) for i in (pair.mentor_id, pair.mentee_id)]
    to = [address_of(p) for p in members if p is not None]
    await ctx.queue(Outgoing.group(keys.admin_note(pair.id, event.event_id), to, Message(
        title=f"A note from the {ctx.program.name} team", text=text + _signed(admin))))
    return Response(close_form=True, messages=(Message(text="Sent to both of them."),))


