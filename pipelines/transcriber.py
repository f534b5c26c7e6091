"""Utterance transcription with a shared faster-whisper model."""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass

import numpy as np

from pipelines.errors import SpeechToTextError
from pipelines.simplified_chinese import simplified

SAMPLE_RATE = 16000
"""Whisper's input rate, in hertz."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was said in one utterance."""

    text: str
    audio_secs: float
    stt_secs: float
    """Wall seconds spent transcribing."""
    window_secs: float = 30.0
    """Whisper encoder window the text came from, in seconds (0 when too short to decode)."""
    fallback: str | None = None
    """Why a short-window result was redone on the full window, if it was."""


def whisper_language(language: str | None) -> str | None:
    """Whisper's code for a language tag: ``zh`` for ``zh-CN``; ``auto`` (or none): detect."""
    if language is None or language in ("", "auto"):
        return None
    return language.split("-")[0].lower()


class Transcriber:
    """Transcribes finished utterances; one instance per process, shared by sessions.

    Each utterance may say the language it is in (the session's); without one, the
    transcriber's own ``language`` holds. An English-only model always hears English.

    Args:
        model: A loaded ``faster_whisper.WhisperModel``.
        language: Language Whisper should assume (``en``, ``zh``, ``zh-CN``); ``None`` or
            ``auto`` detects it.
        beam_size: 1 is greedy decoding (fastest).
        hints: Product names and codes to bias recognition (Whisper's initial prompt).
        max_concurrent: Transcriptions that may run at once; others wait their turn.
    """

    def __init__(
        self,
        *,
        model: object,
        language: str | None = "en",
        beam_size: int = 1,
        hints: list[str] | None = None,
        max_concurrent: int = 1,
    ) -> None:
        self._model = model
        self._language = whisper_language(language)
        self._beam_size = beam_size
        self._prompt = _hint_prompt(hints or [])
        self._max_concurrent = max_concurrent
        # One semaphore per event loop: asyncio primitives must not cross loops, and a
        # process may run several loops over its life (CLI commands, tests).
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._waiting = 0

    def heard_language(self, language: str | None) -> str | None:
        """Whisper's code for an utterance said to be in ``language`` (``None``: detect)."""
        if not getattr(getattr(self._model, "model", None), "is_multilingual", True):
            return "en"  # an English-only model: telling it anything else only logs a warning
        return whisper_language(language) if language is not None else self._language

    def transcribe_sync(self, pcm16: bytes, *, language: str | None = None) -> Transcript:
        """Transcribe 16 kHz mono 16-bit PCM (blocking), on Whisper's full 30 s window."""
        start = time.perf_counter()
        audio = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype=np.int16)
        audio_secs = len(audio) / SAMPLE_RATE
        if len(audio) < SAMPLE_RATE // 10:
            return Transcript(text="", audio_secs=audio_secs, stt_secs=0.0, window_secs=0.0)
        text = self.full_window_text(audio.astype(np.float32) / 32768.0, language=language)
        return Transcript(
            text=simplified(text), audio_secs=audio_secs, stt_secs=time.perf_counter() - start
        )

    def full_window_text(self, samples: np.ndarray, *, language: str | None = None) -> str:
        """Text of float32 samples in [-1, 1] through faster-whisper's padded 30 s path."""
        try:
            segments, _info = self._model.transcribe(  # type: ignore[attr-defined]
                samples,
                language=self.heard_language(language),
                beam_size=self._beam_size,
                best_of=1,
                temperature=0.0,
                condition_on_previous_text=False,
                without_timestamps=True,
                vad_filter=False,
                initial_prompt=self._prompt,
                no_speech_threshold=0.6,
            )
            # The segments generator is lazy: decoding happens while we iterate.
            return " ".join(segment.text.strip() for segment in segments).strip()
        except Exception as e:
            raise SpeechToTextError(f"transcription failed: {e}") from e

    def waiting(self) -> int:
        """Transcriptions asked for and not yet started (sessions compete for the model)."""
        return self._waiting

    async def transcribe(self, pcm16: bytes, *, language: str | None = None) -> Transcript:
        """Transcribe off the event loop, at most ``max_concurrent`` at a time.

        ``language``: what the utterance is in (``zh-CN``); ``None``: the transcriber's own.
        """
        loop = asyncio.get_running_loop()
        slots = self._slots.setdefault(loop, asyncio.Semaphore(self._max_concurrent))
        self._waiting += 1
        try:
            await slots.acquire()
        finally:
            self._waiting -= 1
        try:
            return await asyncio.to_thread(self.transcribe_sync, pcm16, language=language)
        finally:
            slots.release()


def _hint_prompt(hints: list[str]) -> str | None:
    """A short initial prompt naming the catalogue, which biases Whisper's spelling.

    Written as a sentence with a question mark: Whisper imitates the prompt's style, and a
    bare comma-separated list makes it drop capitals and question marks.
    """
    if not hints:
        return None
    names: list[str] = []
    length = 0
    for hint in hints:
        # Whisper's prompt window is 224 tokens; stay well inside it to keep decoding fast.
        if length + len(hint) > 480:
            break
        names.append(hint)
        length += len(hint) + 2
    return f"Questions about {', '.join(names)}?"
