"""Demo data for `make run` / `hotline serve --demo`: staff with web logins, and (when the rota
package provides it) a station tree and a rota with someone on duty now.

Demo passwords are random, made once and kept in ./var/demo_logins.json (mode 600) so that they
stay the same across restarts; they are printed at every start. Never used outside demo mode.
"""

from __future__ import annotations

import importlib
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.models import Counselor
from bot.storage.uow import UnitOfWorkFactory

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


DEMO_STAFF = (
    DemoStaff("c-li", "li", "李娜 Li Na", "小李", ("counselor",)),
    DemoStaff("c-wang", "wang", "王强 Wang Qiang", "小王", ("counselor",)),
    DemoStaff("k-zhao", "zhao", "赵敏 Zhao Min", "赵老师", ("coordinator", "counselor")),
    DemoStaff("a-admin", "admin", "Admin", "Admin", ("admin",)),
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
    from bot.web.auth import hash_password, verify_password

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
        await uow.commit()


async def seed_rota(container: Any) -> str:
    """Import the demo rota when the rota package provides an importer; says what it did."""
    settings = container.settings
    path = Path(settings.config_dir) / "demo_rota.yaml"
    try:
        module = importlib.import_module("bot.storage.rota_repo")
    except ImportError:
        return "no rota importer yet: counselors seeded, nobody scheduled (the rota adapter decides)"
    importer = getattr(module, "import_demo_rota", None)
    if importer is None or not path.exists():
        return f"rota: no demo importer or {path} missing"
    result = await importer(container.uow, path, container.clock.now())
    return f"rota: {result}" if result else "rota: demo rota imported"


async def seed(container: Any) -> list[tuple[DemoStaff, str]]:
    """Seed everything for the demo; returns (staff, password) pairs to print."""
    passwords = demo_passwords(Path(container.settings.var_dir), [s.login for s in DEMO_STAFF])
    await seed_staff(container.uow, DEMO_STAFF, passwords)
    try:
        log.info(await seed_rota(container))
    except Exception as exc:  # a demo without a rota still shows chat and console
        log.warning("demo rota not seeded (%s: %s)", exc.__class__.__name__, exc)
    return [(s, passwords[s.login]) for s in DEMO_STAFF]


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
        lines.append(f"    {s.login:<8} {pw:<14} {', '.join(s.roles)}")
    lines += ["  try in the chat: 我不想活了，今晚就吃药  (then accept it in the console)", "=" * 64, ""]
    return "\n".join(lines)
