"""Follows what the output transport actually plays (place it after ``transport.output()``)."""

from __future__ import annotations

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    TTSStartedFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.conversation_state import ConversationState
from pipelines.events import BotAudioStarted, BotAudioStopped, EventSink, emit


class PlaybackTracker(FrameProcessor):
    """Counts played sentences and reports when the bot's audio starts and stops.

    The output transport pushes frames on only once it has played what came before them,
    so here a ``TTSStartedFrame`` means "this sentence is now audible".
    """

    def __init__(self, *, state: ConversationState, on_event: EventSink | None = None) -> None:
        super().__init__(name=f"PlaybackTracker#{state.session_id}")
        self._state = state
        self._on_event = on_event

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Update the session state from frames the output transport has played."""
        await super().process_frame(frame, direction)
        if direction == FrameDirection.DOWNSTREAM:
            if isinstance(frame, TTSStartedFrame):
                self._state.sentences_played += 1
            elif isinstance(frame, BotStartedSpeakingFrame):
                await emit(self._on_event, BotAudioStarted(session_id=self._state.session_id))
            elif isinstance(frame, BotStoppedSpeakingFrame):
                await emit(self._on_event, BotAudioStopped(session_id=self._state.session_id))
        await self.push_frame(frame, direction)
