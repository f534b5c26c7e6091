"""Durable storage: SQLite or PostgreSQL through SQLAlchemy Core, schema by Alembic.

Tables are described once in :mod:`.schema`; :mod:`.migrations` holds one Alembic revision
per feature, applied when storage opens. Each concern has a repository here implementing
its domain Protocol. Repositories are blocking; async code calls them through
``asyncio.to_thread``. See docs/storage.md.
"""

from voice_agent.storage.broadcast import NoticeRecord, SqlNoticeRepository, SqlQuizResultRepository
from voice_agent.storage.broadcast_briefings import SqlBriefingRepository
from voice_agent.storage.broadcast_quizzes import SqlQuizPlanRepository
from voice_agent.storage.broadcast_rosters import SqlRosterRepository
from voice_agent.storage.database import open_database
from voice_agent.storage.engine import Database, normalise_url, path_from_url
from voice_agent.storage.errors import DatabaseUrlError, MigrationError, StorageError
from voice_agent.storage.feedback import SqlFeedbackRepository
from voice_agent.storage.promotion_versions import SqlPromotionVersionRepository
from voice_agent.storage.publications import SqlPublicationRepository
from voice_agent.storage.question_log import SqlQuestionLogRepository
from voice_agent.storage.sessions import SqlSessionStore
from voice_agent.storage.workers import SqlWorkerRegistry, WorkerBeat

__all__ = [
    "Database",
    "DatabaseUrlError",
    "MigrationError",
    "NoticeRecord",
    "SqlBriefingRepository",
    "SqlNoticeRepository",
    "SqlFeedbackRepository",
    "SqlPromotionVersionRepository",
    "SqlPublicationRepository",
    "SqlQuestionLogRepository",
    "SqlQuizPlanRepository",
    "SqlQuizResultRepository",
    "SqlRosterRepository",
    "SqlSessionStore",
    "SqlWorkerRegistry",
    "StorageError",
    "normalise_url",
    "open_database",
    "path_from_url",
    "WorkerBeat",
]
