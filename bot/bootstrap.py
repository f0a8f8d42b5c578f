"""One function builds every object; tests call it with a test database and fakes for the ports."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters import background as loader
from bot.channels.base import Sender
from bot.channels.outbox import OutboxDispatcher
from bot.clock import Clock, SystemClock
from bot.cluster.leader import Leadership
from bot.cluster.notify import Bus
from bot.conversation.coordinator import CoordinatorDesk
from bot.conversation.effects import Effects
from bot.conversation.handoffs import HandoffManager
from bot.conversation.ports import KnowledgePort, RosterPort, RotaAndRoster, TriagePort
from bot.conversation.resident import ResidentFlow
from bot.conversation.staff import StaffFlow
from bot.crypto import Cipher, demo_keys
from bot.events import EventHub
from bot.logging_setup import install_log_privacy
from bot.privacy.retention import run_retention
from bot.security.limits import limits_for
from bot.security.ratelimit import RateLimiter
from bot.services import alerts
from bot.services.conversations import ConversationService, TurnLimits
from bot.services.deferred import DeferredSpool
from bot.services.rota import RotaService
from bot.services.runtime import EmergencyLine, Runtime
from bot.services.staff import StaffActions
from bot.services.staff_commands import StaffRouter
from bot.storage.engine import create_engine, session_factory
from bot.storage.uow import UnitOfWorkFactory
from bot.timers import Timers
from config.emergency import load_emergency
from config.errors import ConfigError
from config.retention import load_retention
from config.settings import Settings

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[object]]
# How often the timer leader reads the timers other instances' turns wrote (PostgreSQL only):
# the most a new escalation timer from another instance can be late by, far below any step.
TIMER_RESYNC_S = 2.0


Readiness = Callable[[], Mapping[str, str]]  # {part: loading | ready | failed}, for /healthz


@dataclass(frozen=True)
class Ports:
    """The engines behind the conversation: the real adapters, or a test's fakes."""

    triage: TriagePort
    kb: KnowledgePort

    def readiness(self) -> list[Readiness]:
        """The ports that can say how far they are loaded (the real adapters can; fakes cannot)."""
        found = (getattr(port, "readiness", None) for port in (self.triage, self.kb))
        return [source for source in found if callable(source)]


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    clock: Clock
    dispatcher: OutboxDispatcher
    service: ConversationService
    timers: Timers
    events: EventHub
    rota: RotaAndRoster  # bot.services.rota.RotaService unless a test passed a fake
    actions: StaffActions
    ports: Ports
    senders: dict[str, Sender] = field(default_factory=dict)
    # Repeating jobs started with the timers: name -> (job, every so many seconds).
    jobs: dict[str, tuple[Job, float]] = field(default_factory=dict)
    # What /healthz reports on, part by part (the adapters', and Telegram's once it runs).
    readiness: list[Readiness] = field(default_factory=list)
    leadership: Leadership | None = None  # made by start()
    # Called whenever this instance becomes the leader (the server adds setWebhook there).
    lead_hooks: list[Job] = field(default_factory=list)
    bus: Bus | None = None  # LISTEN/NOTIFY between instances, made by start() on PostgreSQL

    async def start(self) -> None:
        """Outbox, then the timers: on the leader, rebuilt from the database (a restart or a
        failover loses no escalation step); see bot/cluster/leader.py."""
        await self.dispatcher.start()
        self.timers.start()
        self.timers.add_repeating(self.service.retry_deferred, 5.0, "retry-deferred",
                                  everywhere=True)  # this process's own deferred turns
        self.timers.follow()  # until the lock says this instance leads
        for name, (job, seconds) in self.jobs.items():
            self.timers.add_repeating(job, seconds, name)
        self.leadership = Leadership(self.settings.database_url, self._lead, self._follow)
        if self.leadership.dsn is not None:  # other instances may write timers: read them
            self.timers.add_repeating(self._resync_timers, TIMER_RESYNC_S, "timer-resync")
            self.bus = Bus(self.leadership.dsn, self.dispatcher.instance, self.events)
            self.bus.outbox_wake = self.dispatcher.wake_here
            self.dispatcher.on_wake = self.bus.send_outbox
            await self.bus.start()
        await self.leadership.start()

    async def _lead(self) -> None:
        self.timers.lead(await self.service.pending_timers())
        for hook in self.lead_hooks:
            try:  # a failed extra (Telegram unreachable) must not cost the timers their leader
                await hook()
            except Exception:
                log.exception("leader hook failed")

    async def _follow(self) -> None:
        self.timers.follow()

    async def _resync_timers(self) -> None:
        self.timers.resync(await self.service.pending_timers())

    async def stop(self) -> None:
        if self.leadership is not None:
            await self.leadership.stop()
        if self.bus is not None:
            await self.bus.stop()
        self.timers.stop()
        await self.dispatcher.stop()
        self.service.screening.close()
        await self.engine.dispose()


