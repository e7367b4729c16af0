"""A Messenger that records what it was asked to send: the test stand-in for a platform."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.messages import Message
from core.ports import DeliveryError


@dataclass
class Sent:
    tenant_id: str
    user_ids: tuple[str, ...]
    message: Message
    key: str = ""


@dataclass
class RecordingMessenger:
    sent: list[Sent] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)  # raised, in order, before sending

    async def send_dm(
        self, tenant_id: str, user_id: str, message: Message, key: str = ""
    ) -> str | None:
        return self._record(tenant_id, (user_id,), message, key)

    async def send_group(
        self, tenant_id: str, user_ids: Sequence[str], message: Message, key: str = ""
    ) -> str | None:
        return self._record(tenant_id, tuple(user_ids), message, key)

    async def find_sent(self, tenant_id: str, user_ids: Sequence[str], key: str) -> str | None:
        return next((f"m{n}" for n, s in enumerate(self.sent, 1) if s.key == key), None)

    def _record(self, tenant_id: str, user_ids: tuple[str, ...], message: Message, key: str) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(Sent(tenant_id, user_ids, message, key))
        return f"m{len(self.sent)}"

    def to(self, user_id: str) -> list[Message]:
        return [s.message for s in self.sent if user_id in s.user_ids]
