"""Speech starts at its first sound: the synthesizer's leading near-silence is cut."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test
from piper import SynthesisConfig

from pipelines.leading_silence import KEEP_SECS, SPEECH_DBFS, trim_leading_silence
from pipelines.piper_tts import SharedPiperTTSService, render_sentence

RATE = 22050


def _pcm(*parts: np.ndarray) -> bytes:
    return np.concatenate(parts).astype(np.int16).tobytes()


def _tone(secs: float, amplitude: int) -> np.ndarray:
    t = np.arange(int(RATE * secs)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


def _first_sound_ms(pcm16: bytes, rate: int) -> float:
    """Where the first 5 ms window at speech level starts, in milliseconds."""
    samples = np.frombuffer(pcm16, dtype=np.int16).astype(np.float64) / 32768.0
    window = int(rate * 0.005)
    for start in range(0, len(samples) - window, window):
        level = 10 * np.log10(np.mean(samples[start : start + window] ** 2) + 1e-20)
        if level >= SPEECH_DBFS:
            return 1000 * start / rate
    raise AssertionError("no sound")


def test_silence_before_the_first_sound_is_cut_to_the_kept_margin() -> None:
    audio = _pcm(np.zeros(int(RATE * 0.06)), _tone(0.2, 8000))
    trimmed = trim_leading_silence(audio, RATE)
    kept = len(audio) // 2 - len(trimmed) // 2
    assert abs(kept - int(RATE * (0.06 - KEEP_SECS))) <= int(RATE * 0.005)
    assert trimmed.endswith(audio[-1000:])


def test_a_quiet_hiss_before_the_first_sound_is_cut_too() -> None:
    hiss = np.random.default_rng(1).normal(0, 3, int(RATE * 0.05))  # about -80 dBFS
    audio = _pcm(hiss, _tone(0.2, 8000))
    assert len(trim_leading_silence(audio, RATE)) < len(audio) - int(RATE * 0.03) * 2


def test_audio_that_starts_with_sound_is_unchanged() -> None:
    audio = _pcm(_tone(0.2, 8000))
    assert trim_leading_silence(audio, RATE) == audio


def test_silence_and_slivers_are_left_alone() -> None:
    silence = _pcm(np.zeros(RATE // 10))
    assert trim_leading_silence(silence, RATE) == silence
    assert trim_leading_silence(b"", RATE) == b""
    assert trim_leading_silence(b"\x10\x00" * 20, RATE) == b"\x10\x00" * 20


@pytest.mark.slow
@pytest.mark.parametrize("text", ["Yes,", "Not yet:", "Members pay 79.99 euros."])
def test_a_rendered_sentence_starts_at_its_first_word(runtime: Any, text: str) -> None:
    voice = runtime.models.piper
    rate = voice.config.sample_rate
    chunks = voice.synthesize(text, syn_config=SynthesisConfig())
    raw = b"".join(c.audio_int16_bytes for c in chunks)
    rendered = b"".join(render_sentence(voice, text, length_scale=1.0))

    assert _first_sound_ms(raw, rate) >= 25  # Piper's own lead: 35-65 ms for these
    assert _first_sound_ms(rendered, rate) <= 1000 * KEEP_SECS + 5
    trimmed = trim_leading_silence(raw, rate)
    assert raw.endswith(trimmed) and len(raw) - len(trimmed) >= 2 * int(rate * 0.015)


@pytest.mark.slow
async def test_the_tts_service_speaks_what_the_renderer_renders(runtime: Any) -> None:
    voice = runtime.models.piper
    text = "Yes,"
    down, _ = await run_test(
        SharedPiperTTSService(voice=voice, voice_id="joe"),
        frames_to_send=[TTSSpeakFrame(text=text), SleepFrame(sleep=0.5)],
    )
    spoken = b"".join(f.audio for f in down if isinstance(f, TTSAudioRawFrame))
    rate = next(f.sample_rate for f in down if isinstance(f, TTSAudioRawFrame))

    assert _first_sound_ms(spoken, rate) <= 1000 * KEEP_SECS + 10
