"""Alembic environment: runs the revisions on the :class:`Database` the caller passed in.

Everything runs in one transaction that first takes a lock, then reads the current revision
(Alembic reads it after we hold the lock), so concurrent openers migrate one at a time and
the later ones find nothing left to do. Both engines have transactional DDL: a failed step
leaves nothing behind.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from voice_agent.storage.engine import SQLITE_BEGIN_OPTION, Database
from voice_agent.storage.migrations import UPGRADE_LOCK_KEY
from voice_agent.storage.schema import metadata

database = context.config.attributes.get("database")
if not isinstance(database, Database):
    raise RuntimeError(
        "run migrations through voice-agent db upgrade (voice_agent.storage.migrations)"
    )

with database.engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if not sqlite:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY}
            )
        context.run_migrations()
