"""Swap requests: requested -> accepted by the peer -> approved or declined by a coordinator."""

from __future__ import annotations

import pytest

from scheduling.errors import RotaError
from scheduling.model import Counselor, SwapState
from scheduling.swaps import accept_swap, decide_swap, request_swap, swap_on_behalf
from tests.scheduling.builders import day_night, people, rota, sh

SPAN = (sh(2026, 1, 6, 8), sh(2026, 1, 6, 20))


def roster():  # type: ignore[no-untyped-def]
    cs = {**people("a", "b"), "k": Counselor("k", "K", ("zh",), "hd", ("coordinator",))}
    return rota([day_night()], cs)


def test_swap_is_approved_after_the_peer_accepts() -> None:
    r = roster()
    swap = accept_swap(request_swap(r, "s1", "a", "b", "hd", *SPAN), by="b")
    done = decide_swap(r, swap, approve=True, by="k")
    assert (swap.state, done.state, done.decided_by) == (SwapState.ACCEPTED, SwapState.APPROVED, "k")


def test_coordinator_cannot_approve_before_the_peer_accepts_but_can_decline() -> None:
    r = roster()
    swap = request_swap(r, "s1", "a", "b", "hd", *SPAN)
    with pytest.raises(RotaError, match="cannot be approved"):
        decide_swap(r, swap, approve=True, by="k")
    assert decide_swap(r, swap, approve=False, by="k").state == SwapState.DECLINED


def test_only_the_peer_accepts_and_only_a_coordinator_decides() -> None:
    r = roster()
    swap = request_swap(r, "s1", "a", "b", "hd", *SPAN)
    with pytest.raises(RotaError, match="only b"):
        accept_swap(swap, by="a")
    with pytest.raises(RotaError, match="not a coordinator"):
        decide_swap(r, accept_swap(swap, by="b"), approve=True, by="a")


def test_a_decided_swap_cannot_be_decided_again() -> None:
    r = roster()
    done = decide_swap(r, accept_swap(request_swap(r, "s1", "a", "b", "hd", *SPAN), "b"), False, "k")
    with pytest.raises(RotaError):
        decide_swap(r, done, approve=True, by="k")


def test_coordinator_swaps_on_someones_behalf_approved_at_once() -> None:
    swap = swap_on_behalf(roster(), "s1", "a", "b", "hd", *SPAN, by="k")
    assert swap.state == SwapState.APPROVED and swap.created_by == "k"


def test_swap_with_unknown_people_or_backwards_span_is_refused() -> None:
    r = roster()
    with pytest.raises(RotaError, match="unknown counselor"):
        request_swap(r, "s1", "a", "zz", "hd", *SPAN)
    with pytest.raises(RotaError, match="after the start"):
        request_swap(r, "s1", "a", "b", "hd", SPAN[1], SPAN[0])
