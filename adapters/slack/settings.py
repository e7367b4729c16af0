from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    app_token: str | None  # Socket Mode when set
    api_url: str | None  # SLACK_API_URL: tests and GovSlack; ends with "/"
