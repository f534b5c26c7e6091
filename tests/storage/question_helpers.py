"""A question the assistant could not answer, as the question log stores it."""

from __future__ import annotations

from datetime import datetime

from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord


def unanswered(
    text: str, *, asked_at: datetime, store_id: str = "SH-01", promotion_id: str | None = None
) -> QuestionRecord:
    """A clerk's English question ``text`` that found no answer (a knowledge-base gap)."""
    return QuestionRecord(
        text=text,
        role=Role.CLERK,
        language="en",
        source=AnswerSource.UNKNOWN,
        reason=GapReason.UNKNOWN,
        asked_at=asked_at,
        store_id=store_id,
        promotion_id=promotion_id,
    )
