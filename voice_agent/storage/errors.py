"""Errors of the storage layer, each with a machine-readable ``code``."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError


class StorageError(Exception):
    """A database operation failed.

    Attributes:
        code: Machine-readable reason (``bad_url``, ``schema_too_new``, ``migration_failed``,
            ``unavailable``, ``database_error``, ``closed``).
    """

    code: str = "database_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class DatabaseUrlError(StorageError):
    """The database URL is neither ``sqlite:///path`` nor ``postgresql://...``."""

    code = "bad_url"


class MigrationError(StorageError):
    """The schema could not be brought up to date."""

    code = "migration_failed"


def storage_error(where: str, error: SQLAlchemyError) -> StorageError:
    """Translate a SQLAlchemy error into a :class:`StorageError` (no SQL or parameters shown).

    A database that cannot be reached (refused connection, locked file past the timeout) is
    ``unavailable``; anything else is ``database_error``.
    """
    detail = str(error.orig) if isinstance(error, DBAPIError) and error.orig else str(error)
    detail = detail.strip().splitlines()[0] if detail.strip() else type(error).__name__
    code = "unavailable" if _unavailable(error, detail) else "database_error"
    return StorageError(f"{where}: {detail}", code=code)


_SQLITE_UNAVAILABLE = (
    "locked",
    "unable to open",
    "disk i/o",
    "readonly",
    "database or disk is full",
)


def _unavailable(error: SQLAlchemyError, detail: str) -> bool:
    if not isinstance(error, OperationalError):
        return False
    if error.connection_invalidated:
        return True
    # sqlite3 raises OperationalError for bad SQL too; psycopg only for the connection.
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(word in detail.lower() for word in _SQLITE_UNAVAILABLE)
    return True
