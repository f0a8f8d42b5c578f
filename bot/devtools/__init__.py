"""Development tools shipped with the project: the fake Telegram Bot API (tests, benchmarks)."""
