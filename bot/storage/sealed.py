"""JSON columns kept encrypted at rest with the message key (issue 19 finding 6).

`handoffs.reasons` and `conversations.risk_memory` carry the words triage matched ("want to kill
myself", 跳楼): message text by another name, so they get the same protection as `text_enc`
(safety rule 5). Code reads and writes them as plain lists; the column type encrypts on the way
in and decrypts on the way out.

A column type sees only the value and the dialect, never the session, so the cipher is bound to
the engine's dialect (one per engine) by the unit of work that uses it (bot/storage/uow.py). An
engine nobody bound fails loudly rather than writing plaintext or reading garbage.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

from bot.crypto import Cipher

_CIPHERS: weakref.WeakKeyDictionary[Dialect, Cipher] = weakref.WeakKeyDictionary()


class SealedError(RuntimeError):
    """A sealed column was used on an engine no cipher is bound to."""


def bind_cipher(engine: AsyncEngine | None, cipher: Cipher) -> None:
    """Sealed columns on this engine encrypt and decrypt with `cipher` (the latest binding wins)."""
    if engine is not None:
        _CIPHERS[engine.sync_engine.dialect] = cipher


def _cipher(dialect: Dialect) -> Cipher:
    found = _CIPHERS.get(dialect)
    if found is None:
        raise SealedError("an encrypted column was used on an engine without a key: "
                          "open it through UnitOfWorkFactory (bot/storage/uow.py)")
    return found


def seal(cipher: Cipher, value: Any) -> bytes:
    return cipher.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def unseal(cipher: Cipher, token: bytes) -> Any:
    return json.loads(cipher.decrypt(bytes(token)))


class SealedJSON(TypeDecorator[Any]):
    """A JSON value stored as Fernet ciphertext (the same keys and rotation as message text)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else seal(_cipher(dialect), value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else unseal(_cipher(dialect), value)
