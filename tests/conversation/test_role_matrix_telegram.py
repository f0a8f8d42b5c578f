"""Every Telegram staff command and card button, for every role: allowed exactly where
bot.security.roles says so, refused with a clear message everywhere else."""

from __future__ import annotations

import pytest

from bot.security.roles import PERMISSIONS, Role
from bot.services.staff_commands import CALLBACK_ACTIONS, COORDINATOR_COMMANDS, COUNSELOR_COMMANDS
from bot.storage.models import Counselor
from tests.conversation.conftest import RESIDENT, Harness

STAFF_ROLES = {"counselor": ["counselor"], "coordinator": ["coordinator", "counselor"], "admin": ["admin"]}
TG = {"counselor": 2001, "coordinator": 2002, "admin": 2003}
COMMANDS = {**COUNSELOR_COMMANDS, **COORDINATOR_COMMANDS}
REFUSALS = ("does not allow", "staff only", "coordinators only", "工作人员", "协调员")


async def add_staff(h: Harness) -> None:
    async with h.c.uow() as uow:
        for role, roles in STAFF_ROLES.items():
            await uow.counselors.add(Counselor(id=f"m-{role}", name=role, languages=["en"], roles=roles,
                                               telegram_id=TG[role]))
        await uow.commit()


def refused(text: str) -> bool:
    return any(r in text for r in REFUSALS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("role", ["resident", "counselor", "coordinator", "admin"])
async def test_staff_command_matrix(h: Harness, role: str, command: str) -> None:
    await add_staff(h)
    user = RESIDENT if role == "resident" else TG[role]
    held = {Role(r) for r in STAFF_ROLES.get(role, [])}
    expected_allowed = role != "resident" and bool(PERMISSIONS[COMMANDS[command]] & held)

    await h.send(f"/{command}", user=user)

    reply = h.tg.texts(user)[-1]
    assert refused(reply) is (not expected_allowed), reply


REFUSED_BUTTONS = [(role, head) for head in sorted(CALLBACK_ACTIONS) for role in ("resident", "admin")
                   if role == "resident" or Role.ADMIN not in PERMISSIONS[CALLBACK_ACTIONS[head]]]


@pytest.mark.parametrize(("role", "head"), REFUSED_BUTTONS)
async def test_card_buttons_refused_to_roles_without_the_permission(h: Harness, role: str, head: str) -> None:
    await add_staff(h)
    user = RESIDENT if role == "resident" else TG[role]

    await h.click(f"{head}:1:x", user)

    assert refused(h.tg.texts(user)[-1])
