"""The manager's audio of a briefing, handed over in chunks as it comes.

:class:`BriefingRecorder` sits after the participant filter (only the manager is heard) and
keeps the mono input audio until :meth:`BriefingRecorder.drain` takes it: the briefing desk
drains it about every second and stores each chunk, so memory stays small and a node that
dies loses at most the last chunk. Audio beyond ``max_secs`` in all is not kept.
"""

from __future__ import annotations

from pipecat.frames.frames import Frame, InputAudioRawFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor


class BriefingRecorder(FrameProcessor):
    """Passes every frame on and keeps the mono input audio until drained.

    Args:
        max_secs: The longest recording; later audio is passed on but not kept.
    """

    def __init__(self, *, max_secs: float) -> None:
        super().__init__(name="BriefingRecorder")
        self._max_secs = max_secs
        self._pending = bytearray()
        self._kept = 0
        self.sample_rate = 0
        """Hertz of the audio kept (0 until some arrived)."""

    @property
    def kept_bytes(self) -> int:
        """Bytes of audio kept so far, drained or not."""
        return self._kept

    def drain(self) -> bytes:
        """The 16-bit mono PCM kept since the last drain (empty: none)."""
        chunk = bytes(self._pending)
        self._pending.clear()
        return chunk

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Keep mono input audio; pass every frame on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame) and frame.num_channels == 1:
            self._keep(frame.audio, frame.sample_rate)
        await self.push_frame(frame, direction)

    def _keep(self, audio: bytes, sample_rate: int) -> None:
        if not self.sample_rate:
            self.sample_rate = sample_rate
        if sample_rate != self.sample_rate:
            return  # one recording, one rate (LiveKit keeps the rate it was asked for)
        room = int(self._max_secs * sample_rate) * 2 - self._kept
        if room > 0:
            kept = audio[:room]
            self._pending.extend(kept)
            self._kept += len(kept)
