"""Spoken feedback in a live session: each addressed turn goes to the feedback capture first.

Place :class:`FeedbackProcessor` between the floor and the ``AnswerProcessor`` (and a
:class:`~pipelines.feedback_audio.FeedbackAudioTap` after the transport's input). A turn
the capture takes ("hey promo, feedback: size 40 of the AX-200 sold out") never reaches
the answerer; what the capture says back (the confirmation, composed only after the record
was committed, or that it could not be saved) is spoken at once. While a capture is open
the clerk needs no wake phrase (``ConversationState.feedback_capturing``), and silence ends
it: the processor reports the seconds since the clerk last spoke. That timer runs only while
the capture listens (a capture is open, or its record may still be corrected); a session
with nothing to capture has no timer at all. The earpiece's feedback button
(:class:`FeedbackTalkFrame`) starts a capture without words.

The capture rules and the recording are the adapter's (:class:`FeedbackCapturer`); this
module only moves frames, audio and time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from loguru import logger
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    Frame,
    SystemFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.conversation_state import ConversationState
from pipelines.feedback_audio import FeedbackAudioTap

SPEECH_RUN_GAP_SECS = 2.0
"""Speech after a shorter pause belongs to the same turn (for the turn's audio)."""
PREROLL_SECS = 0.7
"""Audio kept from before the VAD reported the turn's start (its first syllables)."""


@dataclass
class FeedbackTalkFrame(SystemFrame):
    """The clerk pressed the earpiece's feedback button (data message ``{"action": "feedback"}``).

    It starts a feedback capture: what the clerk says next is feedback, no trigger needed.
    """


@dataclass(frozen=True, slots=True)
class CaptureReply:
    """What the capture made of one turn or silence."""

    consumed: bool
    """The turn was feedback: it must not be answered as a question."""
    say: str | None = None
    """What to speak now (a confirmation only after the record was committed)."""
    recorded: bool = False
    """A record was attempted (saved or not): the capture's audio was handed over."""


class FeedbackCapturer(Protocol):
    """One clerk's feedback capture (the adapter wraps the domain's dialogue and recorder)."""

    @property
    def capturing(self) -> bool:
        """A capture is open: the clerk's turns are feedback."""
        ...

    @property
    def listening(self) -> bool:
        """A capture is open or its record may still be corrected (silence matters)."""
        ...

    async def hear(
        self, text: str, *, push_to_talk: bool, pcm: bytes, sample_rate: int
    ) -> CaptureReply:
        """A finished turn (``pcm``: 16-bit mono audio of the capture so far, maybe empty)."""
        ...

    async def silence(self, seconds: float, *, pcm: bytes, sample_rate: int) -> CaptureReply:
        """``seconds`` since the clerk last spoke (``pcm`` as in :meth:`hear`)."""
        ...


class FeedbackProcessor(FrameProcessor):
    """Hands finished turns to the feedback capture before the answerer sees them.

    Args:
        state: This session's conversation state.
        capture: The clerk's feedback capture.
        audio: Where the capture's audio comes from (none: records keep no audio).
        clock: Monotonic seconds (tests may pin it).
        tick_secs: How often silence is measured while a capture listens (never otherwise).
    """

    def __init__(
        self,
        *,
        state: ConversationState,
        capture: FeedbackCapturer,
        audio: FeedbackAudioTap | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_secs: float = 0.25,
    ) -> None:
        super().__init__(name=f"FeedbackProcessor#{state.session_id}")
        self._state = state
        self._capture = capture
        self._audio = audio
        self._clock = clock
        self._tick = tick_secs
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        """The silence timer: only while the capture listens (see :meth:`_watch_silence`)."""
        self._ended = False
        self._run_started_at: float | None = None
        self._speech_stopped_at = float("-inf")
        self._last_heard = clock()
        self._last_taken = ""
        """The text of the last turn the capture took (see :meth:`_new_part`)."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Offer turns to the capture; follow the clerk's speech; pass the rest on."""
        await super().process_frame(frame, direction)
        now = self._clock()
        if isinstance(frame, VADUserStartedSpeakingFrame):
            if self._run_started_at is None or now - self._speech_stopped_at > SPEECH_RUN_GAP_SECS:
                self._run_started_at = now
            self._last_heard = now
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._speech_stopped_at = self._last_heard = now
        elif isinstance(frame, (EndFrame, CancelFrame)):
            self._ended = True
            await self._record_open_capture()
        elif isinstance(frame, FeedbackTalkFrame):
            async with self._lock:
                await self._hear("", push_to_talk=True, started_at=now)
            return
        elif isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            async with self._lock:
                started = self._run_started_at if self._run_started_at is not None else now
                if await self._hear(frame.text, push_to_talk=False, started_at=started):
                    return
        await self.push_frame(frame, direction)

    @property
    def watching_silence(self) -> bool:
        """The silence timer runs (only while the capture listens)."""
        return self._task is not None

    async def cleanup(self) -> None:
        """Stop measuring silence."""
        await super().cleanup()
        self._ended = True
        task, self._task = self._task, None
        if task is not None:
            await self.cancel_task(task)

    async def _hear(self, text: str, *, push_to_talk: bool, started_at: float) -> bool:
        if self._audio is not None and not self._capture.capturing:
            # The turn may start a capture: its audio is the capture's first audio.
            self._audio.start(since=started_at - PREROLL_SECS)
        pcm, rate = self._pcm()
        said, text = text, self._new_part(text)
        try:
            reply = await self._capture.hear(
                text, push_to_talk=push_to_talk, pcm=pcm, sample_rate=rate
            )
        except Exception:  # a capture bug must not end the session; the answerer takes over
            logger.exception(f"{self}: feedback capture failed on a turn")
            reply = CaptureReply(consumed=False)
        self._last_heard = self._clock()
        self._last_taken = said if reply.consumed else ""
        await self._after(reply)
        return reply.consumed

    def _new_part(self, text: str) -> str:
        """``text`` without the last turn the capture took, when it repeats it first.

        The turn processor sends speech that follows an unanswered turn quickly as one turn
        with it ("Record feedback." then "Record feedback. No more size 38"); the capture
        already has the first part.
        """
        last = self._last_taken
        if self._capture.capturing and last and text.startswith(last):
            return text[len(last) :].lstrip(" ,.;:!?，。；：")
        return text

    async def _record_open_capture(self) -> None:
        """The session ends (the clerk left, the service stops): record what was said so far.

        Nothing can be spoken any more, but a capture the clerk left open is feedback they
        gave; it is committed as if their silence had ended it.
        """
        async with self._lock:
            if not self._capture.capturing:
                return
            pcm, rate = self._pcm()
            try:
                reply = await self._capture.silence(float("inf"), pcm=pcm, sample_rate=rate)
            except Exception:
                logger.exception(f"{self}: feedback capture failed at the end of the session")
                return
            self._state.feedback_capturing = self._capture.capturing
            logger.info(f"{self}: the session ended during a capture; recorded: {reply.recorded}")

    async def _watch_silence(self) -> None:
        """Report silence to the capture every tick until it stops listening, then end.

        Started by :meth:`_after` when a turn opens a capture; the capture's own rules
        decide when silence closes it (and when a record can no longer be corrected).
        """
        while True:
            await asyncio.sleep(self._tick)
            now = self._clock()
            state = self._state
            if state.user_speaking or state.transcriptions_pending or state.turn_pending:
                self._last_heard = now
                continue
            async with self._lock:
                if not self._capture.listening:
                    self._task = None
                    return
                pcm, rate = self._pcm()
                try:
                    reply = await self._capture.silence(
                        now - self._last_heard, pcm=pcm, sample_rate=rate
                    )
                except Exception:
                    logger.exception(f"{self}: feedback capture failed on silence")
                    reply = CaptureReply(consumed=False)
                await self._after(reply)

    async def _after(self, reply: CaptureReply) -> None:
        capturing = self._capture.capturing
        if self._audio is not None:
            if reply.recorded or not capturing:
                self._audio.stop()
            if capturing and not self._audio.recording:
                # A monologue went on past one record: keep recording the rest.
                self._audio.start(since=self._clock())
        self._state.feedback_capturing = capturing
        if self._capture.listening and self._task is None and not self._ended:
            self._task = self.create_task(self._watch_silence(), "silence")
        if reply.say:
            self._state.start_answer()
            self._state.answer_sentences.append(reply.say)
            await self.push_frame(TTSSpeakFrame(text=reply.say, append_to_context=False))

    def _pcm(self) -> tuple[bytes, int]:
        if self._audio is None:
            return b"", 0
        return self._audio.take(), self._audio.sample_rate
