"""What headquarters says to a clerk through the floor: utterances and the replies they await.

Plain values, no Pipecat: the broadcaster (notices, quizzes) and the feedback capture build
:class:`Utterance` objects and hand them to :meth:`pipelines.floor_processor.FloorProcessor.offer`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from pipelines.errors import PipelineError
from pipelines.events import FloorEvent

MAX_SENTENCES = 12
"""An utterance is short speech, not a briefing."""
MAX_SENTENCE_CHARS = 600
MAX_ID_CHARS = 200


class UtteranceKind(StrEnum):
    """What an utterance is (the broadcaster's and the feedback capture's vocabulary)."""

    NOTICE = "notice"
    REPLAY = "replay"
    """A rule or notice spoken again (after a failed quiz answer, or on the schedule)."""
    QUIZ_QUESTION = "quiz_question"
    QUIZ_FEEDBACK = "quiz_feedback"
    FEEDBACK_CONFIRMATION = "feedback_confirmation"
    ESCALATION = "escalation"
    """A store manager hears that a clerk has not acknowledged."""
    ALERT = "alert"
    """A store or regional manager hears a feedback alert (``docs/feedback.md``)."""


class ExpectedReply(StrEnum):
    """What the clerk is expected to say after an utterance."""

    NONE = "none"
    ACKNOWLEDGEMENT = "acknowledgement"
    """ "got it" / "收到" (or the push-to-talk acknowledgement)."""
    QUIZ_ANSWER = "quiz_answer"
    FREE_TEXT = "free_text"
    """Anything (a feedback correction): handed over as it was heard."""


class HeardReply(StrEnum):
    """How a clerk's turn was read while a reply was awaited."""

    ACKNOWLEDGED = "acknowledged"
    REPEAT = "repeat"
    """The clerk asked to hear it again ("say that again", "没听清")."""
    OTHER = "other"
    """Not a reply (a question, a remark): it goes to the answerer, the wait goes on."""
    ANSWER = "answer"
    """A quiz answer, handed to the scoring callback."""
    TEXT = "text"
    """Free text, handed to its callback."""


class UtteranceError(PipelineError):
    """An utterance that cannot be spoken (no id, no sentences, too long)."""

    code = "utterance_invalid"


@dataclass(frozen=True, slots=True)
class Utterance:
    """One thing to say to the clerk, and what reply it waits for.

    Attributes:
        id: Unique per thing said (a notice uses its notice id, ``weekend-running@3``).
            Offering an id again replaces the queued one.
        kind: What it is.
        sentences: Spoken in order, each as one text-to-speech request.
        expects: The reply it waits for; while one is awaited the clerk needs no wake phrase.
        priority: Higher is spoken first; equal priorities go in offering order.
        wait_for_pause: Wait for a quiet moment with a pause since the last turn (notices,
            quiz questions). ``False``: speak as soon as nobody speaks and nothing is being
            answered (quiz feedback or a confirmation, right after the clerk's turn).
        reply_within_secs: Seconds after it finished playing (or was cut off) that a reply
            is awaited; then a ``reply_timed_out`` event is reported.
        max_repeats: How often the clerk may have it repeated on request.
    """

    id: str
    kind: UtteranceKind
    sentences: tuple[str, ...]
    expects: ExpectedReply = ExpectedReply.NONE
    priority: int = 0
    wait_for_pause: bool = True
    reply_within_secs: float = 120.0
    max_repeats: int = 2

    def __post_init__(self) -> None:
        """Refuse what cannot be spoken (a clear error with a code, nothing queued)."""
        if not self.id.strip() or len(self.id) > MAX_ID_CHARS:
            raise UtteranceError(f"utterance id must be 1-{MAX_ID_CHARS} characters: {self.id!r}")
        if not self.sentences or len(self.sentences) > MAX_SENTENCES:
            raise UtteranceError(
                f"utterance {self.id!r}: 1-{MAX_SENTENCES} sentences, not {len(self.sentences)}"
            )
        for index, sentence in enumerate(self.sentences):
            if not sentence.strip() or len(sentence) > MAX_SENTENCE_CHARS:
                raise UtteranceError(
                    f"utterance {self.id!r}: sentence {index + 1} must be 1-"
                    f"{MAX_SENTENCE_CHARS} characters"
                )
        if not self.reply_within_secs > 0:
            raise UtteranceError(f"utterance {self.id!r}: reply_within_secs must be positive")
        if self.max_repeats < 0:
            raise UtteranceError(f"utterance {self.id!r}: max_repeats must not be negative")

    @property
    def text(self) -> str:
        """The whole utterance (for logs and reports)."""
        return " ".join(self.sentences)


FloorListener = Callable[[FloorEvent], Awaitable[None] | None]
"""Receives the floor's events (the broadcaster records deliveries from them)."""
ReplyCallback = Callable[[Utterance, str], Awaitable[None]]
"""Called with the utterance and the reply's transcript (quiz scoring, feedback correction).

Keep it short (score, then ``offer`` the feedback): the clerk's turns wait while it runs.
"""
