"""Quiz plans: which questions each clerk is quizzed on about a version, and how it ended.

A plan is stored when a clerk's quiz starts (after they acknowledged an urgent notice, or
when asked for a briefing's change), before the first question is spoken; the answers are
:class:`~voice_agent.storage.broadcast.SqlQuizResultRepository` records. Together they are
the whole state of a quiz, so a clerk who drops mid-quiz is asked the rest when back, by
this process or the next.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import RowMapping, select

from knowledge_base.quiz_plan import QuizOutcome, QuizPlan
from voice_agent.storage.broadcast_schema import quiz_plans
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import encode_time


class SqlQuizPlanRepository:
    """Quiz plans (revision ``0007_quiz_plans``)."""

    def __init__(self, *, database: Database) -> None:
        """Use the (upgraded) ``database``."""
        self._database = database

    def create(self, plan: QuizPlan) -> bool:
        """Store ``plan`` durably.

        Returns:
            False when this clerk has a plan for this version already (nothing is written).

        Raises:
            ValueError: A naive time.
        """
        encode_time(plan.created_at)
        with self._database.transaction() as connection:
            exists = connection.execute(
                select(quiz_plans.c.clerk)
                .where(quiz_plans.c.promotion_id == plan.promotion_id)
                .where(quiz_plans.c.version == plan.version)
                .where(quiz_plans.c.clerk == plan.clerk)
            ).first()
            if exists is not None:
                return False
            connection.execute(
                quiz_plans.insert().values(
                    promotion_id=plan.promotion_id,
                    version=plan.version,
                    clerk=plan.clerk,
                    question_ids=json.dumps(list(plan.question_ids)),
                    reason=plan.reason,
                    created_at=plan.created_at,
                    outcome=plan.outcome.value,
                    closed_at=plan.closed_at,
                )
            )
        return True

    def close(self, plan: QuizPlan, outcome: QuizOutcome, *, at: datetime) -> QuizPlan:
        """Record how the quiz ended (passed, failed, superseded); returns the closed plan."""
        encode_time(at)
        with self._database.transaction() as connection:
            connection.execute(
                quiz_plans.update()
                .where(quiz_plans.c.promotion_id == plan.promotion_id)
                .where(quiz_plans.c.version == plan.version)
                .where(quiz_plans.c.clerk == plan.clerk)
                .values(outcome=outcome.value, closed_at=at)
            )
        return QuizPlan(
            plan.promotion_id,
            plan.version,
            plan.clerk,
            plan.question_ids,
            plan.reason,
            plan.created_at,
            outcome,
            at,
        )

    def plans(
        self,
        *,
        promotion_id: str | None = None,
        version: int | None = None,
        clerk: str | None = None,
        open_only: bool = False,
    ) -> list[QuizPlan]:
        """Plans, oldest first, filtered as asked (``open_only``: quizzes in progress)."""
        query = select(quiz_plans).order_by(
            quiz_plans.c.created_at, quiz_plans.c.promotion_id, quiz_plans.c.clerk
        )
        if promotion_id is not None:
            query = query.where(quiz_plans.c.promotion_id == promotion_id)
        if version is not None:
            query = query.where(quiz_plans.c.version == version)
        if clerk is not None:
            query = query.where(quiz_plans.c.clerk == clerk)
        if open_only:
            query = query.where(quiz_plans.c.outcome == QuizOutcome.IN_PROGRESS.value)
        with self._database.read() as connection:
            return [_plan(row) for row in connection.execute(query).mappings()]


def _plan(row: RowMapping) -> QuizPlan:
    return QuizPlan(
        promotion_id=row["promotion_id"],
        version=int(row["version"]),
        clerk=row["clerk"],
        question_ids=tuple(json.loads(row["question_ids"])),
        reason=row["reason"],
        created_at=row["created_at"],
        outcome=QuizOutcome(row["outcome"]),
        closed_at=row["closed_at"],
    )
