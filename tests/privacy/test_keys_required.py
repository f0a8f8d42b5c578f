"""Outside demo mode nothing starts without the encryption and pseudonym keys; demo mode makes its own."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bootstrap import resolve_keys
from bot.crypto import Cipher, new_key
from config.errors import ConfigError
from config.settings import load_settings


def hotline_serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    clean.update({"HOTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
                  "HOTLINE_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "serve", "--port", "0"], env=clean,
                          capture_output=True, text=True, timeout=60, check=False)


def test_serve_without_a_secret_key_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = hotline_serve(tmp_path)

    assert result.returncode == 2
    assert "HOTLINE_SECRET_KEY" in result.stderr and "hotline keys new" in result.stderr
    assert not (tmp_path / "var").exists()  # no demo key was made behind the operator's back


def test_serve_with_a_secret_key_but_no_pseudonym_key_exits_2_naming_it(tmp_path: Path) -> None:
    result = hotline_serve(tmp_path, HOTLINE_SECRET_KEY=new_key())

    assert result.returncode == 2 and "HOTLINE_PSEUDONYM_KEY" in result.stderr


def test_keys_list_is_newest_first_and_blank_entries_are_ignored() -> None:
    new, old = new_key(), new_key()

    keys, pseudo = resolve_keys(load_settings(secret_key=f"{new}, ,{old}", pseudonym_key="p"))

    assert keys == [new, old]
    assert Cipher([keys[0]]).decrypt(Cipher(keys).encrypt("x")) == "x"  # writes use the newest
    assert pseudo == b"p"


def test_demo_mode_creates_private_keys_under_var_once(tmp_path: Path) -> None:
    settings = load_settings(demo=True, var_dir=tmp_path / "var")

    first = resolve_keys(settings)
    second = resolve_keys(settings)

    assert first == second
    mode = stat.S_IMODE((tmp_path / "var" / "demo.keys").stat().st_mode)
    assert mode == 0o600


def test_a_value_that_is_not_a_fernet_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="HOTLINE_SECRET_KEY"):
        Cipher(["not-a-key"])
