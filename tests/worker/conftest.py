"""The worker's tests run their storage on SQLite and PostgreSQL (tests/storage/engines.py)."""

from tests.storage.engines import database, database_url

__all__ = ["database", "database_url"]
