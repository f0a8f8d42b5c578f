"""Unit of work: one transaction, the repositories that share it, commit or roll back."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.crypto import Cipher
from bot.storage.care_repos import FeedbackRepo, FollowUpRepo, InviteRepo, UpdateRepo
from bot.storage.repositories import (
    AuditRepo,
    ConversationRepo,
    CounselorRepo,
    HandoffRepo,
    MessageRepo,
    OutboxRepo,
    ResidentRepo,
)
from bot.storage.sealed import bind_cipher


class UnitOfWork:
    """`async with uow_factory() as uow: ...; await uow.commit()` — leaving without commit rolls back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: Cipher) -> None:
        self._sessions = sessions
        self.cipher = cipher

    async def __aenter__(self) -> UnitOfWork:
        _bind(self._sessions, self.cipher)  # sealed columns (bot/storage/sealed.py) use this key
        self.session = self._sessions()
        s, c = self.session, self.cipher
        self.residents = ResidentRepo(s)
        self.conversations = ConversationRepo(s)
        self.messages = MessageRepo(s, c)
        self.handoffs = HandoffRepo(s)
        self.counselors = CounselorRepo(s)
        self.audit = AuditRepo(s)
        self.outbox = OutboxRepo(s, c)
        self.followups = FollowUpRepo(s)
        self.invites = InviteRepo(s)
        self.feedback = FeedbackRepo(s)
        self.updates = UpdateRepo(s)
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        # close() rolls back anything uncommitted without expiring loaded objects.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class UnitOfWorkFactory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: Cipher) -> None:
        self.sessions = sessions
        self.cipher = cipher
        _bind(sessions, cipher)

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.cipher)


def _bind(sessions: async_sessionmaker[AsyncSession], cipher: Cipher) -> None:
    engine = sessions.kw.get("bind")
    bind_cipher(engine if isinstance(engine, AsyncEngine) else None, cipher)
