"""FrozenModel: the base of every settings section, read-only and refusing unknown keys.

Its own module because every section of app.yaml (program, survey, admins, Teams app) builds on
it, and a typo in a key must fail at start-up, never be ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
