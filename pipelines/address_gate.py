"""Lets through only the turns meant for the assistant (wake phrase, follow-up, push-to-talk)."""

from __future__ import annotations

import time

from loguru import logger
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.addressing import AddressDecision, AddressedBy, AddressPolicy
from pipelines.conversation_state import ConversationState
from pipelines.events import EventSink, TurnAddressed, TurnNotAddressed, emit
from pipelines.frames import PushToTalkFrame, UnaddressedTurnFrame

__all__ = ["AddressGateProcessor", "PushToTalkFrame"]


class AddressGateProcessor(FrameProcessor):
    """Drops turns not addressed to the assistant; strips the wake phrase from the rest.

    Place it between the ``UserTurnProcessor`` and the ``AnswerProcessor``. Dropped turns are
    neither answered nor stored: only a ``turn_not_addressed`` event without the text leaves.
    """

    def __init__(
        self, *, state: ConversationState, policy: AddressPolicy, on_event: EventSink | None = None
    ) -> None:
        super().__init__(name=f"AddressGate#{state.session_id}")
        self._state = state
        self._policy = policy
        self._on_event = on_event
        self._speech_started_at: float | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Gate transcriptions; follow bot speech, user speech and push-to-talk."""
        await super().process_frame(frame, direction)
        now = time.monotonic()
        if isinstance(frame, PushToTalkFrame):
            self._policy.push_to_talk(pressed=frame.pressed, now=now)
            if frame.pressed:
                self._speech_started_at = now
            return
        if isinstance(frame, VADUserStartedSpeakingFrame) and self._speech_started_at is None:
            self._speech_started_at = now
        if direction == FrameDirection.UPSTREAM:
            if isinstance(frame, BotStartedSpeakingFrame):
                self._policy.bot_started_speaking()
            elif isinstance(frame, BotStoppedSpeakingFrame):
                self._policy.bot_finished_speaking(now)
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            decision = self._policy.decide(
                frame.text, now=now, speech_started_at=self._speech_started_at
            )
            self._speech_started_at = None
            if not decision.addressed and self._state.feedback_capturing:
                # The clerk is speaking feedback: what follows the trigger needs no wake phrase.
                decision = AddressDecision(
                    addressed=True, text=decision.text, by=AddressedBy.FOLLOW_UP
                )
            if not decision.addressed and self._state.expecting_reply:
                # A reply to what the assistant asked needs no wake phrase: the floor decides.
                await self.push_frame(
                    UnaddressedTurnFrame(
                        text=decision.text, user_id=frame.user_id, timestamp=frame.timestamp
                    )
                )
                return
            if not decision.addressed:
                logger.debug(f"{self}: turn not addressed to the assistant, dropped")
                await emit(self._on_event, TurnNotAddressed(session_id=self._state.session_id))
                return
            await emit(
                self._on_event,
                TurnAddressed(session_id=self._state.session_id, by=str(decision.by)),
            )
            if not decision.text:
                # Only the wake phrase: listen for the question without needing it again.
                self._policy.bot_finished_speaking(now)
                return
            frame = TranscriptionFrame(
                text=decision.text, user_id=frame.user_id, timestamp=frame.timestamp
            )
        await self.push_frame(frame, direction)
