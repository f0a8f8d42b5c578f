"""Slow parts (the knowledge base, the classifiers) loaded in one thread after the server listens.

Measured on 2 cores (`hotline bench startup`): importing torch and transformers and loading the
models takes about 6.5 s and the knowledge base about 3 s, against about 1 s for the lexicon and
rules. `hotline serve` calls `enable()` before `bootstrap.build()`: the adapters built then start
with what is ready at once (the lexicon and rules screen every message: safety rule 1) and queue
their slow load here; `bot.server.Server` calls `start()` once the port is open. Anywhere else
(tests, benches, the CLI) nothing is enabled and the adapters load fully before returning.

One thread, loads in the order given: the knowledge base first (it answers most messages), and no
two loads fight each other for the interpreter while the other is half done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

log = logging.getLogger(__name__)

State = Literal["loading", "ready", "failed"]

_enabled = False
_queued: list[tuple[int, Callable[[], None]]] = []
_lock = threading.Lock()


def enable() -> None:
    """From now on adapters queue their slow load instead of doing it (`hotline serve` only)."""
    global _enabled
    _enabled = True


def enabled() -> bool:
    return _enabled


def queue(order: int, load: Callable[[], None]) -> None:
    """Run `load` in the loader thread once `start()` is called (lower `order` first)."""
    with _lock:
        _queued.append((order, load))


def start() -> threading.Thread | None:
    """Start the loader thread for everything queued so far; None when nothing is queued."""
    with _lock:
        loads = [load for _, load in sorted(_queued, key=lambda q: q[0])]
        _queued.clear()
    if not loads:
        return None

    def run() -> None:
        for load in loads:
            load()  # each load catches its own failure and records it (see the adapters)

    thread = threading.Thread(target=run, name="hotline-loader", daemon=True)
    thread.start()
    return thread
