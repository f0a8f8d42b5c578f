"""Serving before the slow parts are loaded: /healthz says what is ready, the lexicon and rules
screen every message meanwhile (safety rule 1), and the loaded parts swap in afterwards.

The loaders are held back by an Event, so "still loading" is a state the test decides, not a race.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters.kb_adapter import STARTING, KnowledgeAdapter
from bot.adapters.triage_adapter import LOADING_NOTE, TriageAdapter
from bot.bootstrap import build
from bot.server import Server
from tests.e2e.conftest import e2e_settings
from tests.fakes.ports import StaticRota
from tests.web.conftest import CRISIS_EN, Browserish, Resident, real_engines

PARTS = {"database", "lexicon_rules", "knowledge_base", "classifier_zh", "classifier_en"}


class Held:
    """A loader that returns what `make` builds only once `release` is set."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make
        self.release = threading.Event()

    def __call__(self) -> Any:
        if not self.release.wait(120):
            raise TimeoutError("the test never released this loader")
        return self.make()


def broken_model() -> Any:
    raise OSError("model file unreadable")


@dataclass
class Starting:
    server: Server
    triage: TriageAdapter
    kb: KnowledgeAdapter
    triage_loader: Held
    kb_loader: Held

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    async def chat(self, text: str, until: Callable[[dict[str, Any]], bool]
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A resident sends `text` over the WebSocket: the first frame matching `until`, and every
        message frame seen by then."""
        tab = Browserish(self.base)
        try:
            r = Resident(tab)
            await r.connect()
            await r.send(text)
            return await r.wait(until, timeout=30), r.messages()
        finally:
            await tab.close()

    async def healthz(self) -> tuple[int, dict[str, str]]:
        async with aiohttp.ClientSession() as http:
            async with http.get(self.base + "/healthz") as resp:
                return resp.status, await resp.json()


@pytest.fixture
async def starting(db_url: str, tmp_path: Path) -> AsyncIterator[Starting]:
    """A real server whose classifier and knowledge base are still loading."""
    triage_loader = Held(lambda: real_engines()[0].engine)  # type: ignore[attr-defined]
    kb_loader = Held(lambda: real_engines()[1].kb)  # type: ignore[attr-defined]
    triage, kb = TriageAdapter(loader=triage_loader), KnowledgeAdapter(loader=kb_loader)
    rota = StaticRota(["c1"], coordinators=["k1"], timeout_s=120)
    server = Server(build(e2e_settings(db_url, tmp_path), triage=triage, kb=kb, rota=rota))
    await server.start("127.0.0.1", 0)
    yield Starting(server, triage, kb, triage_loader, kb_loader)
    triage_loader.release.set()
    kb_loader.release.set()
    await server.stop()


async def test_healthz_is_200_while_the_classifiers_and_knowledge_base_load(starting: Starting) -> None:
    status, body = await starting.healthz()

    assert status == 200
    assert set(body) == PARTS | {"status", "deferred_turns"}
    assert body == {"status": "loading", "database": "up", "lexicon_rules": "ready", "deferred_turns": 0,
                    "knowledge_base": "loading", "classifier_zh": "loading", "classifier_en": "loading"}


async def test_healthz_shows_each_part_ready_as_it_swaps_in(starting: Starting) -> None:
    kb_done = asyncio.create_task(asyncio.to_thread(starting.kb.load))
    triage_done = asyncio.create_task(asyncio.to_thread(starting.triage.load))

    starting.kb_loader.release.set()
    await kb_done
    _, middle = await starting.healthz()
    starting.triage_loader.release.set()
    await triage_done
    status, end = await starting.healthz()

    assert (middle["knowledge_base"], middle["classifier_zh"]) == ("ready", "loading")
    assert middle["status"] == "loading"
    assert status == 200
    assert end == {"status": "ok", "database": "up", "lexicon_rules": "ready", "knowledge_base": "ready",
                   "classifier_zh": "ready", "classifier_en": "ready", "deferred_turns": 0}


async def test_a_crisis_line_while_the_classifier_loads_gets_the_emergency_numbers_then_the_engine_swaps_in(
        starting: Starting) -> None:
    state, messages = await starting.chat(CRISIS_EN,
                                          lambda f: f["type"] == "state" and f["state"] == "waiting")
    urgent = [m["text"] for m in messages if m.get("urgent")]
    during = starting.triage.assess(CRISIS_EN)

    starting.triage_loader.release.set()
    await asyncio.to_thread(starting.triage.load)
    after = starting.triage.assess(CRISIS_EN)

    assert state["risk"] == "imminent"
    assert any("12356" in text for text in urgent)  # the first line of config/emergency.yaml
    assert during.level == "imminent" and LOADING_NOTE in during.reasons and not during.classifier_used
    assert after.level == "imminent" and after.classifier_used and LOADING_NOTE not in after.reasons


async def test_a_question_before_the_knowledge_base_is_loaded_gets_an_honest_not_yet(
        starting: Starting) -> None:
    reply, _ = await starting.chat("How can I manage stress before exams?",
                                   lambda f: f["type"] == "msg" and f["sender"] == "bot")

    assert STARTING["en"] in reply["text"]


async def test_parts_that_fail_to_load_leave_lexicon_and_rules_screening_and_say_so(
        db_url: str, tmp_path: Path) -> None:
    triage, kb = TriageAdapter(loader=broken_model), KnowledgeAdapter(loader=broken_model)
    rota = StaticRota(["c1"], coordinators=["k1"], timeout_s=120)
    server = Server(build(e2e_settings(db_url, tmp_path), triage=triage, kb=kb, rota=rota))
    await server.start("127.0.0.1", 0)
    try:
        await asyncio.to_thread(triage.load)
        await asyncio.to_thread(kb.load)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{server.port}/healthz") as resp:
                status, body = resp.status, await resp.json()
    finally:
        await server.stop()
    risk = triage.assess(CRISIS_EN)

    assert status == 200
    assert body == {"status": "degraded", "database": "up", "lexicon_rules": "ready", "deferred_turns": 0,
                    "knowledge_base": "failed", "classifier_zh": "failed", "classifier_en": "failed"}
    assert risk.level == "imminent"
    assert "classifier failed (OSError): lexicon and rules only" in risk.reasons
