"""A clerk's request about a briefing they missed, answered before the answerer sees the turn.

Place :class:`BriefingRequestProcessor` between the floor and the ``AnswerProcessor`` (after
the feedback processor). Each finished turn is offered to the
:class:`BriefingResponder` (the adapter: it recognises the request with the domain's
``read_briefing_request`` and reads storage); a turn it answers ("play me today's
briefing", "what did the briefing say about the AX-200") never reaches the answerer: its
sentence is spoken, or the briefing's recording is played into the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from loguru import logger
from pipecat.frames.frames import Frame, OutputAudioRawFrame, TranscriptionFrame, TTSSpeakFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipelines.conversation_state import ConversationState
from pipelines.utterance_audio import resample_pcm16

CHUNK_SECS = 0.5
"""Recorded audio is pushed in pieces of this length (the output transport queues them)."""


@dataclass(frozen=True, slots=True)
class BriefingReply:
    """What to do for a briefing request: say the sentence, then play the audio.

    Either may be missing. The speech service queues the audio behind the sentence's own,
    so the order holds.
    """

    say: str | None = None
    pcm: bytes = b""
    """16-bit mono audio to play (a briefing's recording)."""
    sample_rate: int = 0


class BriefingResponder(Protocol):
    """Answers a clerk's briefing requests (the adapter over stored briefings)."""

    async def reply(self, text: str) -> BriefingReply | None:
        """The reply to a finished turn, or ``None`` when the turn is not about a briefing."""
        ...


class BriefingRequestProcessor(FrameProcessor):
    """Hands finished turns to the responder; speaks or plays what it returns.

    Args:
        state: This session's conversation state.
        responder: Recognises briefing requests and finds the briefing.
        output_sample_rate: Hertz the output transport plays (recordings are resampled).
    """

    def __init__(
        self, *, state: ConversationState, responder: BriefingResponder, output_sample_rate: int
    ) -> None:
        super().__init__(name=f"BriefingRequestProcessor#{state.session_id}")
        self._state = state
        self._responder = responder
        self._rate = output_sample_rate

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer briefing requests; pass every other frame (and turn) on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            try:
                reply = await self._responder.reply(frame.text)
            except Exception:  # a storage failure must not end the session: answer as usual
                logger.exception(f"{self}: briefing request failed; the answerer takes it")
                reply = None
            if reply is not None:
                await self._play(reply)
                return
        await self.push_frame(frame, direction)

    async def _play(self, reply: BriefingReply) -> None:
        self._state.start_answer()
        if reply.say:
            self._state.answer_sentences.append(reply.say)
            await self.push_frame(TTSSpeakFrame(text=reply.say, append_to_context=False))
        if reply.pcm and reply.sample_rate:
            pcm = resample_pcm16(reply.pcm, reply.sample_rate, self._rate)
            step = int(CHUNK_SECS * self._rate) * 2
            for offset in range(0, len(pcm), step):
                chunk = pcm[offset : offset + step]
                await self.push_frame(
                    OutputAudioRawFrame(audio=chunk, sample_rate=self._rate, num_channels=1)
                )
