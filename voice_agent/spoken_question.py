"""A question spoken by Piper, as a simulated clerk says it (the demo, ``voice-agent loop``).

Piper's generator noise is off, as when the fixtures are rendered: the same text gives the
same audio on every run, so a command that speaks a question asks the same one each time.
"""

from __future__ import annotations

import numpy as np
import soxr
from piper import SynthesisConfig

_STEADY = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)


def speak_question(
    voice: object, text: str, *, sample_rate: int, lead_secs: float = 0.4, tail_secs: float = 0.4
) -> bytes:
    """``text`` spoken by the ``piper.PiperVoice`` ``voice``: mono 16-bit PCM at ``sample_rate``.

    ``lead_secs`` and ``tail_secs`` of silence go before and after the speech.
    """
    chunks = voice.synthesize(text, syn_config=_STEADY)  # type: ignore[attr-defined]
    audio = np.frombuffer(b"".join(c.audio_int16_bytes for c in chunks), dtype=np.int16)
    rate = int(voice.config.sample_rate)  # type: ignore[attr-defined]
    resampled = soxr.resample(audio.astype(np.float32) / 32768.0, rate, sample_rate)
    lead = np.zeros(int(lead_secs * sample_rate), dtype=np.float32)
    tail = np.zeros(int(tail_secs * sample_rate), dtype=np.float32)
    padded = np.concatenate([lead, resampled, tail])
    return (np.clip(padded, -1, 1) * 32767).astype("<i2").tobytes()
