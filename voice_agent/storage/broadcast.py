"""Notices, their per-clerk deliveries and quiz results, on either engine.

A notice and its deliveries (and the older notices it supersedes) are written in one
transaction, before anything is spoken; a delivery record is rewritten after every event
(:meth:`SqlNoticeRepository.save`), so a new process over the same database resumes each
clerk exactly where the last one stopped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, func, select

from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.quiz import QuestionKind
from knowledge_base.quiz_scoring import QuizResult
from voice_agent.storage.broadcast_schema import deliveries, notices, quiz_results
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import encode_time

OPEN_STATES = (DeliveryState.PENDING, DeliveryState.SPEAKING, DeliveryState.PLAYED)
_DELIVERY_FIELDS = tuple(Delivery.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """One announced promotion version."""

    id: str
    """``<promotion id>@<version>``."""
    publication_id: int
    promotion_id: str
    version: int
    urgent: bool
    created_at: datetime

    def to_dict(self) -> dict[str, object]:
        """Plain values for JSON."""
        return {
            "id": self.id,
            "publication_id": self.publication_id,
            "promotion_id": self.promotion_id,
            "version": self.version,
            "urgent": self.urgent,
            "created_at": self.created_at.isoformat(),
        }


class SqlNoticeRepository:
    """Notices and deliveries (revision ``0003_broadcast``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def create(
        self,
        notice: NoticeRecord,
        recipients: Sequence[Delivery],
        *,
        superseded: Sequence[Delivery] = (),
    ) -> bool:
        """Store ``notice``, one delivery per recipient and the records it supersedes, at once.

        Returns:
            False when the notice was stored already (by another node or before a restart):
            nothing is written then.

        Raises:
            ValueError: A naive time (refused before anything is written).
            StorageError: The database failed; nothing is stored.
        """
        encode_time(notice.created_at)
        with self._database.transaction() as connection:
            exists = connection.execute(
                select(notices.c.id).where(notices.c.id == notice.id)
            ).first()
            if exists is not None:
                return False
            connection.execute(
                notices.insert().values(
                    id=notice.id,
                    publication_id=notice.publication_id,
                    promotion_id=notice.promotion_id,
                    version=notice.version,
                    urgent=notice.urgent,
                    created_at=notice.created_at,
                )
            )
            if recipients:
                connection.execute(deliveries.insert(), [_values(d) for d in recipients])
            for delivery in superseded:
                _update(connection, delivery)
        return True

    def save(self, delivery: Delivery) -> None:
        """Rewrite one delivery record (after an event), durably.

        Raises:
            KeyError: No such delivery.
        """
        with self._database.transaction() as connection:
            if not _update(connection, delivery):
                raise KeyError(f"no delivery of {delivery.notice_id} to {delivery.clerk}")

    def save_all(self, records: Sequence[Delivery]) -> None:
        """Rewrite several delivery records in one transaction."""
        with self._database.transaction() as connection:
            for delivery in records:
                _update(connection, delivery)

    def replace(self, before: Delivery, after: Delivery) -> bool:
        """Rewrite ``before`` as ``after`` unless someone changed it since it was read.

        Its state, plays and interruptions must still be ``before``'s (every event that
        moves a record changes one of them), so of two nodes acting on the same reading
        only the first writes.

        Returns:
            True when the record was rewritten.
        """
        values = _values(after)
        del values["notice_id"], values["clerk"]
        with self._database.transaction() as connection:
            result = connection.execute(
                deliveries.update()
                .where(deliveries.c.notice_id == before.notice_id)
                .where(deliveries.c.clerk == before.clerk)
                .where(deliveries.c.state == before.state.value)
                .where(deliveries.c.plays == before.plays)
                .where(deliveries.c.interruptions == before.interruptions)
                .values(values)
            )
            return result.rowcount == 1

    def get(self, notice_id: str) -> NoticeRecord | None:
        """One notice, or ``None``."""
        with self._database.read() as connection:
            row = connection.execute(select(notices).where(notices.c.id == notice_id)).first()
        return _notice(row._mapping) if row is not None else None

    def notices(
        self, *, promotion_id: str | None = None, limit: int | None = None
    ) -> list[NoticeRecord]:
        """Notices, oldest first (optionally of one promotion; ``limit``: the newest ones)."""
        query = select(notices).order_by(notices.c.created_at.desc(), notices.c.id.desc())
        if promotion_id is not None:
            query = query.where(notices.c.promotion_id == promotion_id)
        if limit is not None:
            query = query.limit(limit)
        with self._database.read() as connection:
            return [_notice(row) for row in connection.execute(query).mappings()][::-1]

    def last_publication_id(self) -> int:
        """The newest publication a notice was made for (0: none)."""
        with self._database.read() as connection:
            newest = connection.execute(select(func.max(notices.c.publication_id))).scalar()
        return int(newest or 0)

    def deliveries(
        self,
        *,
        notice_id: str | None = None,
        clerk: str | None = None,
        open_only: bool = False,
    ) -> list[Delivery]:
        """Delivery records, oldest notice first, filtered as asked."""
        query = select(deliveries).order_by(
            deliveries.c.created_at, deliveries.c.notice_id, deliveries.c.clerk
        )
        if notice_id is not None:
            query = query.where(deliveries.c.notice_id == notice_id)
        if clerk is not None:
            query = query.where(deliveries.c.clerk == clerk)
        if open_only:
            query = query.where(deliveries.c.state.in_([s.value for s in OPEN_STATES]))
        with self._database.read() as connection:
            return [delivery_from_row(row) for row in connection.execute(query).mappings()]

    def open_of_promotion(self, promotion_id: str) -> list[Delivery]:
        """Open deliveries of every stored version of a promotion (to supersede)."""
        query = (
            select(deliveries)
            .join(notices, notices.c.id == deliveries.c.notice_id)
            .where(notices.c.promotion_id == promotion_id)
            .where(deliveries.c.state.in_([s.value for s in OPEN_STATES]))
        )
        with self._database.read() as connection:
            return [delivery_from_row(row) for row in connection.execute(query).mappings()]


def _values(delivery: Delivery) -> dict[str, object]:
    values = {name: getattr(delivery, name) for name in _DELIVERY_FIELDS}
    values["state"] = delivery.state.value
    return values


def _update(connection: Connection, delivery: Delivery) -> bool:
    values = _values(delivery)
    del values["notice_id"], values["clerk"]
    result = connection.execute(
        deliveries.update()
        .where(deliveries.c.notice_id == delivery.notice_id)
        .where(deliveries.c.clerk == delivery.clerk)
        .values(values)
    )
    return result.rowcount == 1


def delivery_from_row(row: RowMapping) -> Delivery:
    """A delivery record read back from its ``deliveries`` row."""
    values = {name: row[name] for name in _DELIVERY_FIELDS}
    values["state"] = DeliveryState(row["state"])
    values["repeat_requested"] = bool(row["repeat_requested"])
    return Delivery(**values)


def _notice(row: RowMapping) -> NoticeRecord:
    return NoticeRecord(
        id=row["id"],
        publication_id=int(row["publication_id"]),
        promotion_id=row["promotion_id"],
        version=int(row["version"]),
        urgent=bool(row["urgent"]),
        created_at=row["created_at"],
    )


class SqlQuizResultRepository:
    """Quiz results per clerk and question (revision ``0003_broadcast``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def add(self, result: QuizResult, *, promotion_id: str, version: int) -> None:
        """Store one answer durably.

        Raises:
            ValueError: ``answered_at`` is missing or naive.
        """
        if result.answered_at is None:
            raise ValueError("a stored quiz result needs answered_at")
        encode_time(result.answered_at)
        with self._database.transaction() as connection:
            connection.execute(
                quiz_results.insert().values(
                    clerk=result.clerk,
                    question_id=result.question_id,
                    promotion_id=promotion_id,
                    version=version,
                    kind=result.kind.value,
                    passed=result.passed,
                    heard=result.heard,
                    reasons=json.dumps(list(result.reasons), ensure_ascii=False),
                    replay=result.replay,
                    judged_by=result.judged_by,
                    answered_at=result.answered_at,
                )
            )

    def results(
        self, *, promotion_id: str, version: int, clerk: str | None = None
    ) -> list[QuizResult]:
        """Answers about one version, oldest first (optionally of one clerk)."""
        query = (
            select(quiz_results)
            .where(quiz_results.c.promotion_id == promotion_id)
            .where(quiz_results.c.version == version)
            .order_by(quiz_results.c.answered_at, quiz_results.c.id)
        )
        if clerk is not None:
            query = query.where(quiz_results.c.clerk == clerk)
        with self._database.read() as connection:
            return [
                QuizResult(
                    question_id=row["question_id"],
                    clerk=row["clerk"],
                    kind=QuestionKind(row["kind"]),
                    heard=row["heard"],
                    passed=bool(row["passed"]),
                    reasons=tuple(json.loads(row["reasons"])),
                    replay=row["replay"],
                    judged_by=row["judged_by"],
                    answered_at=row["answered_at"],
                )
                for row in connection.execute(query).mappings()
            ]
