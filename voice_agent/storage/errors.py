"""Errors of the storage layer, each with a machine-readable ``code``."""

from __future__ import annotations


class StorageError(Exception):
    """A database operation failed.

    Attributes:
        code: Machine-readable reason (``bad_url``, ``schema_too_new``, ``migration_failed``,
            ``database_error``, ``closed``).
    """

    code: str = "database_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class DatabaseUrlError(StorageError):
    """The database URL is not a ``sqlite:///path`` URL."""

    code = "bad_url"


class MigrationError(StorageError):
    """The schema could not be brought up to date."""

    code = "migration_failed"
