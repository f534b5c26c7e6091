"""Opening storage: the engine for the configured URL, its schema brought up to date."""

from __future__ import annotations

from voice_agent.storage.engine import Database
from voice_agent.storage.migrations import upgrade


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database at ``url`` and upgrade its schema to the newest revision.

    Args:
        url: ``sqlite:///path`` or ``postgresql://user@host/dbname``.
        migrate: ``False`` opens without touching the schema (``db current``).

    Raises:
        DatabaseUrlError: The URL is not supported.
        MigrationError: The schema is newer than this program, or a step failed.
        StorageError: The database cannot be reached.
    """
    database = Database(url=url)
    if migrate:
        try:
            upgrade(database)
        except BaseException:
            database.close()
            raise
    return database
