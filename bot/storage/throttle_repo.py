"""Reads and writes of `login_failures` (bot/storage/throttle_tables.py) inside a unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from bot.security.login_throttle import WINDOW, Failures
from bot.storage.throttle_tables import LoginFailureRow
from bot.storage.uow import UnitOfWork


async def failures(uow: UnitOfWork, login_tag: str, address_tag: str, now: datetime) -> Failures:
    since = now - WINDOW
    recent = LoginFailureRow.at >= since
    pair, last = (await uow.session.execute(select(func.count(), func.max(LoginFailureRow.at)).where(
        recent, LoginFailureRow.login_tag == login_tag, LoginFailureRow.address_tag == address_tag))).one()
    address = await uow.session.scalar(select(func.count()).where(
        recent, LoginFailureRow.address_tag == address_tag))
    return Failures(int(pair), int(address or 0), last)


async def record_failure(uow: UnitOfWork, login_tag: str, address_tag: str, now: datetime) -> None:
    await uow.session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < now - WINDOW))
    uow.session.add(LoginFailureRow(login_tag=login_tag, address_tag=address_tag, at=now))


async def take_failures_of(uow: UnitOfWork, login_tag: str) -> int:
    """At a successful login: how many failures the window holds for this login (any address),
    which the owner is then told about; they are cleared, so each is told once."""
    n = await uow.session.scalar(select(func.count()).where(LoginFailureRow.login_tag == login_tag))
    await uow.session.execute(delete(LoginFailureRow).where(LoginFailureRow.login_tag == login_tag))
    return int(n or 0)
