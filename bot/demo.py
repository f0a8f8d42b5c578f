"""Demo data for `make run` / `hotline serve --demo`: the demo rota (a station tree and rotations
with someone on duty at every hour, config/demo_rota.yaml) and web logins for its staff.

Demo passwords are random, made once and kept in ./var/demo_logins.json (mode 600) so that they
stay the same across restarts; they are printed at every start. Never used outside demo mode.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.models import Counselor
from bot.storage.rota_repo import import_demo_rota
from bot.storage.uow import UnitOfWorkFactory
from bot.web.auth import hash_password, verify_password

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoStaff:
    id: str
    login: str
    name: str
    alias: str
    roles: tuple[str, ...]
    languages: tuple[str, ...] = ("zh", "en")
    station_id: str | None = None


DEMO_ADMIN = DemoStaff("demo-admin", "demo-admin", "Demo Admin", "Admin", ("admin",))
# Used only when the rota package is missing; normally config/demo_rota.yaml names the staff.
DEMO_STAFF = (
    DemoStaff("c-li", "li", "李娜 Li Na", "小李", ("counselor",)),
    DemoStaff("c-wang", "wang", "王强 Wang Qiang", "小王", ("counselor",)),
    DemoStaff("k-zhao", "zhao", "赵敏 Zhao Min", "赵老师", ("coordinator", "counselor")),
    DEMO_ADMIN,
)


def demo_passwords(var_dir: Path, logins: list[str]) -> dict[str, str]:
    """One random password per login, made once and kept under ./var."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "demo_logins.json"
    known: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    changed = False
    for login in logins:
        if login not in known:
            known[login] = secrets.token_urlsafe(9)
            changed = True
    if changed:
        path.write_text(json.dumps(known, indent=2), encoding="utf-8")
        path.chmod(0o600)
    return known


async def seed_staff(uow_factory: UnitOfWorkFactory, staff: tuple[DemoStaff, ...],
                     passwords: dict[str, str]) -> None:
    """Create or refresh each demo account (idempotent: a restart keeps their chats)."""
    async with uow_factory() as uow:
        for s in staff:
            c = await uow.counselors.get(s.id)
            if c is None:
                c = await uow.counselors.add(Counselor(
                    id=s.id, name=s.name, alias=s.alias, roles=list(s.roles), languages=list(s.languages),
                    station_id=s.station_id, web_login=s.login, active=True, available=True))
            if not c.password_hash or not verify_password(c.password_hash, passwords[s.login]):
                c.password_hash = hash_password(passwords[s.login])
            c.web_login, c.roles, c.active = s.login, list(s.roles), True
            c.alias = c.alias or s.alias
        await uow.commit()


async def seed_rota(container: Any) -> str:
    """Import config/demo_rota.yaml (stations, counselors with web logins, rotations that put
    someone on duty at every hour) through the rota package's importer."""
    path = Path(container.settings.config_dir) / "demo_rota.yaml"
    return str(await import_demo_rota(container.uow, path, container.clock.now()))


async def rota_staff(uow_factory: UnitOfWorkFactory) -> tuple[DemoStaff, ...]:
    """Everyone the demo rota gave a web login, plus a demo admin (admins hold no chats)."""
    async with uow_factory() as uow:
        rows = [c for c in await uow.counselors.all() if c.web_login and c.active]
    # Residents see an alias, never a counselor's name (identity protected by default).
    staff = tuple(DemoStaff(c.id, str(c.web_login), c.name, c.alias or c.id.upper(),
                            tuple(c.roles or ()), tuple(c.languages or ()), c.station_id)
                  for c in rows if c.id != DEMO_ADMIN.id)
    return (*staff, DEMO_ADMIN)


async def seed(container: Any) -> list[tuple[DemoStaff, str]]:
    """Seed everything for the demo; returns (staff, password) pairs to print.

    With the rota package present its demo rota decides who the counselors are (so the people
    on duty are the ones who can log in); without it, a small fixed staff is seeded.
    """
    try:
        log.info(await seed_rota(container))
        staff = await rota_staff(container.uow)
    except ImportError:
        log.warning("no rota importer: seeding demo staff without a rota")
        staff = DEMO_STAFF
    passwords = demo_passwords(Path(container.settings.var_dir), [s.login for s in staff])
    await seed_staff(container.uow, staff, passwords)
    return [(s, passwords[s.login]) for s in staff]


def banner(base_url: str, accounts: list[tuple[DemoStaff, str]]) -> str:
    """What `hotline serve --demo` prints: where to click and how to log in."""
    lines = [
        "", "=" * 64, "hotline demo",
        f"  resident chat:     {base_url}/chat",
        f"  counselor console: {base_url}/console",
        f"  dashboard:         {base_url}/admin",
        "  demo logins (password kept in ./var/demo_logins.json):",
    ]
    for s, pw in accounts:
        lines.append(f"    {s.login:<13} {pw:<14} {', '.join(s.roles):<22} {s.name}")
    lines += ["  try in the chat: 我不想活了，今晚就吃药  (then accept it in the console)", "=" * 64, ""]
    return "\n".join(lines)
