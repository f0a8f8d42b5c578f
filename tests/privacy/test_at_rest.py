"""Acceptance: message text is never in the database in plain, and survives a key rotation.

The raw SQLite file (with its WAL) and a pg_dump of the PostgreSQL database are scanned for a
distinctive phrase written through the repositories; then `keys rotate` runs (as a function and as
the CLI) and everything reads back with the new key alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Cipher, new_key
from bot.privacy.audit import verify_chain
from bot.privacy.rotation import rotate_all
from bot.storage.engine import session_factory
from bot.storage.models import Conversation, OutboxItem
from bot.storage.repositories import AuditRepo
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.clock import FakeClock

PHRASE = "violet-harbour 紫罗兰港口 quokka-lantern"
PSEUDONYM = "pseudo-at-rest-check"


async def write_distinctive(uow: UnitOfWorkFactory, n: int = 3) -> int:
    """n messages and n outbox payloads carrying PHRASE; returns the conversation id."""
    now = FakeClock().now()
    async with uow() as u:
        resident = await u.residents.get_or_create(PSEUDONYM, "telegram", now)
        conv = await u.conversations.add(Conversation(
            resident_id=resident.id, channel="telegram", chat_key="chat-at-rest", created_at=now,
            updated_at=now))
        for i in range(n):
            await u.messages.add(conv.id, "resident", f"{PHRASE} #{i}", now)
            await u.outbox.add("telegram", "chat-at-rest", {"text": f"{PHRASE} reply #{i}"}, now)
        await u.commit()
        return conv.id


def forms(phrase: str) -> list[bytes]:
    """The phrase as UTF-8, as JSON with \\u escapes, as hex (pg_dump writes bytea as hex, so
    text stored unencrypted in a binary column would show so), and each word of it."""
    out = {phrase.encode(), json.dumps(phrase).encode()}
    out.update(part.encode() for part in phrase.split())
    out.update(json.dumps(part).strip('"').encode() for part in phrase.split())
    out.update(part.encode().hex().encode() for part in phrase.split())
    return sorted(out)


def raw_database_bytes(db_url: str) -> bytes:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        base = Path(str(url.database))
        files = [p for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists()]
        return b"".join(p.read_bytes() for p in files)
    dump = subprocess.run(
        ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
         "-U", url.username or "postgres", "--no-owner", str(url.database)],
        capture_output=True, timeout=60, check=True,
        env={**os.environ, "PGPASSWORD": url.password or ""})
    return dump.stdout


async def read_all(engine: AsyncEngine, keys: list[str], conv_id: int) -> tuple[list[str], list[str]]:
    uow = UnitOfWorkFactory(session_factory(engine), Cipher(keys))
    async with uow() as u:
        texts = [t for _, t in await u.messages.recent(conv_id, limit=100)]
        items = list(await u.session.scalars(select(OutboxItem).order_by(OutboxItem.id)))
        payloads = [u.outbox.payload(item)["text"] for item in items]
    return texts, payloads


async def test_plaintext_is_not_in_the_raw_database(uow: UnitOfWorkFactory, engine: AsyncEngine,
                                                    db_url: str) -> None:
    await write_distinctive(uow)
    await engine.dispose()  # close connections so SQLite's file and WAL hold everything written

    raw = raw_database_bytes(db_url)

    assert PSEUDONYM.encode() in raw  # the scan sees the rows: this test can fail
    leaked = [form for form in forms(PHRASE) if form in raw]
    assert leaked == []


async def test_rotate_rewrites_every_row_so_the_new_key_alone_reads_them(
    engine: AsyncEngine, db_url: str,
) -> None:
    old, new = new_key(), new_key()
    conv_id = await write_distinctive(UnitOfWorkFactory(session_factory(engine), Cipher([old])), n=7)

    report = await rotate_all(session_factory(engine), [new, old], batch_size=3)
    again = await rotate_all(session_factory(engine), [new, old], batch_size=3)

    # The conversation's risk memory is sealed too (test_sealed_reasons.py), so it rotates with them.
    assert report.rotated == {"messages": 7, "outbox": 7, "conversations": 1} and report.done
    assert again.rotated == {} and again.already_new == {"messages": 7, "outbox": 7, "conversations": 1}
    texts, payloads = await read_all(engine, [new], conv_id)
    assert texts == [f"{PHRASE} #{i}" for i in range(7)]
    assert payloads == [f"{PHRASE} reply #{i}" for i in range(7)]
    await engine.dispose()
    assert not [form for form in forms(PHRASE) if form in raw_database_bytes(db_url)]


async def test_an_interrupted_rotation_finishes_when_run_again(engine: AsyncEngine) -> None:
    old, new = new_key(), new_key()
    conv_id = await write_distinctive(UnitOfWorkFactory(session_factory(engine), Cipher([old])), n=5)

    def crash_after_first_batch(label: str, n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await rotate_all(session_factory(engine), [new, old], batch_size=2, progress=crash_after_first_batch)
    resumed = await rotate_all(session_factory(engine), [new, old], batch_size=2)

    assert resumed.rotated == {"messages": 3, "outbox": 5, "conversations": 1}  # 1st batch committed
    assert resumed.already_new == {"messages": 2}
    texts, _ = await read_all(engine, [new], conv_id)
    assert len(texts) == 5


async def test_rows_no_key_can_read_are_reported_and_left_alone(engine: AsyncEngine) -> None:
    lost, new = new_key(), new_key()
    await write_distinctive(UnitOfWorkFactory(session_factory(engine), Cipher([lost])), n=2)

    report = await rotate_all(session_factory(engine), [new], batch_size=10)

    assert not report.done and len(report.unreadable["messages"]) == 2 and report.rotated == {}


def hotline(args: list[str], db_url: str, keys: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOTLINE_DATABASE_URL": db_url, "HOTLINE_SECRET_KEY": ",".join(keys),
           "HOTLINE_PSEUDONYM_KEY": "test-pseudonym-key"}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


async def test_cli_rotate_then_check_says_the_old_key_can_go(engine: AsyncEngine, db_url: str) -> None:
    old, new = new_key(), new_key()
    conv_id = await write_distinctive(UnitOfWorkFactory(session_factory(engine), Cipher([old])), n=4)

    before = hotline(["keys", "rotate", "--check"], db_url, [new, old])
    rotated = hotline(["keys", "rotate", "--batch-size", "3"], db_url, [new, old])
    after = hotline(["keys", "rotate", "--check"], db_url, [new])

    assert before.returncode == 1 and "messages: 4 need rotation" in before.stdout
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "messages: 4 re-encrypted" in rotated.stdout
    assert after.returncode == 0 and "remove the old keys" in after.stdout
    texts, payloads = await read_all(engine, [new], conv_id)
    assert texts[0] == f"{PHRASE} #0" and payloads[3] == f"{PHRASE} reply #3"


async def test_rows_written_during_rotation_by_a_server_on_the_new_key_read_with_it_alone(
    engine: AsyncEngine,
) -> None:
    old, new = new_key(), new_key()
    conv_id = await write_distinctive(UnitOfWorkFactory(session_factory(engine), Cipher([old])), n=6)
    live = UnitOfWorkFactory(session_factory(engine), Cipher([new, old]))  # restarted server
    written: list[int] = []

    async def server_writes() -> None:
        async with live() as u:
            msg = await u.messages.add(conv_id, "resident", f"during rotation {len(written)}",
                                       FakeClock().now())
            await u.commit()
            written.append(msg.id)

    pending: list[asyncio.Task[None]] = []

    def after_each_batch(label: str, n: int) -> None:
        pending.append(asyncio.ensure_future(server_writes()))  # runs at the rotation's next await

    report = await rotate_all(session_factory(engine), [new, old], batch_size=2, progress=after_each_batch)
    await asyncio.gather(*pending)
    check = await rotate_all(session_factory(engine), [new], write=False)

    assert report.rotated["messages"] == 6 and len(written) >= 4
    assert check.rotated == {} and check.done
    texts, _ = await read_all(engine, [new], conv_id)
    assert len(texts) == 6 + len(written)


async def test_a_rotation_is_on_the_audit_trail_and_the_chain_still_verifies(engine: AsyncEngine) -> None:
    old, new = new_key(), new_key()
    await write_distinctive(UnitOfWorkFactory(session_factory(engine), Cipher([old])), n=2)

    await rotate_all(session_factory(engine), [new, old], clock=FakeClock())

    async with session_factory(engine)() as session:
        entries = await AuditRepo(session).all()
    assert [(e.actor, e.action, e.detail["rotated"]) for e in entries] == \
        [("system:keys", "keys.rotate", {"messages": 2, "outbox": 2, "conversations": 1})]
    assert verify_chain(entries).ok
