"""Slack's OAuth installations and state, in our own database: the tables bolt's SQLAlchemy
stores read and write (their own column definitions, registered with our metadata so the
migration and the schema check cover them). The migration is
storage/migrations/versions/0014_slack_installs.py.

Bot tokens are stored encrypted (adapters/slack/installs.py); the installer's user id is
erased with the rest of a person (adapters/slack/erasure.py). Bolt sizes token columns for
tokens as Slack issues them (200 characters); encrypted, a rotating token (xoxe.xoxb-…, with
its refresh token) is longer, so those columns are text here (migration 0019)."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Table, Text
from sqlmodel import SQLModel

INSTALLATIONS, BOTS, STATES = "slack_installations", "slack_bots", "slack_oauth_states"
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def _sealed_tokens(table: Table) -> Table:
    for name in TOKEN_COLUMNS:
        if name in table.c:
            table.c[name].type = Text()
    return table


installations = _sealed_tokens(SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS))
bots = _sealed_tokens(SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS))
states = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, STATES)
