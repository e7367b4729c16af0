"""The Web API client for a workspace: the one bot token's, or (OAuth installs) the token of
the workspace or organisation the person belongs to."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installs import InstalledTokens
from core.ports import DeliveryError

MAX_CLIENTS = 1000


class SlackClients:
    def __init__(self, base: AsyncWebClient, tokens: InstalledTokens | None = None) -> None:
        self.base = base  # single-token mode: the client; with OAuth: the template, no token
        self._tokens = tokens
        self._clients: dict[str, AsyncWebClient] = {}

    @property
    def per_tenant(self) -> bool:
        return self._tokens is not None

    async def for_tenant(self, tenant_id: str) -> AsyncWebClient:
        if self._tokens is None:
            return self.base
        token = await self._tokens.token(tenant_id)
        if token is None:
            raise DeliveryError(f"Slack {tenant_id or 'workspace'} has not installed the app, "
                                "or removed it", permanent=True)
        client = self._clients.get(token)
        if client is None:
            if len(self._clients) >= MAX_CLIENTS:
                self._clients.pop(next(iter(self._clients)))
            client = AsyncWebClient(token=token, base_url=self.base.base_url,
                                    timeout=self.base.timeout,
                                    retry_handlers=self.base.retry_handlers)
            self._clients[token] = client
        return client

    def forget(self, tenant_id: str) -> None:
        """An uninstall: the next send asks the database again (and finds no token)."""
        if self._tokens is not None:
            self._tokens.forget(tenant_id)
