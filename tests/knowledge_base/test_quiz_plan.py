"""One clerk's quiz: what is asked next and when, passed or failed, what is said back."""

from datetime import UTC, datetime, timedelta

import pytest

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz import QuestionKind
from knowledge_base.quiz_plan import (
    NextQuestion,
    QuizOutcome,
    QuizPlan,
    QuizPolicy,
    feedback_sentences,
    next_question,
    quiz_status,
    version_quiz,
)
from knowledge_base.quiz_scoring import QuizResult
from knowledge_base.versions import canonical_text, promotion_from_text

START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DISCOUNT = "weekend-running@3:discount"
EXCLUSIONS = "weekend-running@3:exclusions"
END = "weekend-running@3:end_date"
QUIZ = (DISCOUNT, EXCLUSIONS, END)
POLICY = QuizPolicy(questions=3, retry_after=timedelta(minutes=5), max_attempts=2)


def answer(question: str, passed: bool, minutes: float) -> QuizResult:
    return QuizResult(
        question_id=question,
        clerk="ana",
        kind=QuestionKind(question.split(":")[1]),
        heard="...",
        passed=passed,
        reasons=() if passed else ("said 15 percent, which the rule does not say",),
        replay=None if passed else "The Weekend Running Offer: 25 percent off.",
        judged_by="rules",
        answered_at=START + timedelta(minutes=minutes),
    )


def test_questions_never_answered_are_asked_first_in_the_plans_order() -> None:
    assert next_question(QUIZ, [], POLICY) == NextQuestion(DISCOUNT, None, 1)
    after_one = [answer(DISCOUNT, True, 1)]
    assert next_question(QUIZ, after_one, POLICY) == NextQuestion(EXCLUSIONS, None, 1)
    # A wrong answer does not hold up the questions not asked yet.
    wrong_first = [answer(DISCOUNT, False, 1)]
    assert next_question(QUIZ, wrong_first, POLICY) == NextQuestion(EXCLUSIONS, None, 1)


def test_a_wrong_answer_is_asked_again_after_the_retry_delay() -> None:
    answers = [answer(DISCOUNT, False, 1), answer(EXCLUSIONS, True, 2), answer(END, True, 3)]
    step = next_question(QUIZ, answers, POLICY)
    assert step == NextQuestion(DISCOUNT, START + timedelta(minutes=6), 2)
    status = quiz_status(QUIZ, answers, POLICY)
    assert (status.outcome, status.remaining, status.passed_at) == (
        QuizOutcome.IN_PROGRESS,
        (DISCOUNT,),
        None,
    )


def test_the_retry_due_first_is_asked_first() -> None:
    answers = [answer(DISCOUNT, False, 4), answer(EXCLUSIONS, False, 2), answer(END, True, 5)]
    assert next_question(QUIZ, answers, POLICY) == NextQuestion(
        EXCLUSIONS, START + timedelta(minutes=7), 2
    )


def test_every_question_right_once_passes_at_the_last_first_right_answer() -> None:
    answers = [
        answer(DISCOUNT, False, 1),
        answer(EXCLUSIONS, True, 2),
        answer(END, True, 3),
        answer(DISCOUNT, True, 9),
    ]
    status = quiz_status(QUIZ, answers, POLICY)
    assert status.outcome is QuizOutcome.PASSED
    assert status.passed_at == START + timedelta(minutes=9)
    assert next_question(QUIZ, answers, POLICY) is None


def test_answers_to_questions_outside_the_plan_do_not_pass_it() -> None:
    only_two = [answer(DISCOUNT, True, 1), answer(EXCLUSIONS, True, 2)]
    assert quiz_status(QUIZ, only_two, POLICY).outcome is QuizOutcome.IN_PROGRESS
    assert quiz_status(QUIZ[:2], only_two, POLICY).outcome is QuizOutcome.PASSED


def test_a_question_wrong_as_often_as_allowed_fails_the_quiz_and_nothing_more_is_asked() -> None:
    answers = [answer(DISCOUNT, False, 1), answer(EXCLUSIONS, True, 2), answer(DISCOUNT, False, 8)]
    status = quiz_status(QUIZ, answers, POLICY)
    assert status.outcome is QuizOutcome.FAILED
    assert status.failed_at == START + timedelta(minutes=8)
    assert status.remaining == (DISCOUNT, END)
    assert next_question(QUIZ, answers, POLICY) is None


def test_a_policy_that_cannot_quiz_is_refused() -> None:
    with pytest.raises(ValueError, match="questions"):
        QuizPolicy(questions=0)
    with pytest.raises(ValueError, match="max_attempts"):
        QuizPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="retry_after"):
        QuizPolicy(retry_after=timedelta(seconds=-1))


def test_a_plan_asks_only_about_its_own_version() -> None:
    with pytest.raises(ValueError, match="not about weekend-running@4"):
        QuizPlan("weekend-running", 4, "ana", QUIZ, "notice", START)
    with pytest.raises(ValueError, match="at least one question"):
        QuizPlan("weekend-running", 3, "ana", (), "notice", START)


def test_right_is_said_back_and_a_wrong_answer_hears_the_rule_again() -> None:
    assert feedback_sentences(answer(DISCOUNT, True, 1), language="en", retry=False) == ("Right.",)
    assert feedback_sentences(answer(DISCOUNT, False, 1), language="en", retry=True) == (
        "Not quite.",
        "The Weekend Running Offer: 25 percent off.",
        "I will ask you again later.",
    )
    assert feedback_sentences(answer(DISCOUNT, False, 1), language="zh-CN", retry=False)[0] == (
        "不太对。"
    )


def test_the_quiz_on_a_version_asks_about_what_changed_first(knowledge: KnowledgeBase) -> None:
    weekend = knowledge.promotion("weekend-running")
    text = canonical_text(weekend)
    assert "per_customer: 2" in text
    changed = promotion_from_text(text.replace("per_customer: 2", "per_customer: 3"))
    questions = version_quiz(
        changed, weekend, knowledge=knowledge, store_id="SH-01", language="en", count=2
    )
    assert [q.kind for q in questions] == [QuestionKind.LIMIT, QuestionKind.DISCOUNT]
    first = version_quiz(
        weekend, None, knowledge=knowledge, store_id="SH-01", language="en", count=2
    )
    assert [q.kind for q in first] == [QuestionKind.DISCOUNT, QuestionKind.EXCLUSIONS]
