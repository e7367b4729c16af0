"""TeamsApp: what Teams shows about the app (the manifest's names, texts, links and version).

Its own module because it only feeds `turnabout teams-package` and the check for links still
pointing at the example domain.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field

from config.frozen_model import FrozenModel

_HTTPS = r"^https://[^\s/?#]+(/\S*)?$"
PLACEHOLDER_HOST = "example.com"


class TeamsApp(FrozenModel):
    """What Teams shows about the app when an admin uploads it and people install it
    (`turnabout teams-package`). The lengths are the Teams manifest's own limits."""

    short_name: str = Field(default="Turnabout", min_length=1, max_length=30)
    full_name: str = Field(default="Turnabout reverse mentoring", min_length=1, max_length=100)
    short_description: str = Field(
        default="Reverse mentoring: juniors mentor seniors, in a chat with a bot.",
        min_length=1, max_length=80)
    full_description: str = Field(
        default=("Turnabout runs the company's reverse mentoring program in Teams. Junior "
                 "colleagues mentor senior ones on digital tools, social media and how younger "
                 "employees see the company, and learn leadership in return. Sign up with a "
                 "short survey, get matched with a partner from another team, and receive a "
                 "conversation starter every week. Your conversations stay between the two of "
                 "you; you can pause or leave at any time."),
        min_length=1, max_length=4000)
    developer_name: str = Field(default="Your company", min_length=1, max_length=32)
    website_url: str = Field(default="https://example.com/mentoring", pattern=_HTTPS,
                             max_length=2048)
    privacy_url: str = Field(default="https://example.com/mentoring/privacy", pattern=_HTTPS,
                             max_length=2048)
    terms_url: str = Field(default="https://example.com/mentoring/terms", pattern=_HTTPS,
                           max_length=2048)
    accent_color: str = Field(default="#4F52B2", pattern=r"^#[0-9a-fA-F]{6}$")
    # Teams replaces an uploaded app only with a higher version: raise it with each upload.
    version: str = Field(default="1.0.0", pattern=r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){2}$")

    def placeholders(self) -> list[str]:
        """Settings still pointing at the example domain, which Teams would show as they are."""
        def placeholder(url: str) -> bool:
            host = (urlsplit(url).hostname or "").lower()
            return host == PLACEHOLDER_HOST or host.endswith("." + PLACEHOLDER_HOST)

        return [name for name in ("website_url", "privacy_url", "terms_url")
                if placeholder(getattr(self, name))]
