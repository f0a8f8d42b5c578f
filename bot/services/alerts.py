"""Staff alerts on the existing timers: a shift reminder before each shift, the coverage gaps of
the next 72 hours to coordinators once a day, and a note to coordinators when a high or imminent
handoff is still waiting after its first escalation step.

`tick()` is one repeating job (bot/timers.py `add_repeating`): each run looks back over a window,
so a restart catches up on what fell due while the process was down, and every notice carries a
dedupe key checked against the outbox, so a notice goes out once however often the job runs or
restarts. Reminders read the compiled rota, so a shift swapped away is reminded to whoever holds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.clock import Clock
from bot.conversation.posting import staff_channels, tell_staff
from bot.conversation.states import HandoffState
from bot.services.rota import RotaService
from bot.storage.models import Handoff, OutboxItem
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from scheduling.reminders import Notice, gap_alerts, shift_reminders
from scheduling.schedule import Schedule

TICK_S = 60.0  # how often the job runs
LOOKBACK = timedelta(hours=2)  # a reminder still goes out if the process was down this long
GAP_DAYS = 3  # coverage-gap alerts look 72 hours ahead (issue 17)
URGENT = ("high", "imminent")


class StaffAlerts:
    def __init__(self, uow: UnitOfWorkFactory, rota: RotaService, clock: Clock) -> None:
        self.uow, self.rota, self.clock = uow, rota, clock

    async def tick(self) -> int:
        """Send what is due now and was not sent before; returns how many notices were sent."""
        now = self.clock.now()
        async with self.uow() as uow:
            rota = await self.rota.rota(uow)
            notices: list[Notice] = []
            if rota.stations:
                schedule = Schedule(rota, now - LOOKBACK, now + timedelta(days=GAP_DAYS))
                notices += shift_reminders(schedule, now - LOOKBACK, now + timedelta(seconds=1))
                d = self.rota.demand
                notices += gap_alerts(schedule, now, GAP_DAYS, demand=d.profile(), needs=d.need_list())
            notices += await self._waiting(uow, now, await self.rota.coordinators(uow))
            sent = 0
            for n in notices:
                sent += await _send_once(uow, n, now)
            await uow.commit()
        return sent

    async def _waiting(self, uow: UnitOfWork, now: datetime, coordinators: list[str]) -> list[Notice]:
        """A high or imminent handoff past its first step and still not accepted: tell coordinators."""
        rows = await uow.session.scalars(
            select(Handoff).where(Handoff.state.in_([HandoffState.OFFERED, HandoffState.FALLBACK]),
                                  Handoff.level.in_(URGENT), Handoff.step >= 1))
        out = []
        for h in rows:
            waited = int((now - h.created_at).total_seconds() // 60) if h.created_at else 0
            for coord in coordinators:
                out.append(Notice(coord, f"⚠️ A {h.level} handoff (#{h.id}) has waited {waited} min and is "
                                  f"past escalation step {h.step}: nobody has accepted it yet.",
                                  f"waiting:{h.id}:{h.step}:{coord}", now))
        return out


async def _send_once(uow: UnitOfWork, notice: Notice, now: datetime) -> int:
    """Queue `notice` unless a notice with its key is already in the outbox; 1 when queued."""
    counselor = await uow.counselors.get(notice.counselor)
    if counselor is None or not counselor.active:
        return 0
    channels = staff_channels(counselor)
    keys = [f"{notice.dedupe_key}:{channel}" for channel, _ in channels]
    if not keys or await uow.session.scalar(select(OutboxItem.id).where(OutboxItem.dedupe_key.in_(keys))):
        return 0
    await tell_staff(uow, counselor, notice.text, now, dedupe=notice.dedupe_key)
    return 1
