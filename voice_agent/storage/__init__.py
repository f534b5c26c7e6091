"""Durable storage: one SQLite file, numbered migrations, one repository per concern.

A new concern (feedback, briefings, ...) adds a migration to :mod:`.migrations`, a record
dataclass and repository Protocol in its domain module, and one module here implementing
it over :class:`Database`. Repositories are blocking; async code calls them through
``asyncio.to_thread``.
"""

from voice_agent.storage.database import Database, open_database, path_from_url
from voice_agent.storage.errors import DatabaseUrlError, MigrationError, StorageError
from voice_agent.storage.promotion_versions import SqlitePromotionVersionRepository
from voice_agent.storage.question_log import SqliteQuestionLogRepository

__all__ = [
    "Database",
    "DatabaseUrlError",
    "MigrationError",
    "SqlitePromotionVersionRepository",
    "SqliteQuestionLogRepository",
    "StorageError",
    "open_database",
    "path_from_url",
]
