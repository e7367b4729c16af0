"""Settings: the program from app.yaml, secrets and endpoints from the environment only."""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from adapters.slack.settings import SlackOAuth, SlackSettings
from adapters.teams.settings import TeamsSettings
from adapters.web.access import token_problem
from bot.logs import FORMATS, LEVELS, LogFormat
from config.program import ConfigError, Program, parse_program
from storage.database import DEFAULT_URL, DatabaseUrlError, driver_urls

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "app.yaml"


@dataclass(frozen=True)
class Settings:
    program: Program
    config_path: Path
    database_url: str
    host: str
    port: int
    slack: SlackSettings | None
    teams: TeamsSettings | None
    web_chat: bool
    # Where people's browsers reach this service (download links in Teams); "" means
    # http://{host}:{port}, right for a local run only.
    public_url: str = ""
    # Seconds a client has to send a request's headers, and the longest a keep-alive
    # connection may sit idle (aiohttp has one timer for both): half-open connections must
    # not pile up. Behind a reverse proxy, set HEADER_TIMEOUT above its upstream keep-alive.
    header_timeout: float = 15.0
    # The web chat's shared secret; without it the web chat serves this machine only.
    web_chat_token: str = ""
    log_level: str = "info"  # one of bot.logs.LEVELS; "debug" also turns the access log on
    log_format: LogFormat = "text"
    # `turnabout demo`: the web chat alone, on a demo database, with a clock the page can move.
    demo: bool = False

    @property
    def base_url(self) -> str:
        return self.public_url or local_url(self.host, self.port)


def local_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def load_program(path: Path) -> Program:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found (set TURNABOUT_CONFIG to your app.yaml)"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    return parse_program(data, source=str(path))


def _slack_oauth(env: Mapping[str, str], token: str) -> SlackOAuth | None:
    client_id = env.get("SLACK_CLIENT_ID", "")
    if not client_id:
        return None
    if token:
        raise ConfigError("SLACK_BOT_TOKEN: leave it unset when SLACK_CLIENT_ID is set; each "
                          "workspace's token then comes from its install")
    missing = [n for n in ("SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_SIGNING_SECRET")
               if not env.get(n)]
    if missing:
        raise ConfigError(f"{missing[0]}: required for Slack installs through OAuth "
                          "(SLACK_CLIENT_ID is set)")
    if env.get("SLACK_APP_TOKEN"):
        raise ConfigError("SLACK_APP_TOKEN: Socket Mode serves one workspace; OAuth installs "
                          "need the HTTP endpoint, so unset it")
    key = env.get("TURNABOUT_SECRET_KEY", "")
    if not key:
        raise ConfigError("TURNABOUT_SECRET_KEY: required with SLACK_CLIENT_ID, to encrypt "
                          "bot tokens at rest; make one with `turnabout secret-key`")
    check_secret_key(key)
    return SlackOAuth(client_id, env["SLACK_CLIENT_SECRET"], env["SLACK_STATE_SECRET"], key)


def check_secret_key(key: str) -> None:
    from cryptography.fernet import Fernet

    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise ConfigError("TURNABOUT_SECRET_KEY: must be a Fernet key (32 bytes in url-safe "
                          "base64); make one with `turnabout secret-key`") from None


def _slack(env: Mapping[str, str]) -> SlackSettings | None:
    token, secret = env.get("SLACK_BOT_TOKEN", ""), env.get("SLACK_SIGNING_SECRET", "")
    oauth = _slack_oauth(env, token)
    if not token and not secret and oauth is None:
        return None
    if oauth is None and not token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN: must be a bot token starting with xoxb-")
    if not secret and not env.get("SLACK_APP_TOKEN"):
        raise ConfigError("SLACK_SIGNING_SECRET: required to verify Slack's requests")
    app_token = env.get("SLACK_APP_TOKEN") or None
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN: must be an app-level token starting with xapp-")
    api_url = env.get("SLACK_API_URL") or None
    if api_url and not api_url.startswith(("http://", "https://")):
        raise ConfigError("SLACK_API_URL: must be an http(s) URL")
    if api_url and not api_url.endswith("/"):
        api_url += "/"
    return SlackSettings(token, secret, app_token, api_url, oauth)


def scope_slack_admins(settings: Settings) -> Settings:
    """With OAuth installs a bare Slack user id in app.yaml would make that id an admin in
    every workspace that installs the app, where it is someone else: it counts nowhere, and
    the log says how to name the admin (T…:U…). With one bot token it means that workspace."""
    slack, admins = settings.slack, settings.program.admins
    if slack is None or slack.oauth is None or not admins.bare_slack():
        return settings
    logging.getLogger(__name__).warning(
        "app.yaml admins.slack: %s ignored: with OAuth installs a Slack admin is named with "
        "their workspace, as T…:U… (E…:W… for an org-wide install)",
        ", ".join(admins.bare_slack()))
    program = settings.program.model_copy(update={"admins": admins.without_bare_slack()})
    return replace(settings, program=program)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_emulator_host(teams: TeamsSettings | None, host: str) -> None:
    """The emulator mode believes any activity, so only this machine may reach it."""
    if teams is not None and teams.emulator and not is_loopback(host):
        raise ConfigError(
            f"TEAMS_AUTH=emulator: accepts activities without a token, so it serves only a "
            f"loopback address such as 127.0.0.1, not {host}"
        )


