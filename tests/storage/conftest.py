"""Every storage test runs on SQLite and on PostgreSQL (see tests/storage/engines.py)."""

from tests.storage.engines import database, database_url

__all__ = ["database", "database_url"]
