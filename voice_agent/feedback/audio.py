"""The audio of a feedback capture, compressed to FLAC (lossless, about half of 16-bit PCM)."""

from __future__ import annotations

import io

import numpy as np
import soundfile

from knowledge_base.feedback.sink import FeedbackAudio

FLAC = "flac"
MAX_AUDIO_SECS = 600.0
"""Longest capture audio kept (ten minutes); longer audio is refused, not truncated silently."""


class FeedbackAudioError(ValueError):
    """Audio that cannot be encoded or decoded."""

    code = "feedback_audio_invalid"


def encode_flac(
    pcm: bytes | np.ndarray, sample_rate: int, *, max_secs: float = MAX_AUDIO_SECS
) -> FeedbackAudio:
    """FLAC of mono 16-bit PCM (``bytes``, little-endian) or an int16/float array.

    ``max_secs``: the longest audio accepted (a briefing's recording allows more than a
    feedback capture's :data:`MAX_AUDIO_SECS`).

    Raises:
        FeedbackAudioError: No samples, a bad rate, or longer than ``max_secs``.
    """
    if not 8000 <= sample_rate <= 192_000:
        raise FeedbackAudioError(f"sample rate {sample_rate} Hz is not supported")
    samples = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, bytes) else np.asarray(pcm)
    if samples.ndim != 1 or samples.size == 0:
        raise FeedbackAudioError("feedback audio must be mono and not empty")
    duration = samples.size / sample_rate
    if duration > max_secs:
        raise FeedbackAudioError(f"audio of {duration:.0f} s exceeds {max_secs:.0f} s")
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, sample_rate, format="FLAC", subtype="PCM_16")
    return FeedbackAudio(buffer.getvalue(), FLAC, sample_rate, round(duration, 3))


def decode_flac(data: bytes) -> tuple[np.ndarray, int]:
    """The int16 samples and rate of stored FLAC bytes.

    Raises:
        FeedbackAudioError: The bytes are not readable audio.
    """
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="int16")
    except (soundfile.LibsndfileError, RuntimeError) as e:
        raise FeedbackAudioError(f"stored audio is unreadable: {e}") from e
    return samples, int(rate)
