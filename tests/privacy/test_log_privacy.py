"""Logs carry no message text and no Telegram names, even with every logger at DEBUG."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.logging_setup import PAYLOAD_FILTER, install_log_privacy
from bot.server import Server
from bot.storage.models import Resident
from tests.fakes.telegram_api import FakeTelegram
from tests.privacy.logcheck import all_loggers_at_debug, assert_logs_clean
from tests.privacy.test_at_rest import forms, raw_database_bytes

PHRASE = "marmalade-lighthouse 橘子灯塔 whispers"
FIRST_NAME = "Quillfeather"
USERNAME = "u7001"  # what the fake Bot API sends as the username of user 7001


def test_assert_logs_clean_names_the_leaking_logger() -> None:
    record = logging.LogRecord("telegram.ext", logging.DEBUG, __file__, 1, "update %s", (PHRASE,), None)

    with pytest.raises(AssertionError, match="telegram.ext DEBUG"):
        assert_logs_clean([record], [PHRASE])


def test_a_payload_logger_created_later_is_still_filtered_at_the_handler() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(PAYLOAD_FILTER)
    logger = logging.getLogger("telegram.ext.SomethingNew")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("Processing update %s", PHRASE)
        logger.warning("Bot API unreachable")
    finally:
        logger.removeHandler(handler)

    assert out.getvalue() == "Bot API unreachable\n"


def test_logging_setup_leaves_python_telegram_bot_unimported() -> None:
    """A web-only instance never pays for importing PTB (about 0.3 s of start-up)."""
    code = ("import sys; from bot.logging_setup import setup_logging; setup_logging('WARNING'); "
            "print(sorted(m for m in sys.modules if m == 'telegram' or m.startswith('telegram.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"


async def test_a_server_with_telegram_filters_each_ptb_logger(server: Server) -> None:
    """Once the server imports PTB for its token, PTB's own loggers carry the filter as well as
    the root handlers (a logger's filters are what a handler added to it directly would see)."""
    ptb = [logger for name, logger in logging.root.manager.loggerDict.items()
           if isinstance(logger, logging.Logger) and name.startswith("telegram")]

    assert server.telegram is not None and ptb
    assert all(PAYLOAD_FILTER in logger.filters for logger in ptb)


async def test_telegram_path_logs_neither_the_text_nor_the_name_at_debug(
    server: Server, fake_tg: FakeTelegram, caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_privacy()  # what `hotline serve` does through setup_logging
    with all_loggers_at_debug(caplog):
        await fake_tg.push_text(7001, f"hello {PHRASE}", first_name=FIRST_NAME)
        await fake_tg.wait_for(lambda: fake_tg.texts(7001))
        await server.container.dispatcher.deliver_due()

    assert len(caplog.records) > 10  # loggers really were at DEBUG: this test can fail
    assert_logs_clean(caplog.records, [PHRASE, *PHRASE.split(), FIRST_NAME, USERNAME])


async def test_telegram_names_and_text_are_not_stored_in_the_database(
    server: Server, fake_tg: FakeTelegram, db_url: str,
) -> None:
    await fake_tg.push_text(7002, f"hello {PHRASE}", first_name=FIRST_NAME)
    await fake_tg.wait_for(lambda: fake_tg.texts(7002))

    async with server.container.uow() as u:
        stored = list(await u.session.scalars(select(Resident.pseudonym)))
    raw = raw_database_bytes(db_url)

    assert stored and all(p.encode() in raw for p in stored)  # the scan sees stored rows
    for secret in (PHRASE, *PHRASE.split(), FIRST_NAME, "u7002"):
        assert not [form for form in forms(secret) if form in raw], secret