def _teams(env: Mapping[str, str], host: str) -> TeamsSettings | None:
    """Teams is off without its credentials, unless the local emulator mode is asked for."""
    auth = env.get("TEAMS_AUTH", "").strip().lower()
    app_id = env.get("MICROSOFT_APP_ID", "")
    if auth not in ("", "emulator"):
        raise ConfigError("TEAMS_AUTH: must be 'emulator' (Bot Framework Emulator on this "
                          "machine, no credentials) or unset")
    if auth == "emulator":
        if app_id:
            raise ConfigError("TEAMS_AUTH=emulator: runs without credentials; unset "
                              "MICROSOFT_APP_ID, or unset TEAMS_AUTH to use them")
        teams = TeamsSettings.local_emulator()
        check_emulator_host(teams, host)
        return teams
    if not app_id:
        return None
    app_type = env.get("MICROSOFT_APP_TYPE", "MultiTenant")
    if app_type not in ("MultiTenant", "SingleTenant", "UserAssignedMSI"):
        raise ConfigError(
            "MICROSOFT_APP_TYPE: must be MultiTenant, SingleTenant or UserAssignedMSI"
        )
    tenant = env.get("MICROSOFT_APP_TENANT_ID", "")
    if app_type == "SingleTenant" and not tenant:
        raise ConfigError(
            "MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is SingleTenant"
        )
    password = env.get("MICROSOFT_APP_PASSWORD", "")
    if app_type != "UserAssignedMSI" and not password:
        raise ConfigError("MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID")
    return TeamsSettings(app_id, password, app_type, tenant)


def load_settings(
    env: Mapping[str, str] | None = None, host: str | None = None, port: int | None = None
) -> Settings:
    env = os.environ if env is None else env
    path = Path(env.get("TURNABOUT_CONFIG") or DEFAULT_CONFIG)
    program = load_program(path)
    url = env.get("DATABASE_URL") or DEFAULT_URL
    try:
        driver_urls(url)
    except DatabaseUrlError as exc:
        raise ConfigError(f"DATABASE_URL: {exc}") from None
    raw_port = str(port) if port is not None else env.get("PORT", "3978")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"PORT: '{raw_port}' is not a port number (1-65535)")
    host = host or env.get("HOST", "127.0.0.1")
    slack, teams = _slack(env), _teams(env, host)
    mode = program.web_chat.enabled
    connected = slack is not None or (teams is not None and teams.authenticated)
    web_chat = mode == "on" or (mode == "auto" and not connected)
    public_url = _public_url(env, host, int(raw_port))
    return Settings(program, path, url, host, int(raw_port), slack, teams, web_chat, public_url,
                    _header_timeout(env), _web_chat_token(env), *_logging(env))


def _logging(env: Mapping[str, str]) -> tuple[str, LogFormat]:
    level = env.get("LOG_LEVEL", "").strip().lower() or "info"
    if level not in LEVELS:
        raise ConfigError(f"LOG_LEVEL: '{level}' is not one of {', '.join(LEVELS)}")
    log_format = env.get("LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in FORMATS:
        raise ConfigError(f"LOG_FORMAT: '{log_format}' is not one of {', '.join(FORMATS)}")
    return level, log_format  # type: ignore[return-value]


def _header_timeout(env: Mapping[str, str]) -> float:
    raw = env.get("HEADER_TIMEOUT", "").strip()
    if not raw:
        return Settings.header_timeout
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 1 <= seconds <= 3600:
        raise ConfigError(f"HEADER_TIMEOUT: '{raw}' is not a number of seconds (1-3600)")
    return seconds


def _web_chat_token(env: Mapping[str, str]) -> str:
    token = env.get("WEB_CHAT_TOKEN", "")
    problem = token_problem(token) if token else None
    if problem:
        raise ConfigError(f"WEB_CHAT_TOKEN: {problem} (for example the output of "
                          "`python -c 'import secrets; print(secrets.token_urlsafe(24))'`)")
    return token


def _public_url(env: Mapping[str, str], host: str, port: int) -> str:
    raw = env.get("PUBLIC_URL", "").strip()
    if not raw:
        return local_url(host, port)
    if not _is_web_address(raw):
        raise ConfigError("PUBLIC_URL: must be an http(s) address such as "
                          "https://turnabout.example.com, without ?query or #fragment")
    return raw.rstrip("/")


def _is_web_address(text: str) -> bool:
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number from 0 to 65535)
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname)
            and not parts.query and not parts.fragment)
