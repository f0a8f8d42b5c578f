"""The dashboard's rota over the scheduling package and its tables (adapter; see rota_source)."""

from __future__ import annotations

from typing import Any

from bot.web.admin.rota_source import RotaUnavailable


class DatabaseRota:
    def __init__(self, uow: Any, settings: Any) -> None:
        self.uow, self.settings = uow, settings

    def __getattr__(self, name: str) -> Any:
        async def unavailable(*args: Any, **kwargs: Any) -> Any:
            raise RotaUnavailable("The rota is not set up yet: import one with `hotline rota import FILE`.")
        return unavailable
