"""One clerk's quiz on one promotion version: what to ask next and when, passed or failed.

Plain values only. A :class:`QuizPlan` names the questions (ids, in asking order) a clerk is
quizzed on; the clerk's stored answers are :class:`~knowledge_base.quiz_scoring.QuizResult`
records. The rules:

* questions never answered come first, in the plan's order, one at a time;
* after a wrong answer the rule is replayed at once (:func:`feedback_sentences`) and the
  question is asked again ``retry_after`` after that answer (the next quiet moment then);
* a question answered wrong ``max_attempts`` times fails the quiz: nothing more is asked;
* every question answered right once (retries count) passes it, at
  :func:`~knowledge_base.quiz_scoring.passed_at`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Promotion, is_chinese
from knowledge_base.quiz import QuizQuestion, generate_quiz
from knowledge_base.quiz_scoring import QuizResult, passed_at
from knowledge_base.versions.diff import diff_promotions, path_names


class QuizOutcome(StrEnum):
    """Where one clerk's quiz stands."""

    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"
    """A question was answered wrong as often as allowed."""
    SUPERSEDED = "superseded"
    """A newer version of the promotion was published before the quiz ended."""


@dataclass(frozen=True, slots=True)
class QuizPolicy:
    """How many questions, and how wrong answers are retried (``[quiz]`` settings)."""

    questions: int = 3
    retry_after: timedelta = timedelta(minutes=5)
    """A wrongly answered question is asked again this long after the answer (at the next
    quiet moment from then)."""
    max_attempts: int = 3
    """Answers per question at most (the first one included); then the quiz has failed."""

    def __post_init__(self) -> None:
        """Refuse a policy that cannot quiz anyone."""
        if not 1 <= self.questions <= 6:
            raise ValueError(f"questions must be 1-6, not {self.questions}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")
        if self.retry_after < timedelta(0):
            raise ValueError("retry_after must not be negative")


@dataclass(frozen=True, slots=True)
class QuizPlan:
    """The questions one clerk is quizzed on about one version, stored when the quiz starts."""

    promotion_id: str
    version: int
    clerk: str
    question_ids: tuple[str, ...]
    """In asking order (``<promotion id>@<version>:<kind>``)."""
    reason: str
    """Why: ``notice`` (an acknowledged urgent notice) or ``briefing``."""
    created_at: datetime
    outcome: QuizOutcome = QuizOutcome.IN_PROGRESS
    closed_at: datetime | None = None
    """When the outcome was decided (``None`` while in progress)."""

    def __post_init__(self) -> None:
        """A plan asks something, and only about its own version."""
        if not self.question_ids:
            raise ValueError(f"a quiz plan for {self.clerk} needs at least one question")
        prefix = f"{self.promotion_id}@{self.version}:"
        stray = [q for q in self.question_ids if not q.startswith(prefix)]
        if stray:
            raise ValueError(f"questions {stray} are not about {prefix[:-1]}")


@dataclass(frozen=True, slots=True)
class QuizStatus:
    """One clerk's quiz after their answers so far."""

    outcome: QuizOutcome
    passed_at: datetime | None
    """When the last question was first answered right (``None``: not passed)."""
    failed_at: datetime | None
    """The answer that used up a question's attempts (``None``: not failed)."""
    remaining: tuple[str, ...]
    """Questions not answered right yet, in plan order."""


@dataclass(frozen=True, slots=True)
class NextQuestion:
    """The question to ask next, and from when."""

    question_id: str
    due_at: datetime | None
    """Not before this moment (``None``: now, a question never asked)."""
    attempt: int
    """1 for the first asking, 2 for the first retry, ..."""


def quiz_status(
    question_ids: Sequence[str], results: Iterable[QuizResult], policy: QuizPolicy
) -> QuizStatus:
    """Where the quiz on ``question_ids`` stands after ``results`` (others are ignored)."""
    mine = [r for r in results if r.question_id in question_ids]
    passed = passed_at(mine, question_ids)
    right = {r.question_id for r in mine if r.passed}
    remaining = tuple(q for q in question_ids if q not in right)
    if passed is not None:
        return QuizStatus(QuizOutcome.PASSED, passed, None, ())
    failed_at = None
    for question in remaining:
        wrong = sorted(_answer_time(r) for r in mine if r.question_id == question)
        if len(wrong) >= policy.max_attempts:
            used_up = wrong[policy.max_attempts - 1]
            failed_at = used_up if failed_at is None else min(failed_at, used_up)
    if failed_at is not None:
        return QuizStatus(QuizOutcome.FAILED, None, failed_at, remaining)
    return QuizStatus(QuizOutcome.IN_PROGRESS, None, None, remaining)


def next_question(
    question_ids: Sequence[str], results: Iterable[QuizResult], policy: QuizPolicy
) -> NextQuestion | None:
    """The next question of a quiz in progress (``None``: passed or failed, nothing to ask).

    A question never answered comes first (due now); else the wrongly answered question
    whose retry is due first.
    """
    mine = [r for r in results if r.question_id in question_ids]
    if quiz_status(question_ids, mine, policy).outcome is not QuizOutcome.IN_PROGRESS:
        return None
    retries: list[NextQuestion] = []
    for question in question_ids:
        answers = [r for r in mine if r.question_id == question]
        if not answers:
            return NextQuestion(question, None, 1)
        if any(r.passed for r in answers):
            continue
        last = max(_answer_time(r) for r in answers)
        retries.append(NextQuestion(question, last + policy.retry_after, len(answers) + 1))
    return min(retries, key=lambda step: (step.due_at or datetime.min, step.question_id))


def version_quiz(
    promotion: Promotion,
    previous: Promotion | None,
    *,
    knowledge: KnowledgeBase,
    store_id: str,
    language: str,
    count: int,
) -> list[QuizQuestion]:
    """The quiz on a published version: what changed since ``previous`` is asked first."""
    changed: set[str] = set()
    if previous is not None:
        changes = diff_promotions(previous, promotion)
        changed = {names[0] for c in changes if (names := path_names(c.path))}
    return generate_quiz(
        promotion,
        knowledge=knowledge,
        store_id=store_id,
        language=language,
        changed=changed,
        count=count,
    )


def feedback_sentences(result: QuizResult, *, language: str, retry: bool) -> tuple[str, ...]:
    """What the assistant says right after an answer: "Right." or "Not quite." and the rule.

    Args:
        result: The scored (and stored) answer.
        language: ``en`` or ``zh-CN``.
        retry: The question will be asked again later (say so after the rule).
    """
    zh = is_chinese(language)
    if result.passed:
        return ("对。",) if zh else ("Right.",)
    sentences = ["不太对。" if zh else "Not quite."]
    if result.replay:
        sentences.append(result.replay)
    if retry:
        sentences.append("稍后我再问你一次。" if zh else "I will ask you again later.")
    return tuple(sentences)


def _answer_time(result: QuizResult) -> datetime:
    if result.answered_at is None:
        raise ValueError(f"the answer of {result.clerk} to {result.question_id} has no time")
    return result.answered_at
