"""Tells the floor when one of its utterances has been played to the end.

Place :class:`FloorPlaybackProbe` after ``transport.output()`` (and after the
``PlaybackTracker``, so sentence counts are up to date when the floor hears of the end).
"""

from __future__ import annotations

from pipecat.frames.frames import Frame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.frames import UtteranceEndFrame, UtterancePlayedFrame


class FloorPlaybackProbe(FrameProcessor):
    """Reports played utterance ends upstream to the floor.

    An :class:`UtteranceEndFrame` that left the output transport becomes an upstream
    :class:`UtterancePlayedFrame` for the :class:`~pipelines.floor_processor.FloorProcessor`.
    """

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer played end markers upstream; pass everything on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, UtteranceEndFrame) and direction == FrameDirection.DOWNSTREAM:
            played = UtterancePlayedFrame(utterance_id=frame.utterance_id, token=frame.token)
            await self.push_frame(played, FrameDirection.UPSTREAM)
            return
        await self.push_frame(frame, direction)
