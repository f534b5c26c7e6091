"""Turns the speaker's finished turns into timed caption segments (a briefing room's loop).

Two processors: :class:`SpeechClock` right after the VAD, where audio and the VAD's
start/stop frames pass in their true order, counts the speaker's audio and notes where each
stretch of speech starts and stops; :class:`CaptionProcessor` after the ``UserTurnProcessor``
turns each ``TranscriptionFrame`` into one caption timed by that clock (seconds into the
speaker's audio, so a caption points into the recording) and hands it to the sink.
Nothing is answered or spoken.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

from loguru import logger
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

CaptionSink = Callable[[float, float, str], Awaitable[None]]
"""Receives ``(start, end, text)``: seconds into the speaker's audio, and the words heard."""
PREROLL_SECS = 0.5
"""The turn processor keeps this much audio from before the VAD's start decision."""


class SpeechClock(FrameProcessor):
    """Counts the audio that passes and notes where speech starts and stops (place after VAD)."""

    def __init__(self, *, preroll_secs: float = PREROLL_SECS) -> None:
        super().__init__(name="SpeechClock")
        self._preroll = preroll_secs
        self.audio_secs = 0.0
        """Seconds of audio heard so far."""
        self._starts: deque[float] = deque()
        self._last_stop = 0.0

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Count audio, note speech starts and stops; pass every frame on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame) and frame.sample_rate:
            self.audio_secs += len(frame.audio) / (2 * frame.num_channels * frame.sample_rate)
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            self._starts.append(max(0.0, self.audio_secs - self._preroll))
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._last_stop = self.audio_secs
        await self.push_frame(frame, direction)

    def finished_turn(self) -> tuple[float, float]:
        """``(start, end)`` of the turn just transcribed: its first start to the last stop.

        Starts before that stop belong to the turn (one transcript may span several
        stretches of speech); a start after it is the next turn's.
        """
        end = self._last_stop
        start = self._starts[0] if self._starts and self._starts[0] <= end else end
        while self._starts and self._starts[0] <= end:
            self._starts.popleft()
        return start, end


class CaptionProcessor(FrameProcessor):
    """Hands each finished turn to ``sink`` as a caption (see the module docstring).

    Args:
        clock: The loop's :class:`SpeechClock` (placed after the VAD).
        sink: Publishes and stores the caption; a failure is logged, the loop goes on.
    """

    def __init__(self, *, clock: SpeechClock, sink: CaptionSink) -> None:
        super().__init__(name="CaptionProcessor")
        self._clock = clock
        self._sink = sink

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Consume transcriptions into captions; pass everything else on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            start, end = self._clock.finished_turn()
            text = frame.text.strip()
            if text:
                try:
                    await self._sink(round(start, 2), round(end, 2), text)
                except Exception:  # a caption lost must not end the briefing's recording
                    logger.exception(f"{self}: caption {text[:60]!r} not delivered")
            return
        await self.push_frame(frame, direction)
