"""Speculative transcription: start transcribing an utterance at the VAD's first silence.

The VAD hears silence (``STOPPING``) some time before it confirms the stop. Transcribing
from that moment saves the stop hangover when the user has in fact finished; if speech
resumes, the early result is dropped and the utterance is transcribed again when it ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from pipecat.audio.vad.vad_analyzer import VADState

from pipelines.transcriber import SAMPLE_RATE, Transcriber, Transcript
from pipelines.utterance_audio import resample_pcm16

TaskStarter = Callable[[Coroutine[Any, Any, Transcript]], "asyncio.Task[Transcript]"]


class EarlyTranscription:
    """Transcribes one session's utterances, starting early when the VAD allows it.

    Args:
        transcriber: The process-wide transcriber.
        sample_rate: Rate of the recorded audio, in hertz (resampled to Whisper's 16 kHz).
        language: What the recogniser is told the user speaks; ``None``: the transcriber's own.
        vad_state: Reads the VAD's current state; ``None``: never start early.
        create_task: Starts a task the owning processor manages.
    """

    def __init__(
        self,
        *,
        transcriber: Transcriber,
        sample_rate: int,
        language: str | None,
        vad_state: Callable[[], VADState] | None,
        create_task: TaskStarter,
    ) -> None:
        self._transcriber = transcriber
        self._sample_rate = sample_rate
        self._language = language
        self._vad_state = vad_state
        self._create_task = create_task
        self._speculation: asyncio.Task[Transcript] | None = None

    def speculate(self, recording: bytearray, stamped: VADState | None) -> None:
        """Start transcribing at the first silence; forget it if the user goes on.

        ``stamped`` is the VAD state right after this audio (see
        :class:`~pipelines.vad_processor.StampedVADProcessor`); without it the analyzer is
        asked, which may already be further along.
        """
        if self._vad_state is None:
            return
        state = stamped if stamped is not None else self._vad_state()
        if state == VADState.STOPPING and self._speculation is None:
            if self._transcriber.waiting():
                # Other sessions' utterances are queued: a guess that the user has finished
                # would only add to the queue (and is wasted if they go on).
                return
            self._speculation = self._create_task(self._transcribe(bytes(recording)))
        elif state == VADState.SPEAKING and self._speculation is not None:
            self.drop()

    def drop(self) -> None:
        """Forget the early transcription, if any (speech went on or was ignored)."""
        if self._speculation is not None:
            # The thread finishes on its own; its result is simply never used.
            self._speculation.cancel()
            self._speculation = None

    def take(self) -> asyncio.Task[Transcript] | None:
        """Hand over the early transcription of the utterance just ended, if one was started."""
        speculation, self._speculation = self._speculation, None
        return speculation

    async def transcript(
        self, audio: bytes, speculation: asyncio.Task[Transcript] | None
    ) -> Transcript:
        """The transcript of ``audio``: the early one when it was started, else a new one."""
        if speculation is not None and not speculation.cancelled():
            return await speculation
        return await self._transcribe(audio)

    async def transcribe(self, pcm16: bytes) -> Transcript:
        """Transcribe recorded audio now (no early start)."""
        return await self._transcribe(pcm16)

    async def _transcribe(self, pcm16: bytes) -> Transcript:
        pcm16 = resample_pcm16(pcm16, self._sample_rate, SAMPLE_RATE)
        return await self._transcriber.transcribe(pcm16, language=self._language)
