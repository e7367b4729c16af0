"""SlackProfiles: who a Slack user is (name, timezone, email) from users.info, cached per user.

Apart from the event translators because it calls Slack (bounded in time, shared between
concurrent commands) and keeps a cache; the translators are pure.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from adapters.slack.clients import SlackClients
from core.clock import Clock
from core.events import Address, Profile

log = logging.getLogger(__name__)


class SlackProfiles:
    """users.info answers (timezone, name), remembered per user for an hour.

    The lookup is bounded in time because it runs while a trigger id (3 s) is waiting."""

    def __init__(self, clients: SlackClients, clock: Clock, *,
                 ttl: timedelta = timedelta(hours=1), timeout: float = 1.5,
                 capacity: int = 10_000) -> None:
        self._clients = clients
        self._clock = clock
        self._ttl = ttl
        self._timeout = timeout
        self._capacity = capacity
        self._known: dict[Address, tuple[datetime, Profile]] = {}
        # Two commands from one person in flight at once share one users.info call (Tier 4).
        self._pending: dict[Address, asyncio.Task[Profile]] = {}

    async def lookup(self, person: Address) -> Profile:
        cached = self._known.get(person)
        if cached is not None and self._clock.now() - cached[0] < self._ttl:
            return cached[1]
        task = self._pending.get(person)
        if task is None:
            task = asyncio.ensure_future(self._fetch(person))
            self._pending[person] = task
            task.add_done_callback(lambda _t: self._pending.pop(person, None))
        return await asyncio.shield(task)

    async def _fetch(self, person: Address) -> Profile:
        now = self._clock.now()
        try:
            client = await self._clients.for_tenant(person.tenant_id)
            response = await asyncio.wait_for(client.users_info(user=person.user_id),
                                              self._timeout)
            user = response.get("user")
        except Exception as exc:  # a profile is a nicety: the command goes on without it
            log.warning("users.info for %s failed: %s", person.user_id, exc)
            return Profile()
        profile = _profile(user if isinstance(user, dict) else {})
        if len(self._known) >= self._capacity:
            self._known.pop(next(iter(self._known)))
        self._known[person] = (now, profile)
        return profile


def _profile(user: dict[str, Any]) -> Profile:
    profile = user.get("profile")
    details: dict[str, Any] = profile if isinstance(profile, dict) else {}

    def text(*candidates: object) -> str | None:
        return next((c for c in candidates if isinstance(c, str) and c), None)

    return Profile(display_name=text(user.get("real_name"), details.get("real_name"),
                                     details.get("display_name")),
                   timezone=text(user.get("tz")), email=text(details.get("email")))
