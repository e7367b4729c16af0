"""How every table that names a person identifies them: platform, tenant (Slack workspace or
Teams tenant) and the platform's user id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_
from sqlmodel import col


def identity_is(model: Any, platform: str, tenant_id: str, user_id: str) -> Any:
    return and_(col(model.platform) == platform, col(model.tenant_id) == tenant_id,
                col(model.user_id) == user_id)
