"""The stored side of spoken quizzes: plans started, questions made, answers recorded.

Blocking (reads and writes the database): the quizmaster calls it through
``asyncio.to_thread``. Only a plan's question ids are stored; the questions are generated
again from the stored version whenever one is asked (for the clerk's store, in the
session's language), so any process over the same database asks the same quiz.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_queue import parse_notice_id
from knowledge_base.notice_scope import promotion_stores
from knowledge_base.quiz import QuizQuestion
from knowledge_base.quiz_plan import (
    NextQuestion,
    QuizOutcome,
    QuizPlan,
    QuizPolicy,
    QuizStatus,
    next_question,
    quiz_status,
    version_quiz,
)
from knowledge_base.quiz_scoring import Judge, QuizResult, score_answer
from knowledge_base.rosters import Roster, StaffMember
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlPromotionVersionRepository,
    SqlQuizPlanRepository,
    SqlQuizResultRepository,
)

_ALL_KINDS = 6


class QuizStore:
    """Quiz plans and answers over the stored versions (see the module docstring)."""

    def __init__(
        self, *, database: Database, knowledge: Callable[[], KnowledgeBase], policy: QuizPolicy
    ) -> None:
        """Work over ``database``; names and currencies from ``knowledge`` (asked each time)."""
        self._plans = SqlQuizPlanRepository(database=database)
        self._results = SqlQuizResultRepository(database=database)
        self._notices = SqlNoticeRepository(database=database)
        self._versions = SqlPromotionVersionRepository(database=database)
        self._knowledge = knowledge
        self._policy = policy

    # --- plans --------------------------------------------------------------------------------

    def start(
        self, member: StaffMember, promotion_id: str, version: int, *, reason: str, at: datetime
    ) -> QuizPlan | None:
        """Store ``member``'s quiz plan on the version; returns it if it was stored now.

        Nothing is stored for someone not a clerk, a version no longer current (nobody is
        quizzed on an outdated rule), nothing to ask, or a quiz started before.
        """
        if member.role is not Role.CLERK or member.store_id is None:
            return None
        if not self.is_current(promotion_id, version):
            return None
        questions = self._questions(promotion_id, version, member.store_id, "en", None)
        if not questions:
            return None
        plan = QuizPlan(
            promotion_id=promotion_id,
            version=version,
            clerk=member.identity,
            question_ids=tuple(q.id for q in questions),
            reason=reason,
            created_at=at,
        )
        return plan if self._plans.create(plan) else None

    def owed(self, member: StaffMember, *, at: datetime) -> list[QuizPlan]:
        """Start the quiz of every notice ``member`` acknowledged that has none yet."""
        planned = {(p.promotion_id, p.version) for p in self._plans.plans(clerk=member.identity)}
        started = []
        for delivery in self._notices.deliveries(clerk=member.identity):
            key = parse_notice_id(delivery.notice_id)
            if delivery.acknowledged_at is not None and key not in planned:
                plan = self.start(member, *key, reason="notice", at=at)
                started += [plan] if plan else []
        return started

    def clerks_in_scope(self, roster: Roster, promotion_id: str, version: int | None) -> list[str]:
        """Clerks on ``roster`` at a store in the version's scope (``None``: the newest).

        Raises:
            LookupError: The version is not stored.
        """
        stored = (
            self._versions.latest(promotion_id)
            if version is None
            else self._versions.get(promotion_id, version)
        )
        if stored is None:
            raise LookupError(f"no published {promotion_id} version {version or ''}".strip())
        stores = promotion_stores(self._knowledge(), stored.promotion())
        return [m.identity for s in sorted(stores) for m in roster.at_store(s, Role.CLERK)]

    def newest(self, promotion_id: str) -> int | None:
        """The newest stored version of the promotion."""
        latest = self._versions.latest(promotion_id)
        return latest.version if latest else None

    def is_current(self, promotion_id: str, version: int) -> bool:
        """Whether ``version`` is the newest stored version of the promotion."""
        return self.newest(promotion_id) == version

    def open_plans(
        self, *, clerk: str | None = None, promotion_id: str | None = None
    ) -> list[QuizPlan]:
        """Quizzes in progress, oldest first."""
        return self._plans.plans(clerk=clerk, promotion_id=promotion_id, open_only=True)

    def close(self, plan: QuizPlan, outcome: QuizOutcome, *, at: datetime) -> QuizPlan:
        """Record how the quiz ended."""
        return self._plans.close(plan, outcome, at=at)

    # --- questions and answers ----------------------------------------------------------------

    def progress(self, plan: QuizPlan) -> tuple[QuizStatus, NextQuestion | None]:
        """Where the plan's quiz stands after the stored answers, and what to ask next."""
        results = self._answers(plan)
        return (
            quiz_status(plan.question_ids, results, self._policy),
            next_question(plan.question_ids, results, self._policy),
        )

    def question(
        self, plan: QuizPlan, question_id: str, *, store_id: str, language: str
    ) -> QuizQuestion | None:
        """Question ``question_id`` of ``plan`` in ``language`` (``None``: cannot be made now)."""
        questions = self._questions(plan.promotion_id, plan.version, store_id, language, _ALL_KINDS)
        return next((q for q in questions if q.id == question_id), None)

    def record(
        self,
        plan: QuizPlan,
        question: QuizQuestion,
        heard: str,
        *,
        judge: Judge | None,
        at: datetime,
    ) -> tuple[QuizResult, QuizStatus]:
        """Score ``heard``, store the answer durably; the quiz's status after it."""
        result = score_answer(
            question, heard, knowledge=self._knowledge(), clerk=plan.clerk, judge=judge, at=at
        )
        self._results.add(result, promotion_id=plan.promotion_id, version=plan.version)
        return result, quiz_status(plan.question_ids, self._answers(plan), self._policy)

    def _answers(self, plan: QuizPlan) -> list[QuizResult]:
        return self._results.results(
            promotion_id=plan.promotion_id, version=plan.version, clerk=plan.clerk
        )

    def _questions(
        self, promotion_id: str, version: int, store_id: str, language: str, count: int | None
    ) -> list[QuizQuestion]:
        stored = self._versions.get(promotion_id, version)
        if stored is None:
            return []
        previous = self._versions.get(promotion_id, version - 1) if version > 1 else None
        return version_quiz(
            stored.promotion(),
            previous.promotion() if previous else None,
            knowledge=self._knowledge(),
            store_id=store_id,
            language=language,
            count=self._policy.questions if count is None else count,
        )
