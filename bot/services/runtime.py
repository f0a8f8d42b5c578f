"""What every service needs to run one unit of work: the transaction factory, the clock, and the
effects carried out once the transaction has committed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.conversation.effects import Effects
from bot.conversation.ports import Sender
from bot.storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class Runtime:
    uow: UnitOfWorkFactory
    clock: Clock
    effects: Effects


@dataclass(frozen=True)
class EmergencyLine:
    """The emergency numbers per language (config/emergency.yaml), and the channels' senders for
    sending them straight when the database is down (safety rule 1)."""

    texts: dict[str, str]
    senders: dict[str, Sender]
