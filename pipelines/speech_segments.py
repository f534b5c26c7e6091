"""Where speech is in a recording: Silero run offline over a whole file.

Used to time replays: "end of user speech" is the last voiced sample, found here without
the hangover the live VAD needs before it dares to say the user stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnxruntime

from pipelines.vad import _SharedSessionSileroModel

WINDOW = 512
"""Samples per Silero window at 16 kHz (32 ms)."""


@dataclass(frozen=True, slots=True)
class SpeechSegment:
    """A stretch of speech, in seconds from the start of the recording."""

    start: float
    end: float


def find_speech_segments(
    pcm16: bytes,
    *,
    session: onnxruntime.InferenceSession,
    sample_rate: int = 16000,
    threshold: float = 0.5,
    min_gap_secs: float = 0.35,
    min_speech_secs: float = 0.1,
) -> list[SpeechSegment]:
    """Return the speech segments of 16 kHz mono PCM, merging gaps shorter than ``min_gap_secs``."""
    model = _SharedSessionSileroModel(session)
    audio = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype=np.int16).astype(np.float32) / 32768
    window_secs = WINDOW / sample_rate
    voiced: list[tuple[float, float]] = []
    for index in range(len(audio) // WINDOW):
        window = audio[index * WINDOW : (index + 1) * WINDOW]
        probability = float(model(window, sample_rate)[0][0])
        if probability >= threshold:
            start = index * window_secs
            if voiced and start - voiced[-1][1] < min_gap_secs:
                voiced[-1] = (voiced[-1][0], start + window_secs)
            else:
                voiced.append((start, start + window_secs))
    return [
        SpeechSegment(start=round(s, 3), end=round(e, 3))
        for s, e in voiced
        if e - s >= min_speech_secs
    ]
