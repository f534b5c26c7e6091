"""Keeps only one participant's microphone audio in a session's pipeline."""

from __future__ import annotations

from pipecat.frames.frames import Frame, UserAudioRawFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor


class ParticipantAudioFilter(FrameProcessor):
    """Drops audio from anyone but ``identity`` (a manager listening in, another device).

    One VAD and one recogniser per clerk: audio from several people in one pipeline would
    be mixed or queued into each other's turns.
    """

    def __init__(self, *, identity: str) -> None:
        super().__init__(name=f"ParticipantAudioFilter#{identity}")
        self._identity = identity

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward everything except other participants' audio."""
        await super().process_frame(frame, direction)
        if isinstance(frame, UserAudioRawFrame) and frame.user_id != self._identity:
            return
        await self.push_frame(frame, direction)
