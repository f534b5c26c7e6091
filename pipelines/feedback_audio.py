"""Keeps the clerk's recent audio so a feedback capture can store what was said."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from pipecat.frames.frames import Frame, InputAudioRawFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

DEFAULT_KEEP_SECS = 45.0
"""Audio kept before a capture starts: covers the trigger turn (at most 30 s of speech)."""
DEFAULT_MAX_SECS = 600.0
"""Longest capture audio kept (matches ``voice_agent.feedback.audio.MAX_AUDIO_SECS``)."""


class FeedbackAudioTap(FrameProcessor):
    """Passes the input audio on untouched and remembers it for the feedback capture.

    Place it right after the transport's input (after the participant filter, so only the
    clerk is heard). Outside a capture it keeps the last ``keep_secs`` of mono audio; from
    :meth:`start` until :meth:`stop` it keeps everything, up to ``max_secs`` (later audio
    of an overlong capture is not kept). Memory is bounded either way.

    Args:
        keep_secs: Audio kept while no capture is recording.
        max_secs: Longest recording.
        clock: Monotonic seconds (tests may pin it).
    """

    def __init__(
        self,
        *,
        keep_secs: float = DEFAULT_KEEP_SECS,
        max_secs: float = DEFAULT_MAX_SECS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name="FeedbackAudioTap")
        self._keep_secs = keep_secs
        self._max_secs = max_secs
        self._clock = clock
        self._ring: deque[tuple[float, bytes]] = deque()
        self._recording: bytearray | None = None
        self.sample_rate = 0
        """Hertz of the audio heard (0 until some arrived)."""

    @property
    def recording(self) -> bool:
        """A capture is being recorded."""
        return self._recording is not None

    def start(self, since: float) -> None:
        """Record from ``since`` (monotonic seconds; audio kept from before is included)."""
        self._recording = bytearray(b"".join(chunk for at, chunk in self._ring if at >= since))

    def take(self) -> bytes:
        """The 16-bit mono PCM recorded so far (empty when not recording)."""
        return bytes(self._recording) if self._recording is not None else b""

    def stop(self) -> None:
        """Stop recording and forget the recording."""
        self._recording = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Remember mono input audio; pass every frame on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame) and frame.num_channels == 1:
            self._add(frame.audio, frame.sample_rate)
        await self.push_frame(frame, direction)

    def _add(self, audio: bytes, sample_rate: int) -> None:
        now = self._clock()
        if sample_rate != self.sample_rate:
            self._ring.clear()
            self.sample_rate = sample_rate
        self._ring.append((now, audio))
        while self._ring and self._ring[0][0] < now - self._keep_secs:
            self._ring.popleft()
        limit = int(self._max_secs * sample_rate) * 2
        if self._recording is not None and len(self._recording) < limit:
            self._recording.extend(audio[: limit - len(self._recording)])
