"""Staff web sessions known to the server (issue 19, finding 3): the cookie alone no longer
proves a login. A session is live while its row exists; logout deletes the row, so a copy of
the cookie taken before logout reads nothing. Rows hold a SHA-256 of the cookie's session id,
never the id itself. Migration: 0004_sessions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.storage.models import Base, Counselor


class StaffSessionRow(Base):
    __tablename__ = "staff_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the session id
    counselor_id: Mapped[str] = mapped_column(ForeignKey("counselors.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


def _end_sessions_of_changed_accounts(session: Session, _ctx: object, _instances: object) -> None:
    """A counselor deactivated or given a new password loses every session, whichever code path
    changed the row (admin page, rota import, a script): the delete joins that same flush."""
    ended = [c.id for c in session.dirty if isinstance(c, Counselor) and _ends_sessions(c)]
    if ended:
        session.execute(delete(StaffSessionRow).where(StaffSessionRow.counselor_id.in_(ended)))


def _ends_sessions(c: Counselor) -> bool:
    state = inspect(c)
    active, password = state.attrs.active.history, state.attrs.password_hash.history
    return (active.has_changes() and not c.active) or password.has_changes()


# On every ORM session of this process: whoever imports the table gets the rule with it.
event.listen(Session, "before_flush", _end_sessions_of_changed_accounts)
