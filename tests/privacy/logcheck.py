"""Check captured log records for text that must never be logged (message text, Telegram names).

Usage in any test with pytest's `caplog`:
    with all_loggers_at_debug(caplog): ...drive the server...
    assert_logs_clean(caplog.records, [phrase, first_name])
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pytest


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for this record: message, arguments, exception, extras."""
    parts = [record.getMessage(), repr(record.args), record.name]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    standard = logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    parts.extend(repr(v) for k, v in record.__dict__.items() if k not in standard)
    return "\n".join(parts)


def assert_logs_clean(records: Iterable[logging.LogRecord], forbidden: list[str]) -> None:
    """Fail naming the logger and level of every record that contains a forbidden string."""
    needles = [f for f in forbidden if f]
    hits = []
    for record in records:
        text = record_text(record)
        found = [n for n in needles if n in text or n.encode("unicode_escape").decode() in text]
        if found:
            hits.append(f"{record.name} {record.levelname}: contains {found}: {text[:200]!r}")
    assert not hits, "log records leak forbidden text:\n" + "\n".join(hits)


@contextmanager
def all_loggers_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every logger that exists now (ours, PTB, httpx, aiohttp, SQLAlchemy) at DEBUG, restored after."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
    caplog.set_level(logging.DEBUG)
    try:
        yield
    finally:
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled
