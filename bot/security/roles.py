"""Who may do what, decided in one place (safety rule 5: text shown only to roles that need it).

Every service-layer entry point that acts for a person calls `require(actor, action)`; routes and
Telegram commands never decide permissions on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    COUNSELOR = "counselor"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


R, C, K, A = Role.RESIDENT, Role.COUNSELOR, Role.COORDINATOR, Role.ADMIN

# action -> roles allowed. Coordinators are counselors too in a small network, so staff actions
# are open to them; admins manage accounts and keys but hold no chats by default.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "chat": frozenset({R}),
    "forget_self": frozenset({R}),
    "handoff.accept": frozenset({C, K}),
    "handoff.decline": frozenset({C, K}),
    "handoff.relay": frozenset({C, K}),
    "handoff.close": frozenset({C, K}),
    "handoff.transfer": frozenset({C, K}),
    "handoff.handback": frozenset({C, K}),
    "handoff.queue": frozenset({C, K}),
    # Watch a live chat held by a colleague and join it (audited; the resident is told on join).
    "handoff.supervise": frozenset({K}),
    "conversation.read": frozenset({C, K}),  # plus: only conversations they hold or held
    "duty.toggle": frozenset({C, K}),
    "swap.request": frozenset({C, K}),
    "rota.view": frozenset({C, K, A}),
    "rota.oncall": frozenset({K, A}),
    "rota.gaps": frozenset({K, A}),
    "rota.override": frozenset({K, A}),
    "rota.swap_approve": frozenset({K, A}),
    "rota.edit": frozenset({K, A}),
    "invite.create": frozenset({K, A}),
    "reports.view": frozenset({K, A}),
    "handoff.board": frozenset({K, A}),
    "handoff.assign": frozenset({K, A}),  # live board: offer or hand a chat to a named counselor on duty
    "counselor.manage": frozenset({K, A}),
    "audit.view": frozenset({A}),
    "metrics.read": frozenset({A}),  # /metrics (a scraper uses HOTLINE_METRICS_TOKEN instead)
    "user.manage": frozenset({A}),  # add, edit, deactivate accounts; one-time password codes
    "export": frozenset({K, A}),
}


class Forbidden(Exception):
    """The actor's role does not allow the action. The message is safe to show."""


@dataclass(frozen=True)
class Actor:
    kind: str  # "resident" | "staff"
    id: str  # pseudonym for residents, counselor id for staff
    roles: frozenset[Role]

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"


def allowed(actor: Actor, action: str) -> bool:
    roles = PERMISSIONS.get(action)
    if roles is None:
        return False  # unknown actions are refused, never silently allowed
    return bool(actor.roles & roles)


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        raise Forbidden(f"not allowed: {action}")


def staff_actor(counselor_id: str, roles: list[str]) -> Actor:
    known = {r.value for r in Role}
    return Actor("staff", counselor_id, frozenset(Role(r) for r in roles if r in known))
