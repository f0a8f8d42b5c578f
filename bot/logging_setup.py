"""Logging that never carries message text or Telegram names.

Our own code logs ids and event names only. Third-party loggers that echo payloads are held at
WARNING, and a filter drops their records below WARNING even when someone turns every logger to
DEBUG: python-telegram-bot logs every update and Bot API call with the text and the sender's
first name and username at DEBUG; httpx logs each Bot API URL (with the bot token) at INFO; the
SQLAlchemy engine and aiosqlite log SQL parameters (chat ids, ciphertext) at INFO/DEBUG.
"""

from __future__ import annotations

import logging

NOISY = ("httpx", "httpcore", "telegram", "apscheduler", "aiohttp.access", "alembic", "bm25s", "jieba")
# Loggers whose records below WARNING may carry message text, names, chat ids or the bot token.
PAYLOAD_LOGGERS = ("telegram", "httpx", "httpcore", "sqlalchemy.engine", "aiosqlite")


def _is_payload_logger(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in PAYLOAD_LOGGERS)


class PayloadFilter(logging.Filter):
    """Drops payload-carrying third-party records below WARNING, whatever the logger's level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not _is_payload_logger(record.name)


PAYLOAD_FILTER = PayloadFilter()


def install_log_privacy() -> None:
    """Attach the filter to every payload logger that exists now and to the root's handlers.

    A logger's own filters run only for records it creates (not for its children's), so each
    existing logger gets one; the root handlers' filter catches loggers created later. Idempotent.
    """
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and _is_payload_logger(name):
            if PAYLOAD_FILTER not in logger.filters:
                logger.addFilter(PAYLOAD_FILTER)
    for handler in logging.getLogger().handlers:
        if PAYLOAD_FILTER not in handler.filters:
            handler.addFilter(PAYLOAD_FILTER)


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    # The root handlers' filter covers loggers created later, python-telegram-bot's included; the
    # server adds the logger-level filter to those too once it imports PTB (only with a token: the
    # import costs about 0.3 s of start-up that a web-only instance does not need).
    install_log_privacy()
