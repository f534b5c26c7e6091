"""Gap questions in the ``question_log`` table, on either engine.

Implements :class:`knowledge_base.gaps.QuestionLogRepository`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import RowMapping, func, select

from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage.engine import Database
from voice_agent.storage.schema import question_log
from voice_agent.storage.timestamps import encode_time

_table = question_log


class SqlQuestionLogRepository:
    """Questions answered unknown, by a fallback or refused (revision ``0001_base``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def add(self, record: QuestionRecord) -> QuestionRecord:
        """Store ``record`` durably; return it with its ``id`` set.

        Raises:
            ValueError: ``asked_at`` is naive (refused before anything is written).
            StorageError: The database failed; nothing is stored.
        """
        encode_time(record.asked_at)
        values = {
            "text": record.text,
            "store_id": record.store_id,
            "role": record.role.value,
            "language": record.language,
            "promotion_id": record.promotion_id,
            "source": record.source.value,
            "reason": record.reason.value,
            "answer_text": record.answer_text,
            "asked_at": record.asked_at,
        }
        with self._database.transaction() as connection:
            new_id = connection.execute(
                _table.insert().values(values).returning(_table.c.id)
            ).scalar_one()
        return dataclasses.replace(record, id=int(new_id))

    def find(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[QuestionRecord]:
        """Return records asked in ``[since, until)`` (either bound optional), oldest first."""
        query = select(_table).order_by(_table.c.asked_at, _table.c.id)
        if since is not None:
            query = query.where(_table.c.asked_at >= since)
        if until is not None:
            query = query.where(_table.c.asked_at < until)
        with self._database.read() as connection:
            return [_record(row) for row in connection.execute(query).mappings()]

    def count(self) -> int:
        """Return how many questions are logged."""
        with self._database.read() as connection:
            return int(connection.execute(select(func.count()).select_from(_table)).scalar_one())


def _record(row: RowMapping) -> QuestionRecord:
    return QuestionRecord(
        id=int(row["id"]),
        text=row["text"],
        store_id=row["store_id"],
        role=Role(row["role"]),
        language=row["language"],
        promotion_id=row["promotion_id"],
        source=AnswerSource(row["source"]),
        reason=GapReason(row["reason"]),
        answer_text=row["answer_text"],
        asked_at=row["asked_at"],
    )
