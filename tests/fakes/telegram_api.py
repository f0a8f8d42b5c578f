"""The fake Telegram Bot API lives in bot/devtools so benchmarks can use it too."""

from bot.devtools.fake_telegram import FakeTelegram

__all__ = ["FakeTelegram"]
