"""Publications in the ``publications`` and ``publication_versions`` tables, on either engine.

Implements :class:`knowledge_base.versions.PublicationRepository`. A publication and the
versions it stores are written in one transaction: a reader (or a poller on another node)
sees both or neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, func, select

from knowledge_base.versions import PromotionVersion, Publication
from voice_agent.storage.engine import Database
from voice_agent.storage.promotion_versions import insert_versions, version_from_row
from voice_agent.storage.schema import promotion_versions, publication_versions, publications
from voice_agent.storage.timestamps import encode_time


class SqlPublicationRepository:
    """Publications, stored durably (revision ``0001_base``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def publish(
        self,
        versions: Sequence[PromotionVersion],
        *,
        published_at: datetime,
        published_by: str,
        notes: str = "",
        urgent: bool = False,
    ) -> Publication:
        """Store ``versions`` and the publication recording them, atomically.

        Raises:
            VersionConflictError: One version is already stored; nothing is stored.
            ValueError: ``versions`` is empty or ``published_at`` is naive.
        """
        if not versions:
            raise ValueError("a publication stores at least one version")
        encode_time(published_at)  # a naive time is refused before anything is written
        with self._database.transaction() as connection:
            insert_versions(connection, versions)
            publication_id = connection.execute(
                publications.insert()
                .values(
                    published_at=published_at,
                    published_by=published_by,
                    notes=notes,
                    urgent=urgent,
                )
                .returning(publications.c.id)
            ).scalar_one()
            connection.execute(
                publication_versions.insert(),
                [
                    {
                        "publication_id": publication_id,
                        "promotion_id": version.promotion_id,
                        "version": version.version,
                    }
                    for version in versions
                ],
            )
            stored = _read(connection, publications.c.id == publication_id)
        return stored[0]

    def get(self, publication_id: int) -> Publication | None:
        """One publication, or ``None``."""
        with self._database.read() as connection:
            found = _read(connection, publications.c.id == publication_id)
        return found[0] if found else None

    def list(self, *, after_id: int = 0, limit: int | None = None) -> list[Publication]:
        """Publications with an id above ``after_id``, oldest first (at most ``limit``)."""
        with self._database.read() as connection:
            return _read(connection, publications.c.id > after_id, limit=limit)

    def latest_id(self) -> int:
        """The id of the newest publication (0 when nothing was published)."""
        with self._database.read() as connection:
            newest = connection.execute(select(func.max(publications.c.id))).scalar()
        return int(newest or 0)


def _read(connection: Connection, where: object, *, limit: int | None = None) -> list[Publication]:
    query = select(publications).where(where).order_by(publications.c.id)  # type: ignore[arg-type]
    if limit is not None:
        query = query.limit(limit)
    rows = list(connection.execute(query).mappings())
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    contained = (
        select(publication_versions.c.publication_id, promotion_versions)
        .join(
            promotion_versions,
            (promotion_versions.c.promotion_id == publication_versions.c.promotion_id)
            & (promotion_versions.c.version == publication_versions.c.version),
        )
        .where(publication_versions.c.publication_id.in_(ids))
        .order_by(promotion_versions.c.promotion_id, promotion_versions.c.version)
    )
    by_publication: dict[int, list[PromotionVersion]] = defaultdict(list)
    for row in connection.execute(contained).mappings():
        by_publication[row["publication_id"]].append(version_from_row(row))
    return [_publication(row, by_publication[row["id"]]) for row in rows]


def _publication(row: RowMapping, versions: list[PromotionVersion]) -> Publication:
    return Publication(
        id=int(row["id"]),
        published_at=row["published_at"],
        published_by=row["published_by"],
        notes=row["notes"],
        urgent=bool(row["urgent"]),
        versions=tuple(versions),
    )
