"""Staff passwords: argon2id with the recommended parameters unless a test suite asks for less."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import extract_parameters, profiles

from bot.web import auth
from config.settings import load_settings


@pytest.fixture
def cost() -> Iterator[None]:
    yield
    auth.configure_hashing("test")  # what tests/conftest.py asks for the rest of the suite


def test_a_deployment_hashes_with_the_recommended_parameters(
        cost: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTLINE_PASSWORD_HASH_COST", raising=False)
    auth.configure_hashing(load_settings().password_hash_cost)

    stored = auth.hash_password("a long passphrase")

    params = extract_parameters(stored)
    assert params.type == profiles.RFC_9106_LOW_MEMORY.type
    assert (params.time_cost, params.memory_cost) == (3, 65536)
    assert auth.verify_password(stored, "a long passphrase")
    assert not auth.verify_password(stored, "a wrong one")


def test_a_test_hash_is_rehashed_at_the_first_login_once_standard_is_back(cost: None) -> None:
    auth.configure_hashing("test")
    cheap = auth.hash_password("pw")
    assert extract_parameters(cheap).memory_cost == profiles.CHEAPEST.memory_cost
    assert not auth.needs_rehash(cheap)

    auth.configure_hashing("standard")

    assert auth.verify_password(cheap, "pw")  # a hash keeps its own parameters
    assert auth.needs_rehash(cheap)  # so bot/web/login.py upgrades it at the next login


def test_an_unknown_cost_is_a_config_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_PASSWORD_HASH_COST", "none")

    with pytest.raises(Exception, match="HOTLINE_PASSWORD_HASH_COST"):
        load_settings()
