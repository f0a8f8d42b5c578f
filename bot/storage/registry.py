"""Import every table module so `Base.metadata` is complete (Alembic and tests need all of it)."""

from __future__ import annotations

import importlib
import pkgutil

import bot.storage as storage_pkg
from bot.storage.models import Base


def load_all_tables() -> type[Base]:
    """models.py, every `*_tables.py` module in bot/storage (rota_tables.py, ...), bot/privacy/tables.py."""
    for info in pkgutil.iter_modules(storage_pkg.__path__):
        if info.name.endswith("_tables"):
            importlib.import_module(f"bot.storage.{info.name}")
    importlib.import_module("bot.privacy.tables")  # anonymous counts kept by retention and /forget
    return Base
