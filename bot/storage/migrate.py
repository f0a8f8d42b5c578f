"""Run Alembic programmatically (no alembic.ini needed): `hotline db upgrade` and friends."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from bot.storage.engine import ensure_sqlite_dir

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str, cipher: Any = None) -> Config:
    """`cipher` (a bot.crypto.Cipher): the key for migrations that encrypt existing rows
    (0008_sealed_reasons); without one they read it from the settings when rows need it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if cipher is not None:
        cfg.attributes["cipher"] = cipher
    return cfg


def upgrade(url: str, revision: str = "head", cipher: Any = None) -> None:
    ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url, cipher), revision)


def downgrade(url: str, revision: str, cipher: Any = None) -> None:
    command.downgrade(alembic_config(url, cipher), revision)


async def upgrade_async(url: str, revision: str = "head", cipher: Any = None) -> None:
    """For async callers (tests, the server start-up): Alembic itself runs its own loop."""
    await asyncio.to_thread(upgrade, url, revision, cipher)

