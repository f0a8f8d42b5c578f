"""The real server and the fake Bot API from the e2e tests, for the log-privacy test."""

from tests.e2e.conftest import fake_tg, server  # noqa: F401
