"""Staff accounts (issue 17 item 8): an admin adds, edits, deactivates and reactivates counselors,
coordinators and admins, and hands out one-time codes with which a person sets their own web
password. Every change is one function here (the admin pages call them; a script could too), in
the caller's unit of work, with its audit entry; the caller commits.

A deactivated account, or one whose password changes, loses every web session in the same flush
(bot/storage/session_tables.py), and the rota stops offering it chats (rota_repo.unavailable).
Refusals raise `AccountRefused` naming the form field and what to do next.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from bot.security.roles import Role
from bot.storage.account_tables import PasswordCodeRow
from bot.storage.models import Counselor, Handoff
from bot.storage.rota_tables import StationRow
from bot.storage.uow import UnitOfWork

STAFF_ROLES = (Role.COUNSELOR.value, Role.COORDINATOR.value, Role.ADMIN.value)
LANGUAGES = ("zh", "en")  # the languages chats are routed by (config/demand.yaml needs)
HOLDING = ("accepted", "active")  # handoff states in which a counselor holds a resident's chat
# A code travels by phone or in person: a day is enough to use it and short enough not to linger.
CODE_VALID = timedelta(hours=24)
CODE_TRIES = 5  # wrong codes for one login void its code (12 characters of 32: guessing is hopeless)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # the login form reads no more (argon2's cost stays bounded)
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_LOGIN = re.compile(r"[a-z0-9][a-z0-9_.@-]{1,63}")


class AccountRefused(Exception):
    """A change that cannot be made; `field` is the form field it is about ("" for the whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class AccountSpec:
    """What an admin types for an account (ids and logins already stripped)."""

    id: str
    name: str
    roles: tuple[str, ...]
    languages: tuple[str, ...]
    station: str | None = None
    telegram_id: int | None = None
    web_login: str | None = None
    alias: str | None = None


class CodeOutcome(StrEnum):
    SET = "set"  # the password is set, the code is used up
    WRONG = "wrong"  # the login has a live code but this is not it (a try is counted)
    INVALID = "invalid"  # no live code for that login: never made, used, expired or voided


def code_hash(code: str) -> str:
    return hashlib.sha256(normal_code(code).encode()).hexdigest()


def normal_code(code: str) -> str:
    """What a person types, read kindly: case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]", "", code).upper()


def password_problem(password: str, login: str | None) -> str | None:
    """Why a new password cannot be used, or None."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters (a few words make a good password)."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if login and password.strip().lower() == login.lower():
        return "The password must not be the login."
    return None


async def _check(uow: UnitOfWork, spec: AccountSpec, own_id: str | None) -> None:
    """Refuse a spec that cannot be stored; `own_id` is the account being edited (None: new)."""
    if own_id is None and not _ID.fullmatch(spec.id):
        raise AccountRefused("id", "Use 1-64 lower-case letters, digits, - or _ (for example li-na).")
    if own_id is None and await uow.counselors.get(spec.id) is not None:
        raise AccountRefused("id", f"The id {spec.id!r} is taken: choose another.")
    if not spec.name.strip() or len(spec.name) > 128:
        raise AccountRefused("name", "Give a name of 1-128 characters.")
    if not spec.roles or not set(spec.roles) <= set(STAFF_ROLES):
        raise AccountRefused("roles", "Tick at least one role.")
    if not set(spec.languages) <= set(LANGUAGES):
        raise AccountRefused("languages", "Languages are zh and en.")
    takes_chats = {Role.COUNSELOR.value, Role.COORDINATOR.value} & set(spec.roles)
    if takes_chats and not spec.languages:
        raise AccountRefused("languages", "Someone who takes chats needs at least one language.")
    kept = own_id is not None and (await _account(uow, own_id)).station_id == spec.station
    if spec.station and not kept and await uow.session.get(StationRow, spec.station) is None:
        raise AccountRefused("station", f"There is no station {spec.station!r}: pick one from the list.")
    if spec.web_login is not None:
        if not _LOGIN.fullmatch(spec.web_login):
            raise AccountRefused("web_login", "Use 2-64 lower-case letters, digits, . @ - or _.")
        holder = await uow.counselors.by_login(spec.web_login)
        if holder is not None and holder.id != own_id:
            raise AccountRefused("web_login", f"The login {spec.web_login!r} belongs to {holder.name}.")
    if spec.telegram_id is not None:
        if spec.telegram_id <= 0:
            raise AccountRefused("telegram_id", "A Telegram id is a positive whole number.")
        holder = await uow.counselors.by_telegram_id(spec.telegram_id)
        if holder is not None and holder.id != own_id:
            raise AccountRefused("telegram_id", f"That Telegram id belongs to {holder.name}.")


def _fill(row: Counselor, spec: AccountSpec) -> None:
    row.name, row.roles, row.languages = spec.name.strip(), list(spec.roles), list(spec.languages)
    row.station_id, row.telegram_id, row.web_login = spec.station or None, spec.telegram_id, spec.web_login
    row.alias = spec.alias or None


async def create_account(uow: UnitOfWork, spec: AccountSpec, by: str, now: datetime) -> Counselor:
    """A new active account without a password (give the person a code to set one)."""
    await _check(uow, spec, None)
    row = Counselor(id=spec.id, active=True, available=True)
    _fill(row, spec)
    await uow.counselors.add(row)
    await uow.audit.append(by, "account.create", f"counselor:{spec.id}", now,
                           {"roles": ",".join(spec.roles)})
    return row


async def update_account(uow: UnitOfWork, counselor_id: str, spec: AccountSpec, by: str,
                         now: datetime) -> Counselor:
    row = await _account(uow, counselor_id)
    await _check(uow, spec, counselor_id)
    if Role.ADMIN.value in (row.roles or []) and Role.ADMIN.value not in spec.roles:
        await _not_last_admin(uow, row, "roles")
    before = _visible(row)
    _fill(row, spec)
    changed = sorted(k for k, v in _visible(row).items() if before[k] != v)
    await uow.session.flush()
    await uow.audit.append(by, "account.update", f"counselor:{counselor_id}", now,
                           {"changed": ",".join(changed)})
    return row


async def set_active(uow: UnitOfWork, counselor_id: str, active: bool, by: str, now: datetime) -> Counselor:
    """Deactivate (sessions end, no more chats offered) or reactivate an account."""
    row = await _account(uow, counselor_id)
    if not active:
        if counselor_id == by:
            raise AccountRefused("", "You cannot deactivate your own account: ask another admin.")
        if Role.ADMIN.value in (row.roles or []):
            await _not_last_admin(uow, row, "")
        held = await uow.session.scalar(select(func.count()).select_from(Handoff).where(
            Handoff.counselor_id == counselor_id, Handoff.state.in_(HOLDING)))
        if held:  # safety rule 2: a resident's chat must never be left with nobody
            raise AccountRefused("", f"{row.name} holds {held} open chat(s): they must close or transfer "
                                     "them first.")
    if row.active == active:
        return row
    row.active = active
    await uow.session.flush()  # ends the sessions of a deactivated account (session_tables.py)
    await uow.audit.append(by, "account.reactivate" if active else "account.deactivate",
                           f"counselor:{counselor_id}", now)
    return row


async def issue_password_code(uow: UnitOfWork, counselor_id: str, by: str, now: datetime) -> str:
    """A one-time code for /password; replaces any earlier code. Shown once, stored as a hash."""
    row = await _account(uow, counselor_id)
    if not row.active:
        raise AccountRefused("", f"{row.name}'s account is deactivated: reactivate it first.")
    if not row.web_login:
        raise AccountRefused("web_login", f"{row.name} has no web login: give them one first.")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    old = await uow.session.get(PasswordCodeRow, counselor_id)
    if old is not None:
        await uow.session.delete(old)
        await uow.session.flush()
    uow.session.add(PasswordCodeRow(counselor_id=counselor_id, code_hash=code_hash(code), created_by=by,
                                    created_at=now, expires_at=now + CODE_VALID, tries=0))
    await uow.audit.append(by, "account.password_code", f"counselor:{counselor_id}", now)
    return "-".join(code[i:i + 4] for i in range(0, 12, 4))


async def live_codes(uow: UnitOfWork, now: datetime) -> dict[str, datetime]:
    """counselor id -> when their unused code expires."""
    rows = await uow.session.scalars(select(PasswordCodeRow).where(PasswordCodeRow.expires_at > now))
    return {r.counselor_id: r.expires_at for r in rows}


async def set_password_with_code(uow: UnitOfWork, login: str, code: str, password_hash: str,
                                 now: datetime) -> CodeOutcome:
    """Use a one-time code to set the password of `login`. The caller commits whatever the
    outcome (a wrong try is counted). Check `password_problem` before hashing."""
    c = await uow.counselors.by_login(login) if login else None
    row = await uow.session.get(PasswordCodeRow, c.id) if c is not None else None
    if c is None or row is None or not c.active or row.expires_at <= now:
        return CodeOutcome.INVALID
    if not secrets.compare_digest(row.code_hash, code_hash(code)):
        row.tries += 1
        if row.tries >= CODE_TRIES:
            await uow.session.delete(row)
            await uow.audit.append(c.id, "account.password_code_voided", f"counselor:{c.id}", now)
        return CodeOutcome.WRONG
    c.password_hash = password_hash  # ends every session this account had (session_tables.py)
    await uow.session.delete(row)
    await uow.session.flush()
    await uow.audit.append(c.id, "account.password_set", f"counselor:{c.id}", now, {"via": "code"})
    return CodeOutcome.SET


async def _account(uow: UnitOfWork, counselor_id: str) -> Counselor:
    row = await uow.counselors.get(counselor_id)
    if row is None:
        raise AccountRefused("", f"No account {counselor_id!r}: it may have been removed. "
                                 "Go back to the list.")
    return row


async def _not_last_admin(uow: UnitOfWork, row: Counselor, field: str) -> None:
    admins = [c for c in await uow.counselors.all() if c.active and Role.ADMIN.value in (c.roles or [])]
    if [c.id for c in admins] == [row.id]:
        raise AccountRefused(field, f"{row.name} is the last active admin: make someone else admin first.")


def _visible(row: Counselor) -> dict[str, object]:
    return {"name": row.name, "roles": list(row.roles or []), "languages": list(row.languages or []),
            "station": row.station_id, "telegram_id": row.telegram_id, "web_login": row.web_login,
            "alias": row.alias}
