"""Turns the speaker's finished turns into timed caption segments (a briefing room's loop).

Place :class:`CaptionProcessor` after the ``UserTurnProcessor``: each ``TranscriptionFrame``
becomes one caption, timed in seconds of the speaker's audio (so a caption's ``start``
points into the recording), and is handed to the sink. Nothing is answered or spoken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from loguru import logger
from pipecat.frames.frames import Frame, TranscriptionFrame, VADUserStartedSpeakingFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.conversation_state import ConversationState

CaptionSink = Callable[[float, float, str], Awaitable[None]]
"""Receives ``(start, end, text)``: seconds into the speaker's audio, and the words heard."""
PREROLL_SECS = 0.5
"""The turn processor keeps this much audio from before the VAD's start decision."""


class CaptionProcessor(FrameProcessor):
    """Hands each finished turn to ``sink`` as a caption (see the module docstring).

    Args:
        state: The loop's conversation state (its ``audio_bytes_heard`` is the clock).
        sink: Publishes and stores the caption; a failure is logged, the loop goes on.
        sample_rate: Hertz of the input audio (16-bit mono).
    """

    def __init__(self, *, state: ConversationState, sink: CaptionSink, sample_rate: int) -> None:
        super().__init__(name=f"CaptionProcessor#{state.session_id}")
        self._state = state
        self._sink = sink
        self._bytes_per_sec = sample_rate * 2
        self._turn_started: float | None = None

    @property
    def audio_secs(self) -> float:
        """Seconds of the speaker's audio heard so far."""
        return self._state.audio_bytes_heard / self._bytes_per_sec

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Time turns; consume transcriptions into captions; pass everything else on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, VADUserStartedSpeakingFrame) and self._turn_started is None:
            self._turn_started = max(0.0, self.audio_secs - PREROLL_SECS)
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            end = self.audio_secs
            start = self._turn_started if self._turn_started is not None else end
            self._turn_started = None
            text = frame.text.strip()
            if text:
                try:
                    await self._sink(round(start, 2), round(end, 2), text)
                except Exception:  # a caption lost must not end the briefing's recording
                    logger.exception(f"{self}: caption {text[:60]!r} not delivered")
            return
        await self.push_frame(frame, direction)
