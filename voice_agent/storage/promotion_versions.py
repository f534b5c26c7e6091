"""Promotion versions in the ``promotion_versions`` table, on either engine.

Implements :class:`knowledge_base.versions.PromotionVersionRepository`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select
from sqlalchemy.exc import IntegrityError

from knowledge_base.versions import PromotionVersion, VersionConflictError
from voice_agent.storage.engine import Database
from voice_agent.storage.schema import promotion_versions

_table = promotion_versions


def insert_versions(connection: Connection, versions: Sequence[PromotionVersion]) -> None:
    """Insert ``versions`` in the caller's transaction.

    Raises:
        VersionConflictError: One of them is already stored (the caller's transaction is
            rolled back by the exception leaving its block).
    """
    if not versions:
        return
    try:
        connection.execute(_table.insert(), [_row(version) for version in versions])
    except IntegrityError as e:
        stored = ", ".join(f"{v.promotion_id} v{v.version}" for v in versions)
        raise VersionConflictError(
            f"one of {stored} is already stored (published by someone else meanwhile?)"
        ) from e


def _row(version: PromotionVersion) -> dict[str, Any]:
    return {
        "promotion_id": version.promotion_id,
        "version": version.version,
        "content_hash": version.content_hash,
        "content": version.content,
        "diff": version.diff,
        "published_at": version.published_at,
        "published_by": version.published_by,
    }


def version_from_row(row: RowMapping) -> PromotionVersion:
    """The record of one ``promotion_versions`` row."""
    return PromotionVersion(
        promotion_id=row["promotion_id"],
        version=int(row["version"]),
        content_hash=row["content_hash"],
        content=row["content"],
        diff=row["diff"],
        published_at=row["published_at"],
        published_by=row["published_by"],
    )


def latest_versions(connection: Connection) -> dict[str, PromotionVersion]:
    """The newest version of every stored promotion, by promotion id."""
    newest = (
        select(_table.c.promotion_id, func.max(_table.c.version).label("version"))
        .group_by(_table.c.promotion_id)
        .subquery()
    )
    query = (
        select(_table)
        .join(
            newest,
            (newest.c.promotion_id == _table.c.promotion_id)
            & (newest.c.version == _table.c.version),
        )
        .order_by(_table.c.promotion_id)
    )
    rows = connection.execute(query).mappings()
    return {row["promotion_id"]: version_from_row(row) for row in rows}


class SqlPromotionVersionRepository:
    """Promotion versions, stored durably (revision ``0001_base``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def add(self, versions: Sequence[PromotionVersion]) -> None:
        """Store all ``versions`` in one transaction.

        Raises:
            VersionConflictError: One of them is already stored; none is stored.
        """
        with self._database.transaction() as connection:
            insert_versions(connection, versions)

    def get(self, promotion_id: str, version: int) -> PromotionVersion | None:
        """One version, or ``None``."""
        query = select(_table).where(
            (_table.c.promotion_id == promotion_id) & (_table.c.version == version)
        )
        with self._database.read() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else version_from_row(row)

    def latest(self, promotion_id: str) -> PromotionVersion | None:
        """The newest version of a promotion, or ``None`` if it was never published."""
        query = (
            select(_table)
            .where(_table.c.promotion_id == promotion_id)
            .order_by(_table.c.version.desc())
            .limit(1)
        )
        with self._database.read() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else version_from_row(row)

    def history(self, promotion_id: str) -> list[PromotionVersion]:
        """Every stored version of a promotion, oldest first."""
        query = (
            select(_table).where(_table.c.promotion_id == promotion_id).order_by(_table.c.version)
        )
        with self._database.read() as connection:
            return [version_from_row(row) for row in connection.execute(query).mappings()]

    def latest_versions(self) -> dict[str, PromotionVersion]:
        """The newest version of every stored promotion, by promotion id."""
        with self._database.read() as connection:
            return latest_versions(connection)
