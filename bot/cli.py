"""`turnabout` command line: run, demo, db upgrade, tick, import-people, slack-manifest,
teams-package."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot import logs
from bot.config import load_settings, local_url
from config.program import ConfigError
from config.prompt_catalog import CatalogError
from core.clock import Clock, FrozenClock, SystemClock
from storage.migrate import upgrade


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="turnabout", description="Reverse mentoring in chat.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the bot (migrates the database first)")
    run.add_argument("--host", help="address to listen on (HOST, default 127.0.0.1)")
    run.add_argument("--port", type=int, help="port to listen on (PORT, default 3978)")
    demo = commands.add_parser(
        "demo", help="the web chat on a fresh demo database of 16 people, with time travel")
    demo.add_argument("--port", type=int, help="port to listen on (PORT, default 3978)")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply pending migrations")
    tick = commands.add_parser("tick", help="run every due job once, deliver, and exit")
    tick.add_argument("--at", help="act as if it were this ISO time (e.g. 2026-11-30T09:00Z)")
    people = commands.add_parser("import-people", help="import an HR export (CSV) for retention")
    people.add_argument("file", help="CSV with email or platform_id, department, hire_date, leave_date")
    manifest = commands.add_parser("slack-manifest", help="print a Slack app manifest")
    where = manifest.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="public https URL of this service")
    where.add_argument("--socket-mode", action="store_true", help="no public URL (SLACK_APP_TOKEN)")
    manifest.add_argument("--oauth", action="store_true",
                          help="installs through OAuth (on by itself when SLACK_CLIENT_ID is set)")
    commands.add_parser("secret-key", help="print a new TURNABOUT_SECRET_KEY (a Fernet key)")
    teams = commands.add_parser("teams-package", help="write the Teams app package (a zip)")
    teams.add_argument("--app-id", required=True, help="the Azure Bot's Microsoft App ID")
    teams.add_argument("--url", required=True, help="public https URL of this service")
    teams.add_argument("--out", default="turnabout-teams.zip", help="where to write the zip")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "slack-manifest":
            from adapters.slack.manifest import manifest_yaml

            settings = load_settings()
            oauth = args.oauth or (settings.slack is not None and settings.slack.oauth is not None)
            print(
                manifest_yaml(
                    settings.program.name,
                    settings.program.command,
                    args.url,
                    socket_mode=args.socket_mode,
                    oauth=oauth,
                )
            )
            return 0
        if args.command == "secret-key":
            from cryptography.fernet import Fernet

            print(Fernet.generate_key().decode())
            return 0
        if args.command == "teams-package":
            return _teams_package(load_settings(), args.app_id, args.url, Path(args.out))
        settings = load_settings(host=getattr(args, "host", None), port=getattr(args, "port", None))
        logs.configure(settings.log_level, settings.log_format)
        if args.command == "demo":
            return _demo(settings)
        upgrade(settings.database_url)
        if args.command == "db":
            print("Database is up to date.")
            return 0
        if args.command == "tick":
            return _tick(settings, args.at)
        if args.command == "import-people":
            return _import_people(settings, Path(args.file))
        return _run(settings)
    except (ConfigError, CatalogError) as exc:
        print(f"turnabout: {exc}", file=sys.stderr)
        return 2


def _teams_package(settings, app_id: str, url: str, out: Path) -> int:  # type: ignore[no-untyped-def]
    from adapters.teams.package import PackageError, build_package, messaging_endpoint
    from runtime.jobs import build_registry

    try:
        package = build_package(settings.program, build_registry(), app_id, url)
    except PackageError as exc:
        raise ConfigError(str(exc)) from None
    try:
        package.write(out)
    except OSError as exc:
        raise ConfigError(f"--out: cannot write {out} ({exc.strerror or exc})") from None
    placeholders = settings.program.teams_app.placeholders()
    if placeholders:
        names = ", ".join(f"teams_app.{name}" for name in placeholders)
        print(f"turnabout: note: {names} in {settings.config_path} still point at the example "
              "address; Teams shows them to everyone who installs the app", file=sys.stderr)
    print(f"Wrote {out}. Set the Azure Bot's messaging endpoint to {messaging_endpoint(url)}, "
          "then upload the zip in Teams (Apps → Manage your apps → Upload an app).")
    return 0


def _tick(settings, at: str | None) -> int:  # type: ignore[no-untyped-def]
    from bot.app import Service

    clock: Clock = SystemClock()
    if at:
        try:
            clock = FrozenClock(datetime.fromisoformat(at.replace("Z", "+00:00")))
        except ValueError:
            raise ConfigError(f"--at: '{at}' is not an ISO time like 2026-11-30T09:00Z") from None

    async def once() -> dict[str, int]:
        service = Service(settings, clock, schedule=False)
        try:
            return await service.tick()
        finally:
            await service.close()

    counts = asyncio.run(once())
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    return 0


def _import_people(settings, path: Path) -> int:  # type: ignore[no-untyped-def]
    from bot.import_people import read_people
    from features.matching import teams
    from storage.database import Database
    from storage.hr import replace_all

    records = read_people(path, SystemClock().now())

    async def store() -> int:
        database = Database(settings.database_url)
        try:
            async with database.session() as session:
                count = await replace_all(session, records, SystemClock().now())
                await teams.apply_hr(session, settings.program)
                return count
        finally:
            await database.dispose()

    count = asyncio.run(store())
    print(f"Imported {count} people; `admin stats` now compares retention, and matching uses "
          "their teams and managers where the file has them.")
    return 0


def _demo(settings) -> int:  # type: ignore[no-untyped-def]
    from bot.app import Service
    from bot.demo import DEMO_DATABASE, demo_clock, demo_settings, fresh_database, seed

    # The demo serves this machine only, whatever HOST says: anyone using it can act as anyone.
    settings = demo_settings(dataclasses.replace(settings, host="127.0.0.1"))
    fresh_database()
    service = Service(settings, demo_clock(SystemClock().now()))

    async def seeded(_app: web.Application) -> None:
        await seed(service)

    service.app.on_startup.append(seeded)

    def announce(_aiohttp_banner: str) -> None:
        # Once the port is open and the people have joined: the address is the last line.
        print(f"Demo: a fresh program of 16 people in {DEMO_DATABASE} (recreated on every "
              "start). Follow the tour in the README; Next day / Next week / Jump to… move the "
              "program's clock.", flush=True)
        print(f"Open the web chat: {local_url(settings.host, settings.port)}/", flush=True)

    web.run_app(service.app, host=settings.host, port=settings.port, print=announce,
                **service.server_options())
    return 0


def _run(settings) -> int:  # type: ignore[no-untyped-def]
    from bot import heap
    from bot.app import Service

    service = Service(settings)
    platforms = ", ".join(a.platform for a in service.adapters) or "nothing"

    async def settled(_app: web.Application) -> None:
        heap.settle()

    service.app.on_startup.append(settled)
    base = local_url(settings.host, settings.port)

    def announce(_aiohttp_banner: str) -> None:
        # aiohttp calls this once the port is open and start-up is done, so the web chat's
        # address is the last line a person running `make run` sees.
        print(f"Turnabout is serving {platforms} at {base}", flush=True)
        if service.web_chat is not None:
            asks = " (it asks for WEB_CHAT_TOKEN)" if service.web_chat.access.networked else ""
            print(f"Open the web chat: {base}/{asks}", flush=True)

    web.run_app(service.app, host=settings.host, port=settings.port, print=announce,
                **service.server_options())
    return 0


if __name__ == "__main__":
    sys.exit(main())
