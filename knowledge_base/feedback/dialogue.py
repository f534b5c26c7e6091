"""The feedback conversation of one clerk, as a pure state machine.

Feed it what the clerk said (:meth:`FeedbackDialogue.hear`) and the silences
(:meth:`FeedbackDialogue.silence`); each call returns a :class:`DialogueStep` saying whether
the utterance belonged to feedback (``consumed``; otherwise the normal question answering
handles it) and whether a text is now ready to be recorded. The caller records it (commit
first), then reports the saved id with :meth:`FeedbackDialogue.saved` and speaks the
confirmation. Right after a confirmation, "correct that" starts a new capture whose record
supersedes the last one.

States: ``idle`` -> (trigger) ``capturing`` -> (end phrase or silence) ``idle`` with a text
to record -> after :meth:`saved`, corrections are accepted until ``correction_window_secs``
of silence or any other utterance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from knowledge_base.feedback.capture import (
    DEFAULT_MAX_CAPTURE_CHARS,
    DEFAULT_SILENCE_SECS,
    CaptureEnd,
    FeedbackCapture,
    is_correction,
    start_capture,
)
from knowledge_base.feedback.confirmation import correction_prompt, nothing_heard

DEFAULT_CORRECTION_WINDOW_SECS = 10.0


class DialogueState(StrEnum):
    """Where the feedback conversation stands."""

    IDLE = "idle"
    CAPTURING = "capturing"
    CORRECTABLE = "correctable"
    """A record was just saved; "correct that" would replace it."""


@dataclass(frozen=True, slots=True)
class DialogueStep:
    """What to do after one utterance or silence."""

    consumed: bool
    """The utterance was feedback (or a correction): do not answer it as a question."""
    record: str | None = None
    """A captured text to record now (then call :meth:`FeedbackDialogue.saved`)."""
    supersedes: str | None = None
    """The record id the new record corrects."""
    say: str | None = None
    """Something to say now (a prompt, or that nothing was heard)."""
    ended: CaptureEnd | None = None


class FeedbackDialogue:
    """One clerk's feedback turns: start, capture, hand over to record, offer a correction."""

    def __init__(
        self,
        *,
        language: str = "en",
        silence_secs: float = DEFAULT_SILENCE_SECS,
        max_chars: int = DEFAULT_MAX_CAPTURE_CHARS,
        correction_window_secs: float = DEFAULT_CORRECTION_WINDOW_SECS,
    ) -> None:
        """Start idle.

        Args:
            language: Language of the prompts (``en``, ``zh-CN``).
            silence_secs: Silence that ends a capture, in seconds.
            max_chars: Size at which a capture ends and its text is recorded.
            correction_window_secs: Silence after a confirmation that closes the chance to
                correct it, in seconds.
        """
        self.language = language
        self._silence_secs = silence_secs
        self._max_chars = max_chars
        self._window = correction_window_secs
        self._capture: FeedbackCapture | None = None
        self._last_saved: str | None = None
        self._correcting: str | None = None
        self.state = DialogueState.IDLE

    def hear(self, utterance: str, *, push_to_talk: bool = False) -> DialogueStep:
        """The clerk said ``utterance`` (``push_to_talk``: under a feedback push-to-talk)."""
        if self.state is DialogueState.CAPTURING:
            assert self._capture is not None
            return self._after(self._capture.add(utterance))
        if self.state is DialogueState.CORRECTABLE:
            if is_correction(utterance):
                self._correcting, self._last_saved = self._last_saved, None
                self._capture = start_capture(
                    "", push_to_talk=True, silence_secs=self._silence_secs,
                    max_chars=self._max_chars,
                )  # fmt: skip
                self.state = DialogueState.CAPTURING
                return DialogueStep(consumed=True, say=correction_prompt(self.language))
            self.state, self._last_saved = DialogueState.IDLE, None
        capture = start_capture(
            utterance, push_to_talk=push_to_talk, silence_secs=self._silence_secs,
            max_chars=self._max_chars,
        )  # fmt: skip
        if capture is None:
            return DialogueStep(consumed=False)
        self._capture, self._correcting = capture, None
        self.state = DialogueState.CAPTURING
        return self._after(capture.ended)

    def silence(self, seconds: float) -> DialogueStep:
        """``seconds`` of silence since the clerk last spoke."""
        if self.state is DialogueState.CAPTURING:
            assert self._capture is not None
            ended = self._capture.silence(seconds)
            return self._after(ended) if ended else DialogueStep(consumed=False)
        if self.state is DialogueState.CORRECTABLE and seconds >= self._window:
            self.state, self._last_saved = DialogueState.IDLE, None
        return DialogueStep(consumed=False)

    def saved(self, record_id: str) -> None:
        """The recorded text was committed as ``record_id``: it may now be corrected."""
        self._last_saved = record_id
        self.state = DialogueState.CORRECTABLE

    def _after(self, ended: CaptureEnd | None) -> DialogueStep:
        if ended is None:
            return DialogueStep(consumed=True)
        assert self._capture is not None
        text, supersedes = self._capture.text, self._correcting
        overflow = self._capture.overflow
        self._capture, self._correcting = None, None
        self.state = DialogueState.IDLE
        if ended is CaptureEnd.LIMIT:
            # Too long for one capture: record what there is and keep listening, so the
            # rest of the monologue is captured too (nothing is dropped).
            self._capture = start_capture(
                overflow, push_to_talk=True, silence_secs=self._silence_secs,
                max_chars=self._max_chars,
            )  # fmt: skip
            self.state = DialogueState.CAPTURING
        if not text:
            return DialogueStep(consumed=True, say=nothing_heard(self.language), ended=ended)
        return DialogueStep(consumed=True, record=text, supersedes=supersedes, ended=ended)
