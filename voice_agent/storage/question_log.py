"""SQLite implementation of :class:`knowledge_base.gaps.QuestionLogRepository`."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime

from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage.database import Database
from voice_agent.storage.timestamps import decode_time, encode_time

_COLUMNS = "id, text, store_id, role, language, promotion_id, source, reason, answer_text, asked_at"


class SqliteQuestionLogRepository:
    """Gap questions in the ``question_log`` table (migration 2)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (migrated) ``database``."""
        self._database = database

    def add(self, record: QuestionRecord) -> QuestionRecord:
        """Store ``record`` durably; return it with its ``id`` set."""
        with self._database.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO question_log (text, store_id, role, language, promotion_id,"
                " source, reason, answer_text, asked_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.text,
                    record.store_id,
                    record.role.value,
                    record.language,
                    record.promotion_id,
                    record.source.value,
                    record.reason.value,
                    record.answer_text,
                    encode_time(record.asked_at),
                ),
            )
            new_id = cursor.lastrowid
        return dataclasses.replace(record, id=new_id)

    def find(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[QuestionRecord]:
        """Return records asked in ``[since, until)`` (either bound optional), oldest first."""
        clauses: list[str] = []
        params: list[str] = []
        if since is not None:
            clauses.append("asked_at >= ?")
            params.append(encode_time(since))
        if until is not None:
            clauses.append("asked_at < ?")
            params.append(encode_time(until))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._database.read() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM question_log{where} ORDER BY asked_at, id", params
            ).fetchall()
        return [_record(row) for row in rows]

    def count(self) -> int:
        """Return how many questions are logged."""
        with self._database.read() as connection:
            return int(connection.execute("SELECT COUNT(*) FROM question_log").fetchone()[0])


def _record(row: sqlite3.Row) -> QuestionRecord:
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
        asked_at=decode_time(row["asked_at"]),
    )
