"""The Teams app package an admin uploads: manifest.json and the two icons, in one zip."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters.teams.adapter import MESSAGES_PATH
from adapters.teams.icons import colour_icon, outline_icon
from config.program import Program
from features.registry import Registry
from runtime.commands import HELP_SUMMARY

MANIFEST_VERSION = "1.25"
SCHEMA_URL = (f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}"
              "/MicrosoftTeams.schema.json")
COLOR_ICON, OUTLINE_ICON = "color.png", "outline.png"
MAX_COMMANDS = 10  # what Teams lists in the compose box; the help command shows the rest
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# A fixed timestamp in the zip: the same settings always build the same bytes.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


class PackageError(ValueError):
    """An argument that would make a package Teams refuses, worded for the admin."""


@dataclass(frozen=True)
class Package:
    manifest: dict[str, Any]
    files: dict[str, bytes]  # name in the zip → bytes, manifest.json included

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                # Teams reads the files from the root of the zip, never from a folder.
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()

    def write(self, path: Path) -> None:
        path.write_bytes(self.zip_bytes())


def public_host(url: str) -> str:
    """The domain of the service's public https URL (Teams' validDomains take no port)."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        parts = parts._replace(scheme="")
    if parts.scheme != "https" or not parts.hostname:
        raise PackageError(f"--url: '{url}' must be the service's public https address, "
                           "such as https://turnabout.example.com")
    return parts.hostname


def check_app_id(app_id: str) -> str:
    if not GUID.match(app_id.strip()):
        raise PackageError(f"--app-id: '{app_id}' is not a Microsoft App ID (a GUID such as "
                           "00000000-0000-0000-0000-000000000000, from the Azure Bot's "
                           "Configuration page)")
    return app_id.strip().lower()


def messaging_endpoint(url: str) -> str:
    return url.strip().rstrip("/") + MESSAGES_PATH


def command_list(registry: Registry) -> list[dict[str, str]]:
    """Help, then the commands people use, in the order help lists them."""
    def describe(summary: str, usage: str = "") -> str:
        text = summary[:1].upper() + summary[1:]
        return f"{text}: {usage}" if usage else text

    listed = [("help", describe(HELP_SUMMARY))]
    listed += [(c.word, describe(c.summary, c.usage)) for c in registry.commands()]
    return [{"title": word, "description": text} for word, text in listed[:MAX_COMMANDS]]


def build_manifest(program: Program, registry: Registry, app_id: str,
                   url: str) -> dict[str, Any]:
    app, bot_id, host = program.teams_app, check_app_id(app_id), public_host(url)
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": app.version,
        # The app and its bot share the id, so a new upload replaces the same app.
        "id": bot_id,
        "developer": {
            "name": app.developer_name,
            "websiteUrl": app.website_url,
            "privacyUrl": app.privacy_url,
            "termsOfUseUrl": app.terms_url,
        },
        "name": {"short": app.short_name, "full": app.full_name},
        "description": {"short": app.short_description, "full": app.full_description},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": app.accent_color.upper(),
        "bots": [{
            "botId": bot_id,
            # 1:1 chats only: the program is private, and the bot points group chats there.
            "scopes": ["personal"],
            "isNotificationOnly": False,
            "supportsFiles": False,
            "commandLists": [{"scopes": ["personal"], "commands": command_list(registry)}],
        }],
        "defaultInstallScope": "personal",
        "validDomains": [host],
    }


def build_package(program: Program, registry: Registry, app_id: str, url: str) -> Package:
    manifest = build_manifest(program, registry, app_id, url)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    return Package(manifest, {
        "manifest.json": text.encode("utf-8"),
        COLOR_ICON: colour_icon(program.teams_app.accent_color),
        OUTLINE_ICON: outline_icon(),
    })
