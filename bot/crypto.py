"""Message text at rest: Fernet (AES-128-CBC + HMAC) with MultiFernet so keys can rotate.

Pseudonyms: HMAC-SHA256 of (channel, channel user id) under a separate key, so the database
never holds a Telegram id, name or username.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from config.errors import ConfigError


class Cipher:
    """Encrypts with the first key, decrypts with any; `rotate` re-encrypts with the first."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigError("environment", "HOTLINE_SECRET_KEY", "no encryption key configured")
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys])
        except ValueError:
            raise ConfigError(
                "environment", "HOTLINE_SECRET_KEY", "not a Fernet key (32 url-safe base64 bytes)"
            ) from None

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken:
            # Never silently show garbage: the caller decides what a reader sees.
            raise ValueError("message cannot be decrypted with the configured keys") from None

    def rotate(self, token: bytes) -> bytes:
        return self._fernet.rotate(bytes(token))


def new_key() -> str:
    return Fernet.generate_key().decode()


def pseudonym(key: bytes, channel: str, user_id: str) -> str:
    """Stable pseudonymous id for a resident; the raw id cannot be recovered from it."""
    return hmac.new(key, f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()


def demo_keys(var_dir: Path) -> tuple[str, str]:
    """Create (once) and read the demo Fernet key and pseudonym key under ./var/ for `make run`."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "demo.keys"
    if not path.exists():
        path.write_text(f"{new_key()}\n{secrets.token_urlsafe(32)}\n", encoding="utf-8")
        path.chmod(0o600)
    fernet_key, pseudo_key = path.read_text(encoding="utf-8").split()[:2]
    return fernet_key, pseudo_key
