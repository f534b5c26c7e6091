"""Small helpers for driving our processors with real Pipecat frames."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pipecat.frames.frames import Frame, InputAudioRawFrame

from pipelines.events import SessionEvent
from pipelines.transcriber import Transcriber, Transcript

SAMPLE_RATE = 16000


def speech_frames(
    secs: float, *, level: float = 0.3, chunk_secs: float = 0.02, sample_rate: int = SAMPLE_RATE
) -> list[Frame]:
    """Loud tone frames standing for speech (the processors under test do not listen)."""
    count = round(secs / chunk_secs)
    samples = round(chunk_secs * sample_rate)
    t = np.arange(samples) / sample_rate
    pcm = (np.sin(2 * np.pi * 220 * t) * level * 32767).astype(np.int16).tobytes()
    return [
        InputAudioRawFrame(audio=pcm, sample_rate=sample_rate, num_channels=1) for _ in range(count)
    ]


class ScriptedTranscriber(Transcriber):
    """A :class:`Transcriber` that hears the given texts, in order, one per utterance.

    ``others_waiting`` is how many other sessions' utterances it says are queued.
    """

    def __init__(self, texts: Sequence[str], *, others_waiting: int = 0) -> None:
        super().__init__(model=None)
        self._texts = list(texts)
        self._others_waiting = others_waiting
        self.heard_secs: list[float] = []
        self.languages: list[str | None] = []
        """The language each utterance was said to be in (``None``: the transcriber's own)."""

    def waiting(self) -> int:
        return self._others_waiting

    async def transcribe(self, pcm16: bytes, *, language: str | None = None) -> Transcript:
        secs = len(pcm16) / (2 * SAMPLE_RATE)
        self.heard_secs.append(secs)
        self.languages.append(language)
        text = self._texts.pop(0) if self._texts else ""
        return Transcript(text=text, audio_secs=secs, stt_secs=0.0)


class EventLog:
    """Collects session events (an ``EventSink``)."""

    def __init__(self) -> None:
        self.events: list[SessionEvent] = []

    def __call__(self, event: SessionEvent) -> None:
        self.events.append(event)

    def types(self) -> list[str]:
        return [event.type for event in self.events]
