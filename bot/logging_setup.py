"""Logging that never carries message text or Telegram names.

Our own code logs ids and event names only; third-party loggers that may echo request bodies
(httpx logs every Bot API URL, PTB logs updates at debug) are held at WARNING.
"""

from __future__ import annotations

import logging

NOISY = ("httpx", "httpcore", "telegram", "apscheduler", "aiohttp.access", "alembic")


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
