"""The composition root: builds every object once, wires them, owns their lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web
from aiohttp.log import access_logger

from adapters.files import ExportDownloads, Guard, closed
from bot.config import Settings, check_emulator_host, scope_slack_admins
from bot.metrics import CONTENT_TYPE, Metrics
from bot.observe import RequestObserver
from bot.scheduler import build_scheduler
from config.program import ConfigError
from config.prompt_catalog import load_default_catalog
from core.clock import Clock, DemoClock, SystemClock
from core.erasure import Eraser
from core.outgoing import Capabilities
from core.ports import Messenger
from features.matching import teams
from runtime.delivery.dispatcher import Dispatcher
from runtime.delivery.home_views import HOME_VIEWS_BURST
from runtime.homes import HomeViews
from runtime.inbound import Inbound
from runtime.jobs import JobRunner, build_registry
from runtime.outgoing import OutboxWriter
from runtime.pacing import HomeViewPacing, Pacer
from runtime.tasks import Tasks
from storage.database import Database
from storage.migrate import head_revision, schema_revision

if TYPE_CHECKING:
    from adapters.web.adapter import WebChatAdapter

log = logging.getLogger(__name__)
STARTUP_SWEEPS = ("stopped_runs", "stopped_rounds")


def platform_capabilities() -> dict[str, Capabilities]:
    from adapters.slack.messenger import SlackMessenger
    from adapters.teams.messenger import TeamsMessenger
    from adapters.web.messenger import WebMessenger

    return {m.platform: m.capabilities for m in (SlackMessenger, TeamsMessenger, WebMessenger)}


def personal_data_erasers() -> tuple[Eraser, ...]:
    """Every platform's eraser, whether or not the platform is on now: its tables may hold
    people from when it was. Teams keeps nothing beyond the shared conversation references."""
    from adapters.slack.erasure import SlackEraser
    from adapters.web.erasure import WebEraser

    return (SlackEraser(), WebEraser())


def check_demo(settings: Settings, clock: Clock | None) -> None:
    """Time travel is for the demo alone: never where real people get real messages."""
    if not settings.demo:
        return
    if settings.slack is not None or settings.teams is not None:
        raise ConfigError("The demo runs the web chat only; it never connects to Slack or "
                          "Teams. Unset the SLACK_* / TEAMS_* settings, or use `turnabout run`.")
    if not isinstance(clock, DemoClock):
        raise ConfigError("The demo needs its own clock (core.clock.DemoClock).")


DELIVERY_INTERVAL = 2.0
READY_TIMEOUT = 3.0  # a readiness probe must answer even when the database hangs


class Adapter(Protocol):
    platform: str

    @property
    def messenger(self) -> Messenger: ...

    def add_routes(self, app: web.Application) -> None: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class Service:
    def __init__(
        self, settings: Settings, clock: Clock | None = None, *, schedule: bool = True
    ) -> None:
        check_emulator_host(settings.teams, settings.host)
        check_demo(settings, clock)
        settings = scope_slack_admins(settings)
        self.settings = settings
        self.clock = clock or SystemClock()
        self.database = Database(settings.database_url)
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self.catalog = load_default_catalog([t.id for t in settings.program.survey.topics])
        # Which platforms can hold a group conversation is each messenger's to say; the writer
        # needs it before any adapter exists, so it asks the messenger classes.
        self.outbox = OutboxWriter(platform_capabilities())
        self.registry = build_registry()
        self.tasks = Tasks(self.database, settings.program, self.clock, self.catalog,
                           self.outbox, self.registry.tasks(), on_queued=self.kick,
                           erasers=personal_data_erasers())
        self.inbound = Inbound(self.database, settings.program, self.clock, self.catalog,
                               self.outbox, self.registry, on_committed=self.kick,
                               erasers=personal_data_erasers(), start=self.tasks.start)
        self.web_chat: WebChatAdapter | None = None
        self.adapters: list[Adapter] = self._build_adapters()
        self.metrics = Metrics([a.platform for a in self.adapters], self.registry.jobs())
        self.jobs = JobRunner(self.database, settings.program, self.clock, self.catalog,
                              self.outbox, self.registry.jobs(), on_queued=self.kick,
                              telemetry=self.metrics)
        self._scheduler = build_scheduler(settings.program.schedule, self.jobs) if schedule else None
        delivery = settings.program.delivery
        self.dispatcher = Dispatcher(
            self.database, {a.platform: a.messenger for a in self.adapters}, self.clock,
            Pacer(delivery.rates(), delivery.per_conversation_seconds), delivery.in_flight,
            telemetry=self.metrics,
            home=HomeViews(self.database, settings.program, self.clock, self.catalog,
                           self.outbox).build,
            views=HomeViewPacing(delivery.slack_home_views_per_minute, HOME_VIEWS_BURST),
            yield_to=self.jobs.quiet)
        observer = RequestObserver(self.metrics)
        self.app = web.Application(client_max_size=1024 * 1024,
                                   middlewares=[observer.middleware])
        self._schema_head = head_revision(settings.database_url)
        self.app.router.add_get("/healthz", self._health)
        self.app.router.add_get("/readyz", self._ready)
        self.app.router.add_get("/metrics", self._metrics)
        # Export links outlive the chat they were sent in: served whatever platforms are on,
        # except the web chat's, which follow its access rule (and nobody's while it is off).
        web_links: Guard = self.web_chat.download_refusal if self.web_chat else closed
        ExportDownloads(self.database, self.clock, {"web": web_links}).add_routes(self.app)
        for adapter in self.adapters:
            observer.routes_of(adapter.platform, self.app, adapter.add_routes)
        self.app.on_startup.append(self._on_startup)
        self.app.on_cleanup.append(self._on_cleanup)

    def server_options(self) -> dict[str, Any]:
        """How aiohttp must serve this app (web.run_app and web.AppRunner take the same).

        aiohttp arms its keep-alive timer as soon as a connection opens and closes the
        connection when it fires while no complete request has arrived, so the keep-alive
        timeout is also the time allowed for sending request headers.

        The access log (a line per request, the web chat polling included) is for debugging;
        otherwise bot/observe.py writes one line per request that matters."""
        debug = self.settings.log_level == "debug"
        return {"keepalive_timeout": self.settings.header_timeout,
                "access_log": access_logger if debug else None}

    def runner(self) -> web.AppRunner:
        return web.AppRunner(self.app, **self.server_options())

    def _build_adapters(self) -> list[Adapter]:
        adapters: list[Adapter] = []
        s = self.settings
        if s.slack is not None:
            from adapters.slack.adapter import SlackAdapter

            adapters.append(SlackAdapter(s.slack, self.inbound, self.database, self.clock))
        if s.teams is not None:
            from adapters.teams.adapter import TeamsAdapter

            adapters.append(TeamsAdapter(s.teams, self.inbound, self.database, self.clock,
                                         s.base_url))
        if s.web_chat:
            from adapters.web.access import WebAccess
            from adapters.web.adapter import WebChatAdapter

            access = WebAccess.for_listen_address(s.host, s.web_chat_token)
            if access is None:
                log.warning("web chat off: %s is not a loopback address, and without "
                            "WEB_CHAT_TOKEN anyone on the network could act as an admin", s.host)
            else:
                self.web_chat = WebChatAdapter(s.program, self.inbound, self.database,
                                               self.clock, access=access,
                                               deliver_now=self.deliver_now,
                                               demo_clock=self._demo_clock(), tick=self.tick)
                adapters.append(self.web_chat)
        return adapters

    def _demo_clock(self) -> DemoClock | None:
        return self.clock if self.settings.demo and isinstance(self.clock, DemoClock) else None

    def kick(self) -> None:
        """Something was queued: deliver soon, without holding up the request that queued it."""
        self._wake.set()

    async def settle(self) -> int:
        """Let background tasks (a matching round) finish, then deliver what is due."""
        await self.tasks.idle()
        return await self.deliver_now()

    async def deliver_now(self, only: Sequence[int] | None = None) -> int:
        """Deliver what is due, or only the rows `only` names (what one event queued)."""
        return await self.dispatcher.deliver_due(only=only)

    async def _delivery_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), DELIVERY_INTERVAL)
            self._wake.clear()
            try:
                await self.dispatcher.deliver_due()
            except Exception:
                log.exception("delivery pass failed; retrying in %ss", DELIVERY_INTERVAL)

    async def _health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "platforms": [a.platform for a in self.adapters]})

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = await self.metrics.exposition(self.database)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def _ready(self, _request: web.Request) -> web.Response:
        """Readiness, unlike /healthz: can this replica save what people send it right now?"""
        problem = await self._readiness_problem()
        if problem is not None:
            return web.json_response({"status": "unavailable", "problem": problem}, status=503)
        return web.json_response({"status": "ready"})

    async def _readiness_problem(self) -> str | None:
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                revision = await schema_revision(self.database)
        except Exception as exc:
            log.warning("not ready: the database is unreachable (%s)", type(exc).__name__)
            return "database unreachable"
        if revision != self._schema_head:
            log.warning("not ready: database schema is at %s, this code needs %s; "
                        "run `turnabout db upgrade`", revision, self._schema_head)
            return "database migrations are not current"
        return None

    async def _on_startup(self, _app: web.Application) -> None:
        try:
            async with self.database.session() as session:
                # Team names typed before app.yaml listed teams join the listed team they name.
                await teams.adopt_listed(session, self.settings.program)
        except Exception:  # the database may be down at start; /readyz says so, we retry next start
            log.warning("could not match typed team names to app.yaml's teams", exc_info=True)
        for adapter in self.adapters:
            await adapter.start()
        # Exports, reports and rounds left by a process that stopped long enough ago are told
        # to their admins now rather than at the first sweep (a failed sweep is logged and
        # retried on schedule).
        for job in STARTUP_SWEEPS:
            await self.jobs.run(job)
        self._loop_task = asyncio.create_task(self._delivery_loop(), name="delivery")
        if self._scheduler is not None:
            self._scheduler.start()

    async def tick(self) -> dict[str, int]:
        """Run every job once as of the clock's time, then deliver what they queued."""
        counts = await self.jobs.run_all()
        counts["delivered"] = await self.deliver_now()
        return counts

    async def close(self) -> None:
        await self.database.dispose()

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.tasks.close()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        for adapter in self.adapters:
            await adapter.stop()
        await self.database.dispose()
