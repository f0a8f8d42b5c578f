"""Swap requests: requested -> accepted by the peer -> approved or declined by a coordinator.

A coordinator may also make a swap on someone's behalf; it is approved at once. Every function
returns a new Swap and raises RotaError when the step is not allowed now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from scheduling.errors import RotaError
from scheduling.model import Rota, Swap, SwapState


def _check(rota: Rota, swap: Swap) -> None:
    for who in (swap.requester, swap.other):
        if who not in rota.counselors:
            raise RotaError(f"unknown counselor {who!r} in swap {swap.id}")
    if swap.requester == swap.other:
        raise RotaError("a swap needs two different counselors")
    if swap.station not in rota.stations:
        raise RotaError(f"unknown station {swap.station!r} in swap {swap.id}")
    if swap.start >= swap.end:
        raise RotaError(f"swap {swap.id}: the end must come after the start")


def request_swap(rota: Rota, swap_id: str, requester: str, other: str, station: str,
                 start: datetime, end: datetime) -> Swap:
    """A counselor asks a peer to exchange duty for a span."""
    swap = Swap(swap_id, requester, other, station, start, end, SwapState.REQUESTED, created_by=requester)
    _check(rota, swap)
    return swap


def accept_swap(swap: Swap, by: str) -> Swap:
    """The peer agrees; the swap now waits for a coordinator."""
    if swap.state != SwapState.REQUESTED:
        raise RotaError(f"swap {swap.id} is {swap.state}, not waiting for the peer")
    if by != swap.other:
        raise RotaError(f"only {swap.other} can accept swap {swap.id}")
    return replace(swap, state=SwapState.ACCEPTED)


def decide_swap(rota: Rota, swap: Swap, approve: bool, by: str) -> Swap:
    """A coordinator approves or declines a swap the peer accepted (or declines a fresh request)."""
    coord = rota.counselors.get(by)
    if coord is None or not coord.is_coordinator:
        raise RotaError(f"{by!r} is not a coordinator: ask a coordinator to decide swap {swap.id}")
    allowed = {SwapState.ACCEPTED} if approve else {SwapState.ACCEPTED, SwapState.REQUESTED}
    if swap.state not in allowed:
        raise RotaError(f"swap {swap.id} is {swap.state}; it cannot be "
                        f"{'approved' if approve else 'declined'} now")
    return replace(swap, state=SwapState.APPROVED if approve else SwapState.DECLINED, decided_by=by)


def swap_on_behalf(rota: Rota, swap_id: str, requester: str, other: str, station: str,
                   start: datetime, end: datetime, by: str) -> Swap:
    """A coordinator swaps two people directly (approved at once)."""
    coord = rota.counselors.get(by)
    if coord is None or not coord.is_coordinator:
        raise RotaError(f"{by!r} is not a coordinator and cannot swap on someone's behalf")
    swap = Swap(swap_id, requester, other, station, start, end, SwapState.APPROVED, created_by=by,
                decided_by=by)
    _check(rota, swap)
    return swap
