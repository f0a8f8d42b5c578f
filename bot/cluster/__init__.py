"""Several `hotline serve` instances on one PostgreSQL: who delivers, who runs the timers."""

from __future__ import annotations

import os
import socket
import uuid


def instance_id() -> str:
    """A name for this process, unique across restarts: host, pid and a random tail.

    A restarted process must not inherit its predecessor's outbox claims, hence the random tail.
    """
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
