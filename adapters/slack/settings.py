from __future__ import annotations

from dataclasses import dataclass

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


@dataclass(frozen=True)
class SlackOAuth:
    """Installs through Slack's OAuth v2 flow: any number of workspaces, or whole Enterprise
    Grid organisations, each with its own bot token (stored encrypted with `secret_key`)."""

    client_id: str
    client_secret: str
    state_secret: str
    secret_key: str  # TURNABOUT_SECRET_KEY: a Fernet key


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str  # "" when installs come through OAuth
    signing_secret: str
    app_token: str | None  # Socket Mode when set
    api_url: str | None  # SLACK_API_URL: tests and GovSlack; ends with "/"
    oauth: SlackOAuth | None = None
