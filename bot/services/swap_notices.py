"""What both people of a swap hear when a coordinator decides it (issue 17 item 5): Telegram,
through the outbox, in the deciding transaction, written once per swap, state and person. The web
console shows the calendar itself, so it needs no notice."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.posting import tell_staff
from bot.storage.uow import UnitOfWork
from scheduling.model import DEFAULT_TZ, Rota, Swap, SwapState
from scheduling.rotation import zone

LOCAL_TZ = zone(DEFAULT_TZ)


async def tell_both(uow: UnitOfWork, rota: Rota, swap: Swap, state: str, by: str, now: datetime) -> None:
    """Both people hear a coordinator's decision (Telegram, through the outbox, in this transaction;
    written once per swap, state and person)."""
    where = rota.stations[swap.station].name if swap.station in rota.stations else swap.station
    when = f"{_local(swap.start)} to {_local(swap.end)}"
    approved = state == SwapState.APPROVED.value
    verdict = f"{'approved' if approved else 'declined'} by {_name(rota, by)}"
    other, requester = _name(rota, swap.other), _name(rota, swap.requester)
    lines = {swap.requester: f"Your swap with {other} at {where}, {when}, was {verdict}."
                             + (f" {other} is on duty then; the rota shows it." if approved else ""),
             swap.other: f"The swap {requester} asked of you at {where}, {when}, was {verdict}."
                         + (" You are on duty then." if approved else "")}
    for who, text in lines.items():
        person = await uow.counselors.get(who)
        if person is not None and person.active:
            await tell_staff(uow, person, text, now, dedupe=f"swap:{swap.id}:{state}:{who}")


def _name(rota: Rota, counselor: str) -> str:
    c = rota.counselors.get(counselor)
    return c.name if c is not None else counselor


def _local(t: datetime) -> str:
    return t.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
