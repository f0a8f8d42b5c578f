"""handoff reasons and conversation risk memory encrypted at rest, like message text (issue 19, 6)

Revision ID: 0008_sealed_reasons
Revises: 0007_case_notes
Create Date: 2026-12-07

The matched crisis words ("want to kill myself", 跳楼) were kept as plain JSON. Each value moves
to a ciphertext column under the message key (bot/storage/sealed.py) and the plain column is
dropped. Existing rows need the key: `hotline db upgrade` and the server's start-up read it from
HOTLINE_SECRET_KEY (demo mode: ./var/demo.keys); an empty database needs none. The downgrade
decrypts what the key reads; a value it cannot read (no key, or a key since dropped) comes back
as an empty list with a warning: the words are a copy of message text, and a downgrade must not
stop on them (the test databases are downgraded to base with rows written under other keys).
"""

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0008_sealed_reasons"
down_revision = "0007_case_notes"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# (table, plain JSON column, ciphertext column)
SEALED = (("handoffs", "reasons", "reasons_enc"), ("conversations", "risk_memory", "risk_memory_enc"))


def _cipher(required: bool) -> Any:
    """The key the app uses: given by the caller (bot.storage.migrate) or from the settings."""
    given = context.config.attributes.get("cipher")
    if given is not None:
        return given
    from bot.bootstrap import resolve_keys
    from bot.crypto import Cipher
    from config.errors import ConfigError
    from config.settings import load_settings

    try:
        return Cipher(resolve_keys(load_settings())[0])
    except ConfigError:
        if required:
            raise
        return None


def _convert(table: str, source: tuple[str, Any], target: tuple[str, Any],
             change: Callable[[Any, Any], Any]) -> None:
    """Rewrite the target column from the source column, row by row (source, target: name, type)."""
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer), sa.column(*source), sa.column(*target))
    rows = list(conn.execute(sa.select(t.c.id, t.c[source[0]])))
    if not rows:
        return
    cipher = _cipher(required=change is _seal)
    unreadable = 0
    for row_id, value in rows:
        try:
            new = change(cipher, value)
        except ValueError:  # _unseal: no key reads it
            new, unreadable = [], unreadable + 1
        conn.execute(sa.update(t).where(t.c.id == row_id).values({target[0]: new}))
    if unreadable:
        log.warning("%s.%s: %d values no configured key reads came back empty", table, target[0], unreadable)


def _seal(cipher: Any, value: Any) -> bytes:
    from bot.storage.sealed import seal

    return seal(cipher, value if value is not None else [])


def _unseal(cipher: Any, token: Any) -> Any:
    from bot.storage.sealed import unseal

    if cipher is None and token is not None:
        raise ValueError("no key")
    return unseal(cipher, token) if token is not None else []


def upgrade() -> None:
    for table, plain, sealed in SEALED:
        op.add_column(table, sa.Column(sealed, sa.LargeBinary(), nullable=True))
        _convert(table, (plain, sa.JSON()), (sealed, sa.LargeBinary()), _seal)
        op.drop_column(table, plain)


def downgrade() -> None:
    for table, plain, sealed in SEALED:
        op.add_column(table, sa.Column(plain, sa.JSON(), nullable=False, server_default="[]"))
        _convert(table, (sealed, sa.LargeBinary()), (plain, sa.JSON()), _unseal)
        op.drop_column(table, sealed)
