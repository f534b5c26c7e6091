"""The database: one SQLAlchemy engine for SQLite or PostgreSQL, chosen by URL.

``sqlite:///path`` (relative to the working directory; ``sqlite:////abs/path`` absolute) is
the embedded default: WAL journal (readers run beside the writer, other processes too),
``synchronous=FULL`` (a commit is on disk before it returns, so a confirmed write survives a
power cut), foreign keys on, and a busy timeout so a writer waits for another process's lock
instead of failing. Write transactions start with ``BEGIN IMMEDIATE`` (the write lock is
taken up front, so two writers never deadlock upgrading a read lock).

``postgresql://`` or ``postgresql+psycopg://`` is for chains running several nodes on one
database (psycopg 3 either way); connections are checked before use.

Repositories are blocking and thread-safe (the engine's pool hands each call its own
connection); async code calls them through ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from voice_agent.storage.errors import DatabaseUrlError, StorageError, storage_error

SQLITE_URL_PREFIX = "sqlite:///"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
SQLITE_BEGIN_OPTION = "voice_agent_sqlite_begin"
"""Execution option: how a SQLite transaction begins (``IMMEDIATE`` for writes)."""


def path_from_url(url: str) -> Path:
    """Return the file path of a ``sqlite:///path`` URL.

    Raises:
        DatabaseUrlError: The URL has another scheme or no file path.
    """
    if not url.startswith(SQLITE_URL_PREFIX):
        raise DatabaseUrlError(f"not a SQLite URL (sqlite:///path/to/file): {url!r}")
    raw = url[len(SQLITE_URL_PREFIX) :]
    if not raw or raw == ":memory:" or raw.endswith("/") or "?" in raw:
        raise DatabaseUrlError(f"database URL needs a file path, got {url!r}")
    return Path(raw)


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL for a configured one (``postgresql://`` gets the psycopg driver).

    Raises:
        DatabaseUrlError: Neither ``sqlite:///path`` nor ``postgresql://...``.
    """
    if url.startswith(SQLITE_URL_PREFIX):
        path_from_url(url)
        return url
    for scheme in _POSTGRES_SCHEMES:
        if url.startswith(scheme):
            normalised = "postgresql+psycopg://" + url[len(scheme) :]
            try:
                parsed = make_url(normalised)
            except ArgumentError as e:
                raise DatabaseUrlError(f"cannot parse database URL: {e}") from e
            if not parsed.database:
                raise DatabaseUrlError(f"PostgreSQL URL needs a database name: {url!r}")
            return normalised
    raise DatabaseUrlError(
        "database URL must be sqlite:///path/to/file or postgresql://user@host/dbname,"
        f" got {_masked(url)!r}"
    )


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def create_storage_engine(url: str, *, busy_timeout_secs: float = 10.0) -> Engine:
    """An engine for a configured URL, with the pragmas and driver described above.

    Raises:
        DatabaseUrlError: The URL is not supported.
        StorageError: The SQLite file's directory cannot be created.
    """
    normalised = normalise_url(url)
    if normalised.startswith(SQLITE_URL_PREFIX):
        path = path_from_url(normalised)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"cannot create the directory of {path}: {e}") from e
        engine = create_engine(
            normalised,
            connect_args={"timeout": busy_timeout_secs, "check_same_thread": False},
        )
        _configure_sqlite(engine, busy_timeout_secs)
        return engine
    return create_engine(
        normalised,
        pool_pre_ping=True,
        connect_args={"connect_timeout": max(1, int(busy_timeout_secs))},
    )


def _configure_sqlite(engine: Engine, busy_timeout_secs: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); pysqlite's own transaction handling is off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_secs * 1000)}")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(f"SQLite refused WAL journal mode (got {mode!r})")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An open database: the engine, its URL, and transactions that speak storage errors.

    Open with :func:`voice_agent.storage.open_database` (which also upgrades the schema);
    close with :meth:`close` or use it as a context manager.
    """

    def __init__(self, *, url: str, busy_timeout_secs: float = 10.0) -> None:
        """Create the engine for ``url`` (no connection is made yet).

        Raises:
            DatabaseUrlError: The URL is not supported.
        """
        self._url = normalise_url(url)
        self._engine: Engine | None = create_storage_engine(
            url, busy_timeout_secs=busy_timeout_secs
        )

    @property
    def url(self) -> str:
        """The SQLAlchemy URL, password hidden (for logs and ``db current``)."""
        return _masked(self._url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine.

        Raises:
            StorageError: The database is closed (``code`` ``closed``).
        """
        if self._engine is None:
            raise StorageError(f"database {self.url} is closed", code="closed")
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Run the block as one write transaction: commit at the end, roll back on error.

        SQLAlchemy errors become :class:`StorageError`; other exceptions pass through.
        """
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
                with connection.begin():
                    yield connection
        except SQLAlchemyError as e:
            raise storage_error(self.url, e) from e

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Run the block in one read transaction that sees one consistent snapshot.

        SQLite (WAL) keeps the snapshot of a transaction's first read; PostgreSQL gets
        ``REPEATABLE READ`` (its default, ``READ COMMITTED``, would let each statement see
        writes committed in between).
        """
        try:
            with self.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    yield connection
        except SQLAlchemyError as e:
            raise storage_error(self.url, e) from e

    def now(self) -> datetime:
        """The database server's time now (aware, UTC).

        The one clock of what several nodes judge together (workers' heartbeats, who is
        connected where), so nodes whose own clocks disagree still agree on it.

        Raises:
            StorageError: The database failed.
        """
        with self.read() as connection:
            if self.dialect == "postgresql":
                moment = connection.execute(select(func.clock_timestamp())).scalar_one()
                return moment.astimezone(UTC)
            text = connection.execute(
                select(func.strftime("%Y-%m-%dT%H:%M:%f", "now"))
            ).scalar_one()
            return datetime.fromisoformat(text).replace(tzinfo=UTC)

    def pragma(self, name: str) -> object:
        """Return ``PRAGMA name`` (SQLite only; for diagnostics and tests)."""
        if not name.isidentifier():
            raise ValueError(f"not a pragma name: {name!r}")
        with self.read() as connection:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

    def close(self) -> None:
        """Close every pooled connection; later use raises ``closed``. Closing twice is fine."""
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
