"""The questions of a stored promotion version for one clerk, and how they are said.

Blocking (reads the stored versions): the quizmaster calls it through ``asyncio.to_thread``.
Questions are generated again from the stored version whenever one is asked (in the
session's language); only their ids are stored, in the clerk's :class:`QuizPlan`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz import QuizQuestion
from knowledge_base.quiz_plan import QuizPlan, QuizPolicy, version_quiz
from knowledge_base.rosters import StaffMember
from pipelines.floor_models import ExpectedReply
from pipelines.floor_models import Utterance as FloorUtterance
from pipelines.floor_models import UtteranceKind as FloorKind
from voice_agent.broadcast.session_channel import floor_sentences
from voice_agent.storage import Database, SqlPromotionVersionRepository

FEEDBACK_PRIORITY = 20
""""Right." / "Not quite." goes right after the answer, before anything else waiting."""
QUESTION_PRIORITY = 0
"""Questions wait behind notices (priority 10) for the same quiet moment."""
_ALL_KINDS = 6


class QuizQuestions:
    """Plans and questions from the stored versions (see the module docstring)."""

    def __init__(
        self, *, database: Database, knowledge: Callable[[], KnowledgeBase], policy: QuizPolicy
    ) -> None:
        """Read versions from ``database``; names and currencies from ``knowledge``."""
        self._versions = SqlPromotionVersionRepository(database=database)
        self._knowledge = knowledge
        self._policy = policy

    def is_current(self, promotion_id: str, version: int) -> bool:
        """Whether ``version`` is the newest stored version of the promotion."""
        latest = self._versions.latest(promotion_id)
        return latest is not None and latest.version == version

    def plan(
        self, member: StaffMember, promotion_id: str, version: int, *, reason: str, at: datetime
    ) -> QuizPlan | None:
        """The plan of ``member``'s quiz on the version.

        ``None`` for someone not a clerk, a version no longer current, or nothing to ask.
        """
        if member.role is not Role.CLERK or member.store_id is None:
            return None
        if not self.is_current(promotion_id, version):
            return None  # nobody is quizzed on an outdated rule
        questions = self._questions(
            promotion_id, version, store_id=member.store_id, language="en", count=None
        )
        if not questions:
            return None
        return QuizPlan(
            promotion_id=promotion_id,
            version=version,
            clerk=member.identity,
            question_ids=tuple(q.id for q in questions),
            reason=reason,
            created_at=at,
        )

    def question(
        self, plan: QuizPlan, question_id: str, *, store_id: str, language: str
    ) -> QuizQuestion | None:
        """Question ``question_id`` of ``plan`` in ``language`` (``None``: cannot be made now)."""
        questions = self._questions(
            plan.promotion_id, plan.version, store_id=store_id, language=language, count=_ALL_KINDS
        )
        return next((q for q in questions if q.id == question_id), None)

    def _questions(
        self, promotion_id: str, version: int, *, store_id: str, language: str, count: int | None
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


def question_utterance(
    utterance_id: str, question: QuizQuestion, *, answer_within_secs: float
) -> FloorUtterance:
    """A question to say at the next quiet moment; its answer is awaited."""
    return FloorUtterance(
        id=utterance_id,
        kind=FloorKind.QUIZ_QUESTION,
        sentences=floor_sentences(question.text),
        expects=ExpectedReply.QUIZ_ANSWER,
        priority=QUESTION_PRIORITY,
        reply_within_secs=answer_within_secs,
    )


def feedback_utterance(utterance_id: str, sentences: tuple[str, ...]) -> FloorUtterance:
    """The answer was right or not quite (and the rule again): said at once after it."""
    return FloorUtterance(
        id=utterance_id,
        kind=FloorKind.QUIZ_FEEDBACK,
        sentences=tuple(s for text in sentences for s in floor_sentences(text)),
        priority=FEEDBACK_PRIORITY,
        wait_for_pause=False,
    )
