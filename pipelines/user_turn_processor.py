"""Turns VAD-segmented audio into finished user turns, and decides barge-ins.

Upstream: a ``VADProcessor`` (Silero). Downstream: one ``TranscriptionFrame`` per finished
turn. Each utterance is transcribed as soon as the VAD reports silence
(:mod:`pipelines.early_transcription`); what its transcript does to the turn is decided by
:class:`~pipelines.turn_assembly.TurnAssembly` and carried out by
:mod:`pipelines.turn_completion` (a transcript that looks unfinished, "is the AX-200 in the
...", waits a little for the rest instead of being answered in halves). Speech that starts
while the bot is speaking stops the bot's audio when it is loud enough to be the wearer; an
interruption that turns out to carry no words makes the bot resume the sentence it was cut
off in.

Push-to-talk (:mod:`pipelines.turn_completion`): while the button is held, pauses do not end
the turn; releasing it ends the turn at once, without waiting for the VAD's stop hangover.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

from loguru import logger
from pipecat.audio.vad.vad_analyzer import VADState
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    InputAudioRawFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection

from pipelines.conversation_state import ConversationState
from pipelines.early_barge_in import EarlyBargeIn, EarlyStep
from pipelines.early_transcription import EarlyTranscription
from pipelines.errors import SpeechToTextError
from pipelines.events import (
    BargeIn,
    BargeInIgnored,
    EventSink,
    PipelineErrorEvent,
    UserSpeechStarted,
    UserSpeechStopped,
    emit,
)
from pipelines.frames import PushToTalkFrame
from pipelines.transcriber import SAMPLE_RATE, Transcriber, Transcript
from pipelines.turn_assembly import Utterance
from pipelines.turn_completion import TurnCompletionProcessor
from pipelines.turn_policy import BargeInPolicy, level_dbfs
from pipelines.utterance_audio import PrerollBuffer
from pipelines.vad import WINDOW_SECS
from pipelines.vad_processor import stamped_speech_windows, stamped_vad_state
from pipelines.whole_turn import WholeTurnHearing


class UserTurnProcessor(TurnCompletionProcessor):
    """Segments, transcribes and completes user turns for one session.

    The audio half lives here; what a transcript does to the turn is
    :class:`~pipelines.turn_completion.TurnCompletionProcessor`'s.

    Args:
        state: This session's conversation state.
        transcriber: The process-wide transcriber.
        barge_in: When speech during the bot's audio may stop it.
        incomplete_wait_secs: Extra wait after a transcript that looks unfinished.
        continuation_gap_secs: Speech that starts this soon after a finished turn and reads
            like the rest of its sentence ("... in the weekend offer") is merged into it.
        preroll_secs: Audio kept from before the VAD's start decision, so first syllables
            are not lost.
        onset_window_secs: Audio measured for the loudness of a speech onset.
        max_utterance_secs: Longer speech is cut into utterances of this length.
        user_id: Identity put on transcription frames.
        sample_rate: Rate of the input audio frames, in hertz (resampled to Whisper's 16 kHz).
        vad_state: Reads the VAD's current state. When given, transcription starts as soon
            as the VAD hears silence (``STOPPING``) instead of after its stop hangover; the
            result is used if the stop is confirmed and dropped if speech resumes. Not while
            other utterances wait for the transcriber: then only the confirmed stop is sent.
        on_event: Receives session events.
        language: What the recogniser is told the user speaks (``en``, ``zh-CN``); ``None``:
            the transcriber's own language (the node's ``[stt] language``).
        rehear_pieced: Given the joined words of a turn that pauses split into pieces, says
            whether to transcribe its audio again as one recording (``None``: never). Words
            at a split are the recogniser's weakest ("Hey, pro." then "Hello, is the AX-200
            ..." for "Hey promo, is the AX-200 ..."); heard whole, they come back.
    """

    def __init__(
        self,
        *,
        state: ConversationState,
        transcriber: Transcriber,
        barge_in: BargeInPolicy,
        incomplete_wait_secs: float = 1.2,
        continuation_gap_secs: float = 0.8,
        preroll_secs: float = 0.5,
        onset_window_secs: float = 0.3,
        max_utterance_secs: float = 30.0,
        user_id: str = "clerk",
        sample_rate: int = SAMPLE_RATE,
        vad_state: Callable[[], VADState] | None = None,
        on_event: EventSink | None = None,
        language: str | None = None,
        rehear_pieced: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(
            state=state,
            incomplete_wait_secs=incomplete_wait_secs,
            continuation_gap_secs=continuation_gap_secs,
            user_id=user_id,
            on_event=on_event,
            name=f"UserTurnProcessor#{state.session_id}",
        )
        self._barge_in = barge_in
        self._bytes_per_sec = sample_rate * 2
        self._preroll = PrerollBuffer(int(preroll_secs * self._bytes_per_sec))
        self._onset_bytes = int(onset_window_secs * self._bytes_per_sec)
        self._max_utterance_bytes = int(max_utterance_secs * self._bytes_per_sec)
        self._early = EarlyTranscription(
            transcriber=transcriber,
            sample_rate=sample_rate,
            language=language,
            vad_state=vad_state,
            create_task=self.create_task,
        )
        self._recording_barged_in = False
        self._recording_ignored = False
        self._recording_start = 0
        """Where the recording begins in this session's input (bytes)."""
        self._window_bytes = int(WINDOW_SECS * self._bytes_per_sec)
        if rehear_pieced is not None:
            self._whole = WholeTurnHearing(
                transcribe=self._early.transcribe,
                wanted=rehear_pieced,
                bytes_per_sec=self._bytes_per_sec,
            )
        self._early_barge_in = EarlyBargeIn(barge_in)
        self._transcribe_tasks: set[asyncio.Task[None]] = set()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Consume input audio and VAD frames; push finished turns downstream."""
        await super().process_frame(frame, direction)

        if isinstance(frame, InputAudioRawFrame):
            self._on_audio(frame.audio, stamped_vad_state(frame))
            await self._barge_in_early(frame)
            return
        if isinstance(frame, VADUserStartedSpeakingFrame):
            await self._on_speech_started()
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            await self._on_speech_stopped()
        elif isinstance(frame, PushToTalkFrame):
            await self._on_push_to_talk(pressed=frame.pressed)
        elif isinstance(frame, BotStartedSpeakingFrame):
            self._state.bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._state.bot_speaking = False
        await self.push_frame(frame, direction)

    async def cleanup(self) -> None:
        """Cancel pending transcriptions and turn timers."""
        await super().cleanup()
        await self._cancel_wait()
        for task in list(self._transcribe_tasks):
            await self.cancel_task(task)
        self._transcribe_tasks.clear()

    # Audio bookkeeping

    def _on_audio(self, audio: bytes, vad_state: VADState | None = None) -> None:
        self._state.audio_bytes_heard += len(audio)
        self._preroll.add(audio)
        if self._recording is not None:
            self._recording.extend(audio)
            self._early.speculate(self._recording, vad_state)
            if len(self._recording) >= self._max_utterance_bytes:
                logger.warning(f"{self}: utterance longer than the limit, cutting it here")
                self._start_transcription()
                self._recording = bytearray()
                self._recording_start = self._state.audio_bytes_heard

    async def _barge_in_early(self, frame: InputAudioRawFrame) -> None:
        """Stop the bot on the first windows of loud speech (:mod:`pipelines.early_barge_in`)."""
        windows = stamped_speech_windows(frame)
        level = (
            level_dbfs(self._preroll.recent(windows * self._window_bytes)) if windows else -120.0
        )
        step = self._early_barge_in.on_frame(
            speech_windows=windows,
            vad_state=stamped_vad_state(frame),
            frame_secs=len(frame.audio) / self._bytes_per_sec,
            bot_replying=self._state.reply_in_progress,
            recording=self._recording is not None,
            level_dbfs=level,
        )
        if step is EarlyStep.RESUME:
            await self._resume_cut_speech()
        elif step is EarlyStep.CUT:
            self._state.mark_cut()
            await emit(self._on_event, BargeIn(session_id=self._state.session_id, level_dbfs=level))
            logger.debug(f"{self}: barge-in on {windows} speech windows ({level:.1f} dBFS)")
            await self.broadcast_interruption()

    # VAD events

    async def _on_speech_started(self) -> None:
        level = level_dbfs(self._preroll.recent(self._onset_bytes))
        cut_already = self._early_barge_in.take_cut()
        bot_speaking = self._state.reply_in_progress or cut_already
        await emit(
            self._on_event,
            UserSpeechStarted(
                session_id=self._state.session_id, bot_speaking=bot_speaking, level_dbfs=level
            ),
        )
        # The user went on after a pause: this speech continues the pending turn.
        await self._cancel_wait()

        self._early.drop()
        self._recording = bytearray(self._preroll.audio())
        self._recording_start = self._state.audio_bytes_heard - len(self._recording)
        self._speech_started_at = time.monotonic()
        self._state.user_speaking = True
        self._recording_barged_in = cut_already
        self._recording_ignored = False
        if not bot_speaking or cut_already:
            return
        interrupt, reason = self._barge_in.decide(onset_level_dbfs=level)
        if interrupt:
            self._recording_barged_in = True
            self._state.mark_cut()
            await emit(self._on_event, BargeIn(session_id=self._state.session_id, level_dbfs=level))
            logger.debug(f"{self}: barge-in ({level:.1f} dBFS), stopping the bot's audio")
            await self.broadcast_interruption()
        else:
            self._recording_ignored = True
            await emit(
                self._on_event, BargeInIgnored(session_id=self._state.session_id, reason=reason)
            )
            logger.debug(f"{self}: sound during bot speech ignored: {reason}")

    async def _on_speech_stopped(self) -> None:
        if self._recording is None:
            return
        self._state.user_speaking = False
        self._speech_stopped_at = time.monotonic()
        speech_secs = len(self._recording) / self._bytes_per_sec
        await emit(
            self._on_event,
            UserSpeechStopped(session_id=self._state.session_id, speech_secs=speech_secs),
        )
        if self._recording_ignored:
            self._recording = None
            self._early.drop()
            return
        self._start_transcription()

    def _start_transcription(self) -> None:
        assert self._recording is not None
        recorded = Utterance(
            text="",  # not heard yet
            started_at=self._speech_started_at,
            ended_at=time.monotonic(),
            barged_in=self._recording_barged_in,
            audio=bytes(self._recording),
            audio_start=self._recording_start,
        )
        self._recording = None
        speculation = self._early.take()
        self._state.transcriptions_pending += 1
        task = self.create_task(self._transcribe_and_continue(recorded, speculation))
        self._transcribe_tasks.add(task)
        task.add_done_callback(self._transcribe_tasks.discard)

    # Transcripts and turn completion

    async def _transcribe_and_continue(
        self, recorded: Utterance, speculation: asyncio.Task[Transcript] | None
    ) -> None:
        try:
            await self._transcribe_and_handle(recorded, speculation)
        finally:
            self._state.transcriptions_pending -= 1
            self._state.turn_pending = bool(self._turns.pending_text)
            if not self._state.transcriptions_pending and self._recording is None:
                self._turns.clear_release()

    async def _transcribe_and_handle(
        self, recorded: Utterance, speculation: asyncio.Task[Transcript] | None
    ) -> None:
        try:
            transcript = await self._early.transcript(recorded.audio, speculation)
        except SpeechToTextError as e:
            await emit(
                self._on_event,
                PipelineErrorEvent(session_id=self._state.session_id, code=e.code, message=str(e)),
            )
            await self.push_error(f"speech recognition failed: {e}", exception=e)
            return
        await self._emit_transcribed(transcript)
        logger.debug(f"{self}: heard {transcript.text!r} in {transcript.stt_secs:.3f}s")
        utterance = replace(recorded, text=transcript.text)
        async with self._turn_lock:
            await self._on_transcript(utterance)
