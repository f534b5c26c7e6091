"""Broadcast tests run on SQLite and PostgreSQL (see tests/storage/engines.py)."""

from tests.storage.engines import database, database_url

__all__ = ["database", "database_url"]
