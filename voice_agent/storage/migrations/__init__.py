"""Alembic migrations shipped with the package, run programmatically when storage opens.

One revision per feature (``versions/0001_base.py``, ``0002_feedback``, ...; see
docs/storage.md). :func:`upgrade` brings a database to the newest revision inside one
transaction holding a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so two processes opening the same database at once apply each step once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from loguru import logger
from sqlalchemy.exc import SQLAlchemyError

from voice_agent.storage.engine import Database
from voice_agent.storage.errors import MigrationError, StorageError, storage_error

MIGRATIONS_DIR = Path(__file__).resolve().parent
UPGRADE_LOCK_KEY = 7_262_026_001
"""PostgreSQL advisory lock key held while migrating (any constant shared by all nodes)."""
_ALEMBIC_LOCK = threading.Lock()
"""Alembic's ``context`` is process-global: one upgrade at a time per process."""


def alembic_config(database: Database) -> Config:
    """An Alembic config pointing at the packaged scripts (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database"] = database
    return config


def head_revision() -> str:
    """The newest revision this program knows."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def known_revisions() -> list[str]:
    """Every revision this program knows, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(database: Database) -> str | None:
    """The revision the database is at (``None``: never migrated by Alembic)."""
    try:
        with database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as e:
        raise storage_error(database.url, e) from e


def upgrade(database: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision`` (default the newest).

    Returns:
        The revision before and after.

    Raises:
        MigrationError: The database is at a revision this program does not know
            (``schema_too_new``), or a step failed (nothing of that step is kept).
    """
    with _ALEMBIC_LOCK:
        return _upgrade(database, revision)


def _upgrade(database: Database, revision: str) -> tuple[str | None, str | None]:
    before = current_revision(database)
    if before is not None and before not in known_revisions():
        raise MigrationError(
            f"{database.url} is at schema revision {before!r}, which this program does not"
            f" know (newest known: {head_revision()!r}): upgrade the program",
            code="schema_too_new",
        )
    try:
        command.upgrade(alembic_config(database), revision)
    except StorageError:
        raise
    except SQLAlchemyError as e:
        error = storage_error(database.url, e)
        raise MigrationError(f"schema upgrade failed: {error}", code=error.code) from e
    except CommandError as e:
        raise MigrationError(f"{database.url}: schema upgrade failed: {e}") from e
    after = current_revision(database)
    if after != before:
        logger.info("storage: schema of {} upgraded {} -> {}", database.url, before, after)
    return before, after
