"""How a quiz is said on a clerk's floor: questions at quiet moments, feedback at once."""

from __future__ import annotations

from knowledge_base.quiz import QuizQuestion
from pipelines.floor_models import ExpectedReply
from pipelines.floor_models import Utterance as FloorUtterance
from pipelines.floor_models import UtteranceKind as FloorKind
from voice_agent.broadcast.floor_text import floor_sentences

FEEDBACK_PRIORITY = 20
"""What is said back to an answer goes right after it, before anything else waiting."""
QUESTION_PRIORITY = 0
"""Questions wait behind notices (priority 10) for the same quiet moment."""


def question_utterance(
    utterance_id: str, question: QuizQuestion, *, answer_within_secs: float
) -> FloorUtterance:
    """A question said at the next quiet moment; its answer is awaited without wake phrase."""
    return FloorUtterance(
        id=utterance_id,
        kind=FloorKind.QUIZ_QUESTION,
        sentences=floor_sentences(question.text),
        expects=ExpectedReply.QUIZ_ANSWER,
        priority=QUESTION_PRIORITY,
        reply_within_secs=answer_within_secs,
    )


def feedback_utterance(utterance_id: str, sentences: tuple[str, ...]) -> FloorUtterance:
    """What is said back to an answer (the rule again after a wrong one), at once."""
    return FloorUtterance(
        id=utterance_id,
        kind=FloorKind.QUIZ_FEEDBACK,
        sentences=tuple(s for text in sentences for s in floor_sentences(text)),
        priority=FEEDBACK_PRIORITY,
        wait_for_pause=False,
    )
