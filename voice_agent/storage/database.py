"""The SQLite database: one file, WAL journal, ``synchronous=FULL``, numbered migrations.

Threading choice: one connection per :class:`Database`, shared by all threads and guarded
by a lock. Async code calls repositories through ``asyncio.to_thread``, so calls arrive
from executor threads we do not own; a per-thread connection would live as long as those
threads and could only be closed from inside them. Our volume is a few small writes per
spoken question, each well under a millisecond, so serialising them in-process costs
nothing measurable and rules out ``database is locked`` between our own threads. Other
processes (``voice-agent kb publish`` while the server runs) are handled by SQLite itself:
WAL lets readers run beside the writer and ``busy_timeout`` makes writers wait their turn.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from loguru import logger

from voice_agent.storage.errors import DatabaseUrlError, MigrationError, StorageError
from voice_agent.storage.migrations import MIGRATIONS, Migration, check_sequence

SQLITE_URL_PREFIX = "sqlite:///"


def path_from_url(url: str) -> Path:
    """Return the file path of a ``sqlite:///path`` URL.

    ``sqlite:///var/db.sqlite3`` is relative to the working directory;
    ``sqlite:////srv/db.sqlite3`` is absolute.

    Raises:
        DatabaseUrlError: The URL has another scheme or no path.
    """
    if not url.startswith(SQLITE_URL_PREFIX):
        raise DatabaseUrlError(f"database URL must look like sqlite:///path/to/file, got {url!r}")
    raw = url[len(SQLITE_URL_PREFIX) :]
    if not raw or raw == ":memory:" or raw.endswith("/"):
        raise DatabaseUrlError(f"database URL needs a file path, got {url!r}")
    return Path(raw)


class Database:
    """A migrated SQLite file; repositories borrow its connection through a lock.

    Open with :func:`open_database` (parses the URL and migrates); close with :meth:`close`
    or use it as a context manager.
    """

    def __init__(self, *, path: Path, busy_timeout_secs: float = 5.0) -> None:
        """Open (creating if needed) the file at ``path`` with WAL and ``synchronous=FULL``.

        Args:
            path: Database file; missing parent directories are created.
            busy_timeout_secs: How long a write waits for another process's lock.
        """
        self._path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
            self._connection: sqlite3.Connection | None = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as e:
            raise StorageError(f"cannot open database {path}: {e}") from e
        connection = self._connection
        connection.row_factory = sqlite3.Row
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_secs * 1000)}")
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(f"{path}: SQLite refused WAL journal mode (got {mode!r})")
            # FULL: a commit is fsynced before it returns, so a confirmed write survives a
            # power cut (feedback is confirmed to the clerk only after it is stored).
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as e:
            connection.close()
            raise StorageError(f"cannot configure database {path}: {e}") from e

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    def _require_open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StorageError(f"database {self._path} is closed", code="closed")
        return self._connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block as one write transaction (``BEGIN IMMEDIATE``).

        Commits when the block ends, rolls back when it raises. SQLite errors become
        :class:`StorageError`; other exceptions pass through unchanged. Not reentrant.
        """
        with self._lock:
            connection = self._require_open()
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise StorageError(f"{self._path}: cannot start a transaction: {e}") from e
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException as e:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise StorageError(f"{self._path}: {e}") from e
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block in one read transaction (a consistent snapshot)."""
        with self._lock:
            connection = self._require_open()
            try:
                connection.execute("BEGIN")
                try:
                    yield connection
                finally:
                    if connection.in_transaction:
                        connection.execute("COMMIT")
            except sqlite3.Error as e:
                raise StorageError(f"{self._path}: {e}") from e

    def pragma(self, name: str) -> object:
        """Return the value of ``PRAGMA name`` (for diagnostics and tests)."""
        if not name.isidentifier():
            raise ValueError(f"not a pragma name: {name!r}")
        with self._lock:
            return self._require_open().execute(f"PRAGMA {name}").fetchone()[0]

    def schema_version(self) -> int:
        """Return the highest applied migration number (0 for a new file)."""
        with self.read() as connection:
            if not _has_migrations_table(connection):
                return 0
            row = connection.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
            return int(row[0] or 0)

    def migrate(self, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
        """Apply the migrations not yet recorded, each in its own transaction.

        Safe to call again and from several processes at once: each step re-checks what is
        applied after taking the write lock.

        Returns:
            The numbers of the migrations applied by this call.

        Raises:
            MigrationError: The file was migrated by a newer program, or a step failed.
        """
        check_sequence(migrations)
        applied: list[int] = []
        with self.transaction() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        for migration in migrations:
            with self.transaction() as connection:
                done = {
                    int(row[0])
                    for row in connection.execute("SELECT version FROM schema_migrations")
                }
                newest = max(done, default=0)
                if newest > len(migrations):
                    raise MigrationError(
                        f"{self._path} has schema version {newest}, this program knows "
                        f"{len(migrations)}: upgrade the program",
                        code="schema_too_new",
                    )
                if migration.version in done:
                    continue
                try:
                    for statement in migration.statements:
                        connection.execute(statement)
                except sqlite3.Error as e:
                    raise MigrationError(
                        f"{self._path}: migration {migration.version} ({migration.name}) "
                        f"failed: {e}"
                    ) from e
                connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, datetime.now(UTC).isoformat()),
                )
            applied.append(migration.version)
            logger.info("storage: applied migration {} ({})", migration.version, migration.name)
        return applied

    def close(self) -> None:
        """Close the connection (checkpointing the WAL); later calls raise ``closed``."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _has_migrations_table(connection: sqlite3.Connection) -> bool:
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    return row is not None


def open_database(url: str, *, migrations: tuple[Migration, ...] = MIGRATIONS) -> Database:
    """Open the database at a ``sqlite:///path`` URL and bring its schema up to date."""
    database = Database(path=path_from_url(url))
    try:
        database.migrate(migrations)
    except BaseException:
        database.close()
        raise
    return database
