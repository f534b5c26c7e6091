"""Settings of the voice loop: hearing (STT, VAD, turns, barge-in), speaking (TTS), audio.

The ``[stt]``, ``[tts]``, ``[vad]``, ``[turn]``, ``[barge_in]`` and ``[audio]`` sections of
:class:`voice_agent.settings.Settings`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from knowledge_base.text import SPOKEN_LANGUAGES


class SttSettings(BaseModel):
    """Speech to text (faster-whisper)."""

    model: str = "packaged:tiny.en"
    """Model name, local CTranslate2 directory, or ``packaged:tiny.en``."""
    language: str = "en"
    """What a multilingual model is told when the store names no language (``en``, ``zh``,
    ``auto`` to detect); a store's ``language`` in the knowledge base wins (it is also what
    the session speaks). An English-only model (``*.en``) hears English whatever is set."""
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = Field(default=2, ge=1)
    beam_size: int = Field(default=1, ge=1)
    num_workers: int = Field(default=1, ge=1)
    """Transcriptions that may run at once across sessions."""
    allow_download: bool = False
    """Let faster-whisper fetch a named model from its hub (off: offline by design)."""
    use_catalogue_hints: bool = True
    """Bias recognition toward the catalogue's product names and SKU codes."""
    engine: Literal["batched", "full_window"] = "batched"
    """``batched``: one shared engine batches every session's utterances on a short window;
    ``full_window``: each utterance alone through faster-whisper's 30 s window."""
    engine_beam_size: int = Field(default=3, ge=1, le=8)
    """Beam on the engine's short window (``beam_size`` is for the full window)."""
    batch_wait_ms: float = Field(default=5.0, ge=0.0, le=100.0)
    """Milliseconds the engine waits for more utterances to decode together."""
    max_batch: int = Field(default=8, ge=1, le=64)
    """Most utterances decoded in one call."""
    window_floor_secs: float = Field(default=10.0, ge=5.0, le=30.0)
    """Smallest encoder window, in seconds (shorter windows make Whisper loop)."""
    window_margin_secs: float = Field(default=2.0, ge=0.5, le=10.0)
    """Silence the window keeps after the utterance, at least, in seconds."""
    max_tokens_per_sec: float = Field(default=6.0, gt=0.0)
    """Output cap per second of audio on a short window; reaching it means a runaway."""
    min_avg_logprob: float = Field(default=-1.0, le=0.0)
    """Short-window results less confident than this are redone on the full window."""
    no_repeat_ngram_size: int = Field(default=3, ge=0)
    """Token n-grams that may not repeat on a short window (0 turns the guard off)."""


class TtsSettings(BaseModel):
    """Text to speech (Piper)."""

    voice: str = "packaged:en_US-joe-medium"
    """Path to a Piper ``.onnx`` voice (its ``.onnx.json`` beside it) or ``packaged:<voice>``:
    the default voice, which speaks English (``en``) unless ``voices`` names another for it."""
    voices: dict[str, str] = {}
    """Language -> Piper voice (path or ``packaged:<voice>``) for the stores speaking it:
    ``{"zh-CN" = "/opt/voices/zh_CN-huayan-medium.onnx"}``. Each voice file loads once per
    node. A store whose language has no voice here speaks English (docs/knowledge-base.md)."""
    length_scale: float = Field(default=1.0, gt=0.2, lt=3.0)
    """Piper length scale: below 1.0 speaks faster."""
    cache_mib: float = Field(default=32.0, ge=0.0, le=4096.0)
    """Rendered answer sentences kept for every session to reuse, in MiB (0: no cache)."""
    prerender_max_sentences: int = Field(default=64, ge=0, le=10_000)
    """Sentences of likely answers rendered ahead into the cache per publication (0: none)."""

    @field_validator("voices")
    @classmethod
    def _languages_the_texts_have(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SPOKEN_LANGUAGES))
        if unknown:
            raise ValueError(
                f"no texts are written in {', '.join(unknown)}: voices are for"
                f" {', '.join(SPOKEN_LANGUAGES)}"
            )
        return value


class VadSettings(BaseModel):
    """Silero voice activity detection."""

    confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    start_secs: float = Field(default=0.15, ge=0.0)
    """Seconds of speech before a turn starts."""
    stop_secs: float = Field(default=0.25, ge=0.05)
    """Seconds of silence that end a turn candidate."""
    min_volume: float = Field(default=0.4, ge=0.0, le=1.0)


class TurnSettings(BaseModel):
    """End-of-turn decisions beyond plain VAD silence."""

    incomplete_wait_secs: float = Field(default=1.2, ge=0.0)
    """Extra seconds to wait when a transcript looks unfinished."""


class BargeInSettings(BaseModel):
    """When the user's speech may cut the bot off."""

    enabled: bool = True
    min_level_dbfs: float = -26.0
    """Quieter speech (a customer farther away, music) does not interrupt."""
    onset_windows: int = Field(default=2, ge=0, le=16)
    """Silero windows (32 ms) in a row of loud speech that stop the bot before the VAD's
    confirmed start; 0: wait for the VAD's start (``vad.start_secs``)."""


INPUT_SAMPLE_RATES = (8000, 16000)
"""Input rates Silero VAD accepts, in hertz."""


class AudioSettings(BaseModel):
    """Pipeline audio formats."""

    input_sample_rate: int = 16000
    """Hertz of the audio sessions receive: 8000 or 16000 (the rates Silero VAD accepts);
    Whisper's 16 kHz input is resampled from it."""
    output_sample_rate: int = Field(default=16000, ge=8000, le=48000)
    """Hertz of the audio sessions send (Piper's voice is resampled to it)."""
    paced_output: bool = True
    """Over LiveKit, send speech only while it is said, paced by one thread of the process
    (an idle session then encodes nothing); ``False`` keeps LiveKit's 200 ms queue, which
    encodes silence between replies (``voice_agent/livekit/paced_speech.py``). Rates that are
    not whole 10 ms frames always keep the queue."""

    @field_validator("input_sample_rate")
    @classmethod
    def _a_rate_silero_takes(cls, value: int) -> int:
        if value not in INPUT_SAMPLE_RATES:
            raise ValueError(f"must be one of {', '.join(map(str, INPUT_SAMPLE_RATES))} (hertz)")
        return value
