"""SQLite implementation of :class:`knowledge_base.versions.PromotionVersionRepository`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from knowledge_base.versions import PromotionVersion, VersionConflictError
from voice_agent.storage.database import Database
from voice_agent.storage.timestamps import decode_time, encode_time

_COLUMNS = "promotion_id, version, content_hash, content, diff, published_at, published_by"


class SqlitePromotionVersionRepository:
    """Promotion versions in the ``promotion_versions`` table (migration 1)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (migrated) ``database``."""
        self._database = database

    def add(self, versions: Sequence[PromotionVersion]) -> None:
        """Store all ``versions`` in one transaction.

        Raises:
            VersionConflictError: One of them is already stored; none is stored.
        """
        with self._database.transaction() as connection:
            for version in versions:
                try:
                    connection.execute(
                        f"INSERT INTO promotion_versions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            version.promotion_id,
                            version.version,
                            version.content_hash,
                            version.content,
                            version.diff,
                            encode_time(version.published_at),
                            version.published_by,
                        ),
                    )
                except sqlite3.IntegrityError as e:
                    raise VersionConflictError(
                        f"{version.promotion_id} version {version.version} is already stored"
                        " (published by someone else meanwhile?)"
                    ) from e

    def get(self, promotion_id: str, version: int) -> PromotionVersion | None:
        """One version, or ``None``."""
        with self._database.read() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM promotion_versions WHERE promotion_id = ? AND version = ?",
                (promotion_id, version),
            ).fetchone()
        return None if row is None else _version(row)

    def latest(self, promotion_id: str) -> PromotionVersion | None:
        """The newest version of a promotion, or ``None`` if it was never published."""
        with self._database.read() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM promotion_versions WHERE promotion_id = ?"
                " ORDER BY version DESC LIMIT 1",
                (promotion_id,),
            ).fetchone()
        return None if row is None else _version(row)

    def history(self, promotion_id: str) -> list[PromotionVersion]:
        """Every stored version of a promotion, oldest first."""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM promotion_versions WHERE promotion_id = ?"
                " ORDER BY version",
                (promotion_id,),
            ).fetchall()
        return [_version(row) for row in rows]

    def latest_versions(self) -> dict[str, PromotionVersion]:
        """The newest version of every stored promotion, by promotion id."""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM promotion_versions AS v"
                " WHERE version = (SELECT MAX(version) FROM promotion_versions"
                "                  WHERE promotion_id = v.promotion_id)"
                " ORDER BY promotion_id"
            ).fetchall()
        return {row["promotion_id"]: _version(row) for row in rows}


def _version(row: sqlite3.Row) -> PromotionVersion:
    return PromotionVersion(
        promotion_id=row["promotion_id"],
        version=int(row["version"]),
        content_hash=row["content_hash"],
        content=row["content"],
        diff=row["diff"],
        published_at=decode_time(row["published_at"]),
        published_by=row["published_by"],
    )
