"""Feedback records and their audio in the ``feedback_*`` tables, on either engine.

Implements :class:`knowledge_base.feedback.sink.FeedbackSink`: every record of one capture,
with its audio, is committed in one transaction (all or nothing). Reads apply the role scope
and filters of :mod:`knowledge_base.feedback.queries` in SQL; what they mean is defined there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, exists, false, func, or_, select
from sqlalchemy import true as sql_true

from knowledge_base.answering import Role
from knowledge_base.feedback.models import ClassifierSource, FeedbackRecord
from knowledge_base.feedback.queries import MAX_PAGE, FeedbackFilter, Page, Viewer, stats
from knowledge_base.feedback.sink import FeedbackAudio, FeedbackSink
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from voice_agent.fault_points import FaultPoint, reached
from voice_agent.storage.engine import Database
from voice_agent.storage.feedback_schema import (
    feedback_audio,
    feedback_products,
    feedback_promotions,
    feedback_records,
)
from voice_agent.storage.timestamps import Clock, encode_time, utc_now

_r = feedback_records
MAX_SELECTION = 100_000
"""Most records one stats, export or alert check reads (bounded memory): the newest."""
AUDIO_URI_PREFIX = "feedback_audio:"


class SqlFeedbackRepository(FeedbackSink):
    """Feedback records, their audio and the queries over them (revision ``0002_feedback``)."""

    def __init__(self, *, database: Database, clock: Clock = utc_now) -> None:
        """Use the (upgraded) ``database``; ``clock`` stamps ``stored_at``."""
        self._database = database
        self._clock = clock

    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        """Commit the records of one capture and its audio in one transaction (or none)."""
        await asyncio.to_thread(self.store, records, audio=audio)

    def store(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        """Blocking :meth:`add`.

        Raises:
            ValueError: No records, or a naive time (refused before anything is written).
            StorageError: The database failed; nothing of the capture is stored.
        """
        if not records:
            raise ValueError("a capture holds at least one record")
        for record in records:
            encode_time(record.utc_time)
        now = self._clock()
        audio_id = records[0].id if audio is not None else None
        with self._database.transaction() as connection:
            if audio is not None:
                connection.execute(
                    feedback_audio.insert().values(
                        id=audio_id, format=audio.format, sample_rate=audio.sample_rate,
                        duration_secs=audio.duration_secs, data=audio.data, created_at=now,
                    )
                )  # fmt: skip
            connection.execute(_r.insert(), [_row(r, audio_id, now) for r in records])
            products = [
                {"record_id": r.id, "position": i, "sku": sku}
                for r in records
                for i, sku in enumerate(r.products)
            ]
            if products:
                connection.execute(feedback_products.insert(), products)
            promotions = [
                {"record_id": r.id, "position": i, "promotion_id": p}
                for r in records
                for i, p in enumerate(r.promotions_in_force)
            ]
            if promotions:
                connection.execute(feedback_promotions.insert(), promotions)
            reached(FaultPoint.FEEDBACK_MID_TRANSACTION)

    def get(self, record_id: str, *, viewer: Viewer) -> FeedbackRecord | None:
        """The record with ``record_id`` if the viewer may see it, else ``None``."""
        query = select(_r).where(_r.c.id == record_id, scope_clause(viewer))
        with self._database.read() as connection:
            found = _records(connection, query)
        return found[0] if found else None

    def audio(self, record_id: str, *, viewer: Viewer) -> FeedbackAudio | None:
        """The audio of the record's capture, if kept and the viewer may see the record."""
        query = (
            select(feedback_audio)
            .join(_r, _r.c.audio_id == feedback_audio.c.id)
            .where(_r.c.id == record_id, scope_clause(viewer))
        )
        with self._database.read() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return FeedbackAudio(
            bytes(row["data"]), row["format"], int(row["sample_rate"]), float(row["duration_secs"])
        )

    def page(
        self, *, viewer: Viewer, where: FeedbackFilter | None = None, offset: int = 0,
        limit: int = 50, include_superseded: bool = False,
    ) -> Page:  # fmt: skip
        """One page of the records the viewer may see matching ``where``, newest first.

        Records corrected by a later one are left out unless ``include_superseded``.

        Raises:
            ValueError: ``offset`` < 0 or ``limit`` outside 1..:data:`MAX_PAGE`.
        """
        if offset < 0 or not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"offset must be >= 0 and limit within 1..{MAX_PAGE}")
        condition = _condition(viewer, where, include_superseded)
        query = (
            select(_r).where(condition).order_by(_r.c.utc_time.desc(), _r.c.id.desc())
            .offset(offset).limit(limit)
        )  # fmt: skip
        with self._database.read() as connection:
            total = connection.execute(select(func.count()).select_from(_r).where(condition))
            count = int(total.scalar_one())
            records = _records(connection, query)
        return Page(records, count, offset, limit)

    def matching(
        self, *, viewer: Viewer, where: FeedbackFilter | None = None,
        include_superseded: bool = False, limit: int = MAX_SELECTION,
    ) -> list[FeedbackRecord]:  # fmt: skip
        """Every record the viewer may see matching ``where``, oldest first.

        At most ``limit``: beyond it the newest are kept (narrow by time to see older ones).
        """
        query = (
            select(_r).where(_condition(viewer, where, include_superseded))
            .order_by(_r.c.utc_time.desc(), _r.c.id.desc()).limit(limit)
        )  # fmt: skip
        with self._database.read() as connection:
            return list(reversed(_records(connection, query)))

    def stats(self, *, viewer: Viewer, where: FeedbackFilter | None = None) -> dict[str, Any]:
        """Total and counts per dimension (:func:`knowledge_base.feedback.queries.stats`)."""
        return stats(self.matching(viewer=viewer, where=where), viewer=viewer, where=where)

    def since(self, moment: datetime) -> list[FeedbackRecord]:
        """Every current record said at or after ``moment`` (for the alert rules)."""
        hq = Viewer(role=Role.HQ, identity="alerts")
        return self.matching(viewer=hq, where=FeedbackFilter(since=moment))

    def count(self) -> int:
        """How many records are stored (superseded ones included)."""
        with self._database.read() as connection:
            return int(connection.execute(select(func.count()).select_from(_r)).scalar_one())


