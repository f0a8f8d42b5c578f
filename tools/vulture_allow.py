"""Names vulture cannot see used: framework hooks called by name (SQLAlchemy, aiohttp, Alembic, pydantic).

Keep it short: a name lands here only when a framework, not our code, calls it. Anything else that
vulture reports is dead code to delete (or to call).
"""
