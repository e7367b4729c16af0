"""OAuth installs: bolt's SQLAlchemy stores on our own database, bot tokens encrypted at rest
(Fernet, TURNABOUT_SECRET_KEY), and the token of each workspace or organisation on demand.

Who is who: a per-workspace install serves its workspace, so people there are keyed by the
workspace id (T…); an Enterprise Grid org-wide install serves every workspace of the
organisation, where a person keeps one user id, so people are keyed by the organisation id
(E…). That key is an Address's tenant_id (events.tenant_of), and the token is found by it.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from sqlalchemy import and_, desc, false, or_, select, true

from adapters.slack import tables
from core.ports import DeliveryError
from storage.database import Database

log = logging.getLogger(__name__)

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
CACHE_SECONDS = 60.0  # another replica's uninstall reaches this one's cache within a minute
STATE_SECONDS = 600
# A rotating bot token (Slack's token rotation: 12 hours, with a refresh token) is refreshed
# this long before it expires, on a request (bolt) or on a send (InstalledTokens), whichever
# comes first; the refreshed token is saved for every replica.
ROTATE_MINUTES = 120


class Secrets:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def seal(self, value: str | None) -> str | None:
        return self._fernet.encrypt(value.encode()).decode() if value else value

    def open(self, value: str | None) -> str | None:
        if not value:
            return value
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            log.error("a stored Slack token does not open with TURNABOUT_SECRET_KEY; was the "
                      "key changed? Reinstall the app in that workspace")
            return None


def _with_tokens(item: Any, change: Any) -> Any:
    item = copy.copy(item)
    for name in TOKEN_FIELDS:
        if hasattr(item, name):
            setattr(item, name, change(getattr(item, name)))
    return item


class EncryptedInstallationStore(AsyncInstallationStore):
    """Bolt's SQLAlchemy installation store, with every token sealed before it is written and
    opened when it is read."""

    def __init__(self, client_id: str, database: Database, secrets: Secrets) -> None:
        self._rows = AsyncSQLAlchemyInstallationStore(
            client_id, database.engine, bots_table_name=tables.BOTS,
            installations_table_name=tables.INSTALLATIONS, logger=log)
        self._secrets = secrets

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self._rows.async_save(_with_tokens(installation, self._secrets.seal))

    async def async_save_bot(self, bot: Bot) -> None:
        await self._rows.async_save_bot(_with_tokens(bot, self._secrets.seal))

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        found = await self._rows.async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                                is_enterprise_install=is_enterprise_install)
        return None if found is None else _with_tokens(found, self._secrets.open)

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False
                                      ) -> Installation | None:
        found = await self._rows.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
            is_enterprise_install=is_enterprise_install)
        return None if found is None else _with_tokens(found, self._secrets.open)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._rows.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None, user_id: str | None = None) -> None:
        await self._rows.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id,
                                                   user_id=user_id)


def state_store(database: Database) -> AsyncSQLAlchemyOAuthStateStore:
    return AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, database.engine,
                                          table_name=tables.STATES, logger=log)


class InstalledTokens:
    """The bot token for a tenant (a workspace id, or an organisation id for an org-wide
    install), remembered for a minute: every outgoing message asks. A rotating token that
    expires within ROTATE_MINUTES is refreshed first (oauth.v2.access, grant_type
    refresh_token) and saved, as bolt does for requests."""

    def __init__(self, client_id: str, database: Database, secrets: Secrets,
                 store: AsyncInstallationStore | None = None,
                 rotator: AsyncTokenRotator | None = None) -> None:
        self._client_id, self._database, self._secrets = client_id, database, secrets
        self._store, self._rotator = store, rotator
        self._known: dict[str, tuple[float, str | None]] = {}  # tenant → (good until, token)
        self._locks: dict[str, asyncio.Lock] = {}

    async def token(self, tenant_id: str) -> str | None:
        cached = self._known.get(tenant_id)
        if cached is not None and time.monotonic() < cached[0]:
            return cached[1]
        async with self._locks.setdefault(tenant_id, asyncio.Lock()):  # one refresh at a time
            cached = self._known.get(tenant_id)
            if cached is not None and time.monotonic() < cached[0]:
                return cached[1]
            token, expires_at = await self._current(tenant_id)
            keep = CACHE_SECONDS
            if expires_at is not None:  # until it is due for a refresh, at most a minute
                keep = min(keep, expires_at - ROTATE_MINUTES * 60 - time.time())
            self._known[tenant_id] = (time.monotonic() + keep, token)
            return token

    async def _current(self, tenant_id: str) -> tuple[str | None, float | None]:
        c = tables.bots.c
        query = (select(c.bot_token, c.bot_refresh_token, c.enterprise_id, c.team_id,
                        c.is_enterprise_install).where(
            c.client_id == self._client_id, c.bot_token.is_not(None),
            or_(and_(c.is_enterprise_install == true(), c.enterprise_id == tenant_id),
                and_(c.is_enterprise_install == false(), c.team_id == tenant_id)))
            .order_by(desc(c.installed_at)).limit(1))
        async with self._database.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None, None
        if row.bot_refresh_token is None or self._store is None or self._rotator is None:
            return self._secrets.open(row.bot_token), None
        bot = await self._store.async_find_bot(
            enterprise_id=row.enterprise_id, team_id=row.team_id,
            is_enterprise_install=row.is_enterprise_install)
        if bot is None or not bot.bot_token:
            return None, None
        try:
            refreshed = await self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES)
        except Exception as exc:
            # Most often Slack unreachable for a moment: the send is retried later.
            log.error("could not refresh the Slack bot token of %s: %s", tenant_id, exc)
            raise DeliveryError(f"could not refresh the Slack token of {tenant_id}") from exc
        if refreshed is not None:
            await self._store.async_save_bot(refreshed)
            log.info("refreshed the rotating Slack bot token of %s", tenant_id)
            bot = refreshed
        expires = bot.bot_token_expires_at
        return bot.bot_token, float(expires) if expires is not None else None

    def forget(self, tenant_id: str) -> None:
        self._known.pop(tenant_id, None)