def scope_clause(viewer: Viewer) -> ColumnElement[bool]:
    """:func:`knowledge_base.feedback.queries.visible_to` as a SQL condition."""
    if viewer.role is Role.HQ:
        return sql_true()
    if viewer.role is Role.REGIONAL_MANAGER:
        return _r.c.region_id == viewer.region_id if viewer.region_id else false()
    if viewer.role is Role.STORE_MANAGER:
        return _r.c.store_id == viewer.store_id if viewer.store_id else false()
    return _r.c.clerk_id == viewer.identity


def filter_clause(where: FeedbackFilter) -> ColumnElement[bool]:
    """:meth:`FeedbackFilter.matches` as a SQL condition."""
    parts: list[ColumnElement[bool]] = []
    for column, value in (
        (_r.c.category, where.category), (_r.c.urgency, where.urgency),
        (_r.c.sentiment, where.sentiment), (_r.c.store_id, where.store_id),
        (_r.c.region_id, where.region_id),
    ):  # fmt: skip
        if value is not None:
            parts.append(column == str(value))
    if where.product is not None:
        parts.append(
            exists().where(
                feedback_products.c.record_id == _r.c.id, feedback_products.c.sku == where.product
            )
        )
    if where.promotion is not None:
        in_force = exists().where(
            feedback_promotions.c.record_id == _r.c.id,
            feedback_promotions.c.promotion_id == where.promotion,
        )
        parts.append(or_(_r.c.promotion == where.promotion, in_force))
    if where.since is not None:
        parts.append(_r.c.utc_time >= where.since)
    if where.until is not None:
        parts.append(_r.c.utc_time < where.until)
    return and_(sql_true(), *parts)


def _condition(
    viewer: Viewer, where: FeedbackFilter | None, include_superseded: bool
) -> ColumnElement[bool]:
    condition = and_(scope_clause(viewer), filter_clause(where or FeedbackFilter()))
    if include_superseded:
        return condition
    newer = _r.alias("newer")
    return and_(condition, ~exists().where(newer.c.supersedes == _r.c.id))


def _row(record: FeedbackRecord, audio_id: str | None, now: datetime) -> dict[str, Any]:
    return {
        "id": record.id,
        "transcript": record.transcript,
        "clerk_id": record.clerk_id,
        "role": record.role.value,
        "store_id": record.store_id,
        "region_id": record.region_id,
        "utc_time": record.utc_time,
        "local_time": record.local_time.isoformat(),
        "language": record.language,
        "category": record.category.value,
        "urgency": record.urgency.value,
        "sentiment": record.sentiment.value,
        "classifier": record.classifier.value,
        "promotion": record.promotion,
        "capture_id": record.capture_id,
        "part": record.part,
        "parts": record.parts,
        "supersedes": record.supersedes,
        "audio_id": audio_id,
        "stored_at": now,
    }


def _records(connection: Connection, query: Any) -> list[FeedbackRecord]:
    rows = list(connection.execute(query).mappings())
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    products = _lists(connection, feedback_products, "sku", ids)
    promotions = _lists(connection, feedback_promotions, "promotion_id", ids)
    return [
        _record(row, products.get(row["id"], []), promotions.get(row["id"], [])) for row in rows
    ]


def _lists(connection: Connection, table: Any, column: str, ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(table.c.record_id, table.c[column])
            .where(table.c.record_id.in_(ids[start : start + 500]))
            .order_by(table.c.record_id, table.c.position)
        )
        for record_id, value in connection.execute(query):
            found.setdefault(record_id, []).append(value)
    return found


def _record(row: RowMapping, products: list[str], promotions: list[str]) -> FeedbackRecord:
    return FeedbackRecord(
        id=row["id"],
        transcript=row["transcript"],
        clerk_id=row["clerk_id"],
        role=Role(row["role"]),
        store_id=row["store_id"],
        region_id=row["region_id"],
        local_time=datetime.fromisoformat(row["local_time"]),
        utc_time=row["utc_time"],
        language=row["language"],
        category=FeedbackCategory(row["category"]),
        urgency=Urgency(row["urgency"]),
        sentiment=Sentiment(row["sentiment"]),
        classifier=ClassifierSource(row["classifier"]),
        products=products,
        promotion=row["promotion"],
        promotions_in_force=promotions,
        capture_id=row["capture_id"],
        part=int(row["part"]),
        parts=int(row["parts"]),
        audio_uri=f"{AUDIO_URI_PREFIX}{row['audio_id']}" if row["audio_id"] else None,
        supersedes=row["supersedes"],
    )
