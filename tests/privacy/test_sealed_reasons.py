"""Issue 19 finding 6: the crisis words triage matched (handoffs.reasons, conversations.risk_memory)
are encrypted at rest like message text; the migration converts existing rows, and `keys rotate`
and the raw-file scan cover them.

Before the fix the raw SQLite file and pg_dump held the reasons as plain JSON (the probe found
跳楼 and "want to kill myself" there); these tests scan the same raw bytes as test_at_rest.py.
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import Cipher, new_key
from bot.privacy.rotation import rotate_all
from bot.storage import migrate
from bot.storage.engine import create_engine, session_factory
from bot.storage.models import Conversation, Handoff
from bot.storage.uow import UnitOfWorkFactory
from tests.fakes.clock import FakeClock
from tests.privacy.test_at_rest import forms, raw_database_bytes

WORDS = "跳楼 want to kill myself ochre-pelican"
REASONS = [f'matched "{WORDS}"', "plan with means"]
MEMORY = [{"t": 1.0, "level": "imminent", "reasons": [f'matched "{WORDS}"']}]
SEALING = "0008_sealed_reasons"


def before_sealing() -> str:
    """The revision just before the sealing migration (whatever number it ends up with)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    down = script.get_revision(SEALING).down_revision
    assert isinstance(down, str)
    return down


async def write_case(uow: UnitOfWorkFactory) -> tuple[int, int]:
    """A conversation with risk memory and a handoff with reasons; returns their ids."""
    now = FakeClock().now()
    async with uow() as u:
        resident = await u.residents.get_or_create("pseudo-sealed", "web", now)
        conv = await u.conversations.add(Conversation(
            resident_id=resident.id, channel="web", chat_key="chat-sealed", created_at=now,
            updated_at=now, risk_memory=MEMORY))
        h = await u.handoffs.add(Handoff(conversation_id=conv.id, level="imminent", reasons=REASONS,
                                         created_at=now))
        await u.commit()
        return conv.id, h.id


def leaked(db_url: str) -> list[bytes]:
    raw = raw_database_bytes(db_url)
    assert b"chat-sealed" in raw  # the scan sees the rows: this test can fail
    # Two-letter words ("to") turn up in any dump by chance; every longer form must not.
    return [form for form in forms(WORDS) if form in raw and len(form) >= 6]


async def test_reasons_and_risk_memory_are_not_in_the_raw_database(
        uow: UnitOfWorkFactory, engine: AsyncEngine, db_url: str) -> None:
    ids = await write_case(uow)
    await engine.dispose()

    assert leaked(db_url) == []
    assert await read_case_with(uow, ids) == (MEMORY, REASONS)


async def read_case_with(uow: UnitOfWorkFactory, ids: tuple[int, int]) -> tuple[object, object]:
    async with uow() as u:
        conv = await u.session.get(Conversation, ids[0])
        h = await u.session.get(Handoff, ids[1])
        assert conv is not None and h is not None
        return conv.risk_memory, h.reasons


def _insert_plain_rows(url: str) -> None:
    """Rows as the schema before the migration kept them: reasons and memory as plain JSON."""
    async def run() -> None:
        eng = create_engine(url)
        async with eng.begin() as conn:
            await conn.execute(text(
                "INSERT INTO residents (id, pseudonym, channel, created_at) "
                "VALUES (1, 'pseudo-sealed', 'web', '2026-12-07 06:00:00')"))
            await conn.execute(text(
                "INSERT INTO conversations (id, resident_id, channel, chat_key, state, lang, risk_level,"
                " risk_memory, version, created_at, updated_at) VALUES (1, 1, 'web', 'chat-sealed',"
                " 'waiting', 'zh', 'imminent', :memory, 0, '2026-12-07 06:00:00', '2026-12-07 06:00:00')"),
                {"memory": json.dumps(MEMORY, ensure_ascii=False)})
            for hid, reasons in ((1, REASONS), (2, [])):
                await conn.execute(text(
                    "INSERT INTO handoffs (id, conversation_id, state, level, reasons, policy, step,"
                    " step_repeat, version, offered_to, declined_by, lang, created_at) VALUES (:id, 1,"
                    " 'requested', 'imminent', :reasons, '{}', 0, 0, 0, '[]', '[]', 'zh',"
                    " '2026-12-07 06:00:00')"), {"id": hid, "reasons": json.dumps(reasons)})
        await eng.dispose()

    asyncio.run(run())


async def test_the_migration_encrypts_existing_rows_and_the_downgrade_restores_them(
        empty_db_url: str) -> None:
    cipher = Cipher([new_key()])
    await asyncio.to_thread(migrate.upgrade, empty_db_url, before_sealing())
    await asyncio.to_thread(_insert_plain_rows, empty_db_url)
    assert leaked(empty_db_url)  # the plain words are there before: the scan can see them

    await asyncio.to_thread(migrate.upgrade, empty_db_url, "head", cipher)

    assert leaked(empty_db_url) == []
    engine = create_engine(empty_db_url)
    uow = UnitOfWorkFactory(session_factory(engine), cipher)
    assert await read_case_with(uow, (1, 1)) == (MEMORY, REASONS)
    async with uow() as u:
        empty = await u.session.get(Handoff, 2)
        assert empty is not None and empty.reasons == []
    await engine.dispose()

    await asyncio.to_thread(migrate.downgrade, empty_db_url, before_sealing(), cipher)
    engine = create_engine(empty_db_url)
    async with engine.connect() as conn:
        plain = (await conn.execute(text("SELECT reasons FROM handoffs WHERE id = 1"))).scalar_one()
    await engine.dispose()
    assert (json.loads(plain) if isinstance(plain, str) else plain) == REASONS


async def test_rotation_rewrites_reasons_and_memory_so_the_new_key_alone_reads_them(
        engine: AsyncEngine, db_url: str) -> None:
    old, new = new_key(), new_key()
    ids = await write_case(UnitOfWorkFactory(session_factory(engine), Cipher([old])))

    report = await rotate_all(session_factory(engine), [new, old])

    assert report.rotated == {"handoffs": 1, "conversations": 1} and report.done
    assert await read_case_with(UnitOfWorkFactory(session_factory(engine), Cipher([new])), ids) \
        == (MEMORY, REASONS)
    async with session_factory(engine)() as session:  # the ciphertext changed, not the column type
        raw = (await session.execute(select(text("reasons_enc")).select_from(text("handoffs")))).scalar_one()
    assert isinstance(raw, bytes) and Cipher([new]).decrypt(raw) == json.dumps(
        REASONS, ensure_ascii=False, separators=(",", ":"))
