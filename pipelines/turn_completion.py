"""The turn-end half of user-turn processing: what each transcript does to the turn.

:class:`TurnCompletionProcessor` carries out what
:class:`~pipelines.turn_assembly.TurnAssembly` decides for a transcript: finish the turn and
push it downstream as a ``TranscriptionFrame``, wait a little for the rest of an unfinished
one, stop the bot, or resume the sentence a wordless interruption cut off; and what the
earpiece's push-to-talk button does to it.
:class:`~pipelines.user_turn_processor.UserTurnProcessor` adds the audio half on top.
"""

from __future__ import annotations

import asyncio

from loguru import logger
from pipecat.frames.frames import TranscriptionFrame
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.utils.time import time_now_iso8601

from pipelines.conversation_state import ConversationState
from pipelines.errors import SpeechToTextError
from pipelines.events import (
    EventSink,
    SpeechResumed,
    StopRequested,
    Transcribed,
    TurnWaiting,
    UserTurn,
    emit,
)
from pipelines.frames import ResumeSpeechFrame
from pipelines.transcriber import Transcript
from pipelines.turn_assembly import (
    FinishedTurn,
    TurnAssembly,
    TurnContext,
    TurnStep,
    Utterance,
)
from pipelines.turn_policy import is_non_speech
from pipelines.whole_turn import WholeTurnHearing


class TurnCompletionProcessor(FrameProcessor):
    """Completes user turns from transcripts for one session.

    Args:
        state: This session's conversation state.
        incomplete_wait_secs: Extra wait after a transcript that looks unfinished.
        continuation_gap_secs: Speech that starts this soon after a finished turn and reads
            like the rest of its sentence is merged into it.
        user_id: Identity put on transcription frames.
        on_event: Receives session events.
        name: The processor's name.
    """

    def __init__(
        self,
        *,
        state: ConversationState,
        incomplete_wait_secs: float,
        continuation_gap_secs: float,
        user_id: str,
        on_event: EventSink | None,
        name: str,
    ) -> None:
        super().__init__(name=name)
        self._state = state
        self._incomplete_wait = incomplete_wait_secs
        self._turns = TurnAssembly(continuation_gap_secs=continuation_gap_secs)
        self._user_id = user_id
        self._on_event = on_event
        # The speech being recorded now (``None``: none), kept up by the audio half.
        self._recording: bytearray | None = None
        self._speech_started_at = 0.0
        self._speech_stopped_at = 0.0
        self._finalize_task: asyncio.Task[None] | None = None
        self._turn_lock = asyncio.Lock()
        self._whole: WholeTurnHearing | None = None
        """Hears a turn split into pieces again (set by the audio half; ``None``: never)."""

    async def _on_push_to_talk(self, *, pressed: bool) -> None:
        """Held, pauses do not end the turn; released, the turn ends at once."""
        if pressed:
            self._turns.press()
            # Pressed again while an unfinished question waited: it goes on.
            await self._cancel_wait()
            return
        self._turns.release()
        if self._recording is not None:
            logger.debug(f"{self}: push-to-talk released, ending the turn now")
            await self._on_speech_stopped()
            return
        await self._cancel_wait()
        async with self._turn_lock:
            step = self._turns.after_release(
                transcriptions_pending=self._state.transcriptions_pending
            )
            if step is TurnStep.FINISH:
                await self._finalize_turn()
            self._state.turn_pending = bool(self._turns.pending_text)

    async def _on_speech_stopped(self) -> None:
        """End the speech being recorded and transcribe it (the audio half's)."""

    async def _on_transcript(self, utterance: Utterance) -> None:
        """Carry out what the turn assembly decides the transcript means."""
        step = self._turns.decide(utterance, self._turn_context())
        if step is TurnStep.STOP:
            if self._state.reply_in_progress:
                self._state.mark_cut()
                await self.broadcast_interruption()
            await emit(self._on_event, StopRequested(session_id=self._state.session_id))
        elif step is TurnStep.RESUME:
            await self._resume_cut_speech()
        elif step is TurnStep.WAIT:
            await emit(
                self._on_event,
                TurnWaiting(
                    session_id=self._state.session_id,
                    text=self._turns.pending_text,
                    wait_secs=self._incomplete_wait,
                ),
            )
            self._finalize_task = self.create_task(self._finalize_after(self._incomplete_wait))
        elif step is TurnStep.FINISH:
            await self._finalize_turn()

    def _turn_context(self) -> TurnContext:
        return TurnContext(
            recording=self._recording is not None,
            speech_started_at=self._speech_started_at,
            waiting=self._finalize_task is not None,
            transcriptions_pending=self._state.transcriptions_pending,
            expecting_reply=self._state.expecting_reply,
            answer_heard=self._state.sentences_played > 0,
        )

    async def _cancel_wait(self) -> None:
        """Stop waiting for the rest of an unfinished turn (it goes on, or is ended now)."""
        if self._finalize_task:
            await self.cancel_task(self._finalize_task)
            self._finalize_task = None

    async def _finalize_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._finalize_task = None
        async with self._turn_lock:
            if self._recording is None and self._turns.pending_text:
                await self._finalize_turn()
            self._state.turn_pending = bool(self._turns.pending_text)

    async def _finalize_turn(self) -> None:
        turn = self._turns.finish(ended_at=self._speech_stopped_at)
        if not turn.text:
            return
        text = await self._whole_turn_text(turn)
        if self._state.reply_in_progress:
            # A new question supersedes the answer still being written or played.
            self._state.mark_cut()
            await self.broadcast_interruption()
        await emit(self._on_event, UserTurn(session_id=self._state.session_id, text=text))
        await self.push_frame(
            TranscriptionFrame(text=text, user_id=self._user_id, timestamp=time_now_iso8601())
        )

    async def _whole_turn_text(self, turn: FinishedTurn) -> str:
        """The words of ``turn`` to answer: heard again whole when it came in pieces and asks."""
        if self._whole is None or not self._whole.wanted(turn):
            return turn.text
        try:
            transcript = await self._whole.hear(turn)
        except SpeechToTextError as e:
            logger.warning(f"{self}: could not hear the turn again whole ({e}); keeping its pieces")
            return turn.text
        await self._emit_transcribed(transcript, whole_turn=True)
        if is_non_speech(transcript.text):
            return turn.text
        pieces = len(turn.pieces)
        logger.debug(f"{self}: {turn.text!r} in {pieces} pieces, whole {transcript.text!r}")
        self._turns.heard_again(transcript.text)
        return transcript.text

    async def _emit_transcribed(self, transcript: Transcript, *, whole_turn: bool = False) -> None:
        await emit(
            self._on_event,
            Transcribed(
                session_id=self._state.session_id,
                text=transcript.text,
                audio_secs=transcript.audio_secs,
                stt_secs=transcript.stt_secs,
                whole_turn=whole_turn,
            ),
        )

    async def _resume_cut_speech(self) -> None:
        sentences = self._state.sentences_to_resume()
        if not sentences:
            return
        await emit(
            self._on_event,
            SpeechResumed(session_id=self._state.session_id, sentence=sentences[0]),
        )
        logger.debug(f"{self}: interruption had no words, resuming {sentences[0]!r}")
        await self.push_frame(ResumeSpeechFrame())
