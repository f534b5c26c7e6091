"""Turn assembly: what a user turn does next once an utterance has been transcribed.

No Pipecat here. :class:`TurnAssembly` holds the words of the turn being put together and
decides, for each transcript, whether the turn stops the bot, resumes it, finishes now, waits
for the rest, or holds; the processor that owns the frames carries the decision out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pipelines.turn_policy import (
    is_non_speech,
    is_stop_command,
    looks_like_continuation,
    looks_unfinished,
)


class TurnStep(StrEnum):
    """What the turn does next."""

    STOP = "stop"
    """The user told the bot to stop: cut its reply, answer nothing."""
    RESUME = "resume"
    """An interruption carried no words: the bot resumes the sentence it was cut off in."""
    FINISH = "finish"
    """The turn is complete: answer it now (:meth:`TurnAssembly.finish`)."""
    WAIT = "wait"
    """The turn looks unfinished: finish it after a wait unless the user goes on."""
    HOLD = "hold"
    """Nothing to do yet: more speech or a transcript is coming."""


@dataclass(frozen=True, slots=True)
class Utterance:
    """One transcribed stretch of speech."""

    text: str
    started_at: float
    """Monotonic seconds when the speech started."""
    ended_at: float
    """Monotonic seconds when its transcription was started."""
    barged_in: bool = False
    """The speech stopped the bot's audio."""
    audio: bytes = b""
    """The recorded speech (16-bit mono PCM at the session's input rate)."""
    audio_start: int = 0
    """Where ``audio`` begins in the session's input, in bytes since the session started."""


@dataclass(frozen=True, slots=True)
class FinishedTurn:
    """A turn's words and the utterances it was put together from."""

    text: str
    pieces: tuple[Utterance, ...] = ()
    """More than one when pauses split the turn ("Hey promo," ... "is the AX-200 ...")."""


@dataclass(frozen=True, slots=True)
class TurnContext:
    """What is going on around a transcript when it arrives."""

    recording: bool = False
    """The user is speaking again: an utterance is being recorded."""
    speech_started_at: float = float("-inf")
    """Monotonic seconds when the latest utterance started (this one's start, or later)."""
    waiting: bool = False
    """A wait for the rest of an unfinished turn is running."""
    transcriptions_pending: int = 1
    """Utterances being transcribed, this one included."""
    expecting_reply: bool = False
    """The floor awaits the clerk's reply: "stop" is an answer, not a command."""
    answer_heard: bool = False
    """A sentence of the current answer has started playing."""


class TurnAssembly:
    """Puts one session's transcripts together into turns.

    Args:
        continuation_gap_secs: Speech that starts this soon after a finished turn and reads
            like the rest of its sentence ("... in the weekend offer") is merged into it.
    """

    def __init__(self, *, continuation_gap_secs: float = 0.8) -> None:
        self._continuation_gap = continuation_gap_secs
        self._pending_text = ""
        self._pending_pieces: list[Utterance] = []
        self._pending_waited = False
        self._last_turn_text = ""
        self._last_turn_pieces: tuple[Utterance, ...] = ()
        self._last_turn_ended_at = float("-inf")
        self._ptt_held = False
        self._ptt_released = False
        """Push-to-talk was released: the next transcript ends the turn without waiting."""

    @property
    def pending_text(self) -> str:
        """The words of the turn put together so far (empty: no turn pending)."""
        return self._pending_text

    def press(self) -> None:
        """The push-to-talk button went down: pauses no longer end the turn."""
        self._ptt_held = True
        self._ptt_released = False

    def release(self) -> None:
        """The push-to-talk button came up: the next transcript ends the turn at once."""
        self._ptt_held = False
        self._ptt_released = True

    def after_release(self, *, transcriptions_pending: int) -> TurnStep:
        """What a release with nothing being recorded does.

        ``FINISH`` when no transcript is still coming; else ``HOLD``: the coming transcript
        ends the turn.
        """
        if transcriptions_pending == 0:
            self._ptt_released = False
            return TurnStep.FINISH
        return TurnStep.HOLD

    def clear_release(self) -> None:
        """Nothing is recorded or transcribed any more: a release ends one turn only."""
        self._ptt_released = False

    def decide(self, utterance: Utterance, context: TurnContext) -> TurnStep:
        """Add ``utterance`` to the turn and decide what the turn does next."""
        text = utterance.text
        if is_stop_command(text) and not self._pending_text and not context.expecting_reply:
            return TurnStep.STOP
        if is_non_speech(text):
            if utterance.barged_in:
                return TurnStep.RESUME
            if (
                self._pending_text
                and not context.recording
                and not context.waiting
                and not self._ptt_held
            ):
                self._ptt_released = False
                return TurnStep.FINISH
            return TurnStep.HOLD

        quick = utterance.started_at - self._last_turn_ended_at <= self._continuation_gap
        unheard = not context.answer_heard
        if not self._pending_text and quick and (looks_like_continuation(text) or unheard):
            # "Is the AX-200." ... "in the weekend offer?", or a second sentence before the
            # answer to the first was heard: both are the rest of the last question.
            self._pending_text = self._last_turn_text
            self._pending_pieces = list(self._last_turn_pieces)
        self._pending_text = f"{self._pending_text} {text}".strip()
        self._pending_pieces.append(utterance)
        if self._ptt_held:
            # The button is still down: a pause does not end the question.
            return TurnStep.HOLD
        if self._ptt_released:
            if not context.recording and context.transcriptions_pending <= 1:
                self._ptt_released = False
                return TurnStep.FINISH
            return TurnStep.HOLD
        unfinished = looks_unfinished(self._pending_text)
        spoke_again = context.speech_started_at > utterance.started_at
        if spoke_again and (
            unfinished or context.speech_started_at - utterance.ended_at <= self._continuation_gap
        ):
            # The user went on speaking after a short pause: one turn, finished by the
            # transcript of what came next.
            return TurnStep.HOLD
        if unfinished and not self._pending_waited:
            self._pending_waited = True
            return TurnStep.WAIT
        return TurnStep.FINISH

    def finish(self, *, ended_at: float) -> FinishedTurn:
        """Take the pending words as the finished turn (empty text: there was none).

        ``ended_at`` (monotonic seconds) is when the user last stopped speaking: speech that
        starts soon after it may continue this turn.
        """
        turn = FinishedTurn(text=self._pending_text, pieces=tuple(self._pending_pieces))
        self._pending_text = ""
        self._pending_pieces = []
        self._pending_waited = False
        if turn.text:
            self._last_turn_text = turn.text
            self._last_turn_pieces = turn.pieces
            self._last_turn_ended_at = ended_at
        return turn

    def heard_again(self, text: str) -> None:
        """The finished turn was transcribed again as a whole: a continuation joins that."""
        self._last_turn_text = text
