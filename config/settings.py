"""Process settings from the environment (prefix HOTLINE_) with safe defaults.

Every number with clinical or operational weight that is not per-file YAML lives here,
with a comment on where its default comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.errors import ConfigError
from config.loader import CONFIG_DIR

DEFAULT_DB_URL = "sqlite+aiosqlite:///./var/hotline.db"


class Settings(BaseSettings):
    """Settings read from HOTLINE_* environment variables (and an optional .env file)."""

    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="forbid", env_file=None)

    database_url: str = DEFAULT_DB_URL
    telegram_token: str | None = None
    # Passed to python-telegram-bot's ApplicationBuilder.base_url as is (tests point it at the fake).
    telegram_base_url: str = "https://api.telegram.org/bot"
    # Webhook mode (several instances): Telegram POSTs updates to this public https URL, which the
    # reverse proxy sends to any instance's /telegram/webhook; unset = long polling (one instance).
    telegram_webhook_url: str | None = None
    # Checked on every webhook update (X-Telegram-Bot-Api-Secret-Token); Telegram allows 1-256
    # characters of A-Z a-z 0-9 _ -. Required with the URL.
    telegram_webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{16,256}$")
    # PostgreSQL connections per instance: pool_size kept open, max_overflow more under load. Every
    # instance also holds two of its own (leader lock, event bus), so instances x (both + 2) must stay
    # under the server's max_connections minus its reserved ones (100 - 3 by default).
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=20, ge=0, le=200)
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    # Demo mode may create its own keys under ./var; production refuses to start without them.
    demo: bool = False
    var_dir: Path = Path("var")
    # Comma-separated Fernet keys, newest first (MultiFernet): rotation adds a key in front.
    secret_key: str | None = None
    # Key for the HMAC that turns a channel's user id into the stored pseudonym.
    pseudonym_key: str | None = None
    config_dir: Path = CONFIG_DIR
    log_level: str = "INFO"
    # Bound on one resident message; Telegram's own limit is 4096 characters.
    max_message_chars: int = Field(default=4000, ge=100)
    # Outbox delivery: attempts before a message is parked for a human to look at.
    outbox_max_attempts: int = Field(default=20, ge=1)
    # Several instances: how long a row claimed by one instance is kept from the others. Longer
    # than any one send (Telegram calls time out within seconds); a dead instance's rows wait this long.
    outbox_lease_s: float = Field(default=30.0, ge=5, le=600)
    # While a resident waits for a counselor, a caring line this often (WHO psychological first
    # aid: stay with the person; two minutes is short enough that nobody feels forgotten).
    care_interval_s: float = Field(default=120.0, ge=10)
    # A turn that cannot reach the database within this many seconds counts as "database down":
    # an imminent message then gets the emergency numbers straight through the channel.
    db_turn_timeout_s: float = Field(default=5.0, ge=0.5, le=60)
    # Web sessions: encrypted cookies (a Fernet key; demo mode derives one under ./var).
    session_key: str | None = None
    # Secure cookies and HSTS: on unless demo mode (plain HTTP on localhost); set false only for a
    # test or a trusted plain-HTTP network, true/false to force (probe finding 7).
    cookie_secure: bool | None = None
    # Prometheus scrapes /metrics with `Authorization: Bearer <this>`; unset: only an admin's session.
    metrics_token: str | None = Field(default=None, min_length=16)
    # Where the chat's quick-exit button goes: a neutral page (the default is served locally).
    quick_exit_url: str = "/leave"
    # Staff password hashing: "standard" is argon2id with the library's recommended parameters
    # (about 0.2 s of CPU a hash here). "test" is argon2's cheapest profile, for test suites only,
    # which hash and verify hundreds of logins (the web app logs a warning when it is set).
    password_hash_cost: Literal["standard", "test"] = "standard"

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies carry Secure (and HSTS is sent): cookie_secure when set, else on
        everywhere but demo mode (the probe found it off by default, with no HSTS)."""
        return self.cookie_secure if self.cookie_secure is not None else not self.demo


def load_settings(**overrides: object) -> Settings:
    """Build Settings; a bad value becomes a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "HOTLINE_" + str(err["loc"][0]).upper() if err["loc"] else None
        raise ConfigError("environment", name, err["msg"]) from None