def resolve_keys(settings: Settings) -> tuple[list[str], bytes]:
    """Encryption keys and pseudonym key; demo mode makes its own under ./var, production must set them."""
    if settings.secret_key and settings.pseudonym_key:
        return [k for k in settings.secret_key.split(",") if k.strip()], settings.pseudonym_key.encode()
    if not settings.demo:
        missing = "HOTLINE_SECRET_KEY" if not settings.secret_key else "HOTLINE_PSEUDONYM_KEY"
        raise ConfigError("environment", missing,
                          "required outside demo mode (generate one with `hotline keys new`)")
    fernet_key, pseudo_key = demo_keys(settings.var_dir)
    log.warning("demo mode: using demo keys from %s/demo.keys", settings.var_dir)
    return [settings.secret_key or fernet_key], (settings.pseudonym_key or pseudo_key).encode()


def default_ports(settings: Settings, uow: UnitOfWorkFactory, triage: TriagePort | None,
                  kb: KnowledgePort | None, rota: RotaAndRoster | None
                  ) -> tuple[TriagePort, KnowledgePort, RotaAndRoster]:
    """The ports given, and the real engines for those left out: trained triage, the reviewed
    knowledge base, the rota from the database (only those: each loads in the background)."""
    # Imported here: a build with fakes (every unit test) must not load the engines' packages.
    if triage is None:
        from bot.adapters.triage_adapter import TriageAdapter

        triage = TriageAdapter()
    if kb is None:
        from bot.adapters.kb_adapter import KnowledgeAdapter

        # The deployment's mode decides whether unreviewed entries are served (knowledge_base/governance).
        kb = KnowledgeAdapter(demo=settings.demo)
    return triage, kb, rota or RotaService(uow, settings.config_dir)


def build(settings: Settings, clock: Clock | None = None, triage: TriagePort | None = None,
          kb: KnowledgePort | None = None, rota: RotaAndRoster | None = None,
          roster: RosterPort | None = None, rate_limit: bool = True,
          background: bool = False) -> Container:
    """Every object, wired once. Ports left out are the real engines; `rate_limit=False` turns
    the flood limiter off (the flood bench compares both); `background=True` (`hotline serve`)
    lets the real engines load their slow parts in the loader thread (bot/adapters/background.py)."""
    if background:
        loader.enable()
    clock = clock or SystemClock()
    install_log_privacy()  # however the app is built, logs never carry message text or names
    # Floods are slowed, never left untriaged (see ratelimit.py).
    limiter = RateLimiter() if rate_limit else None
    keys, pseudo_key = resolve_keys(settings)
    engine = create_engine(settings.database_url, settings.db_pool_size, settings.db_max_overflow)
    uow = UnitOfWorkFactory(session_factory(engine), Cipher(keys))
    triage, kb, rota = default_ports(settings, uow, triage, kb, rota)
    roster = roster or rota
    emergency_cfg = load_emergency(settings.config_dir)
    emergency = {lang: emergency_cfg.render(lang) for lang in ("zh", "en")}
    senders: dict[str, Sender] = {}
    events = EventHub()
    dispatcher = OutboxDispatcher(uow, senders, clock, settings.outbox_max_attempts,
                                  lease_s=settings.outbox_lease_s, lone=engine.dialect.name == "sqlite")
    handoffs = HandoffManager(rota, emergency, settings.care_interval_s)
    desk = CoordinatorDesk(roster)

    async def fire(kind: str, ident: int, version: int, step: int) -> None:
        # The timers call the service and the service schedules timers: the name is looked up
        # when a timer fires, long after both exist.
        await service.on_timer(kind, ident, version, step)

    timers = Timers(fire)
    runtime = Runtime(uow, clock, Effects(dispatcher, timers, events))
    actions = StaffActions(runtime, StaffFlow(handoffs), desk, settings.max_message_chars)
    staff = StaffRouter(actions, desk)
    service = ConversationService(
        runtime, pseudo_key, triage, ResidentFlow(kb, handoffs, emergency), staff, handoffs,
        EmergencyLine(emergency, senders),
        TurnLimits(limits_for(settings.max_message_chars), settings.db_turn_timeout_s, limiter),
        # Turns the database refused wait on disk, encrypted, so a crash before it is back loses
        # none (safety rule 2; bot/services/deferred.py).
        spool=DeferredSpool(Path(settings.var_dir) / "deferred", uow.cipher))
    if hasattr(rota, "invalidate"):
        events.on("rota.changed", rota.invalidate)  # dashboard edits show in escalation at once
        events.on("cluster.resync", rota.invalidate)  # a change another instance made while we were deaf
    ports = Ports(triage, kb)
    container = Container(settings, engine, uow, clock, dispatcher, service, timers, events, rota,
                          actions, ports, senders, readiness=ports.readiness())
    container.jobs["retention"] = (retention_job(container), 24 * 3600.0)
    if isinstance(rota, RotaService):  # the real rota: shift reminders, gap and waiting alerts (leader only)
        container.jobs["staff-alerts"] = (alerts.StaffAlerts(uow, rota, clock).tick, alerts.TICK_S)
    return container


def retention_job(container: Container) -> Job:
    """The daily retention run (config/retention.yaml), on the same scheduler as the timers."""
    config = load_retention(container.settings.config_dir)

    async def job() -> None:
        await run_retention(container.uow, container.clock, config)

    return job
