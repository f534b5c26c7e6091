"""Reading and writing audio files, with clear errors for odd input.

Anything soundfile can read (WAV of any width, float, stereo, any rate) is converted to mono
16-bit PCM at the rate the caller asks for (the pipeline's ``audio.input_sample_rate``); what it
cannot read is refused with a reason.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
import soxr

DEFAULT_SAMPLE_RATE = 16000
"""Hertz: the default of ``audio.input_sample_rate`` and the rate of the audio fixtures."""
DEFAULT_MAX_SECONDS = 15 * 60


class AudioInputError(ValueError):
    """An audio file cannot be used; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class LoadedAudio:
    """Audio ready for the pipeline, with what it was before conversion."""

    pcm16: bytes
    """Mono signed 16-bit little-endian PCM at ``sample_rate``."""
    sample_rate: int
    """Hertz of ``pcm16``."""
    source_rate: int
    """Hertz."""
    source_channels: int
    source_subtype: str
    """soundfile's sample format name (``PCM_16``, ``PCM_U8``, ``FLOAT``...)."""

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.pcm16) / (2 * self.sample_rate)


def load_audio(
    path: Path,
    *,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> LoadedAudio:
    """Read ``path`` and convert it to mono 16-bit PCM at ``sample_rate`` hertz.

    Raises:
        AudioInputError: missing, empty, unreadable, truncated or too long input.
    """
    if not path.exists():
        raise AudioInputError("not_found", f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AudioInputError("empty", f"{path}: the file is empty (0 bytes)")
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as e:
        raise AudioInputError("not_audio", f"{path}: not a readable audio file ({e})") from e
    if info.frames == 0:
        raise AudioInputError("empty", f"{path}: the file holds no audio samples")
    if info.duration > max_seconds:
        raise AudioInputError(
            "too_long",
            f"{path}: {info.duration:.0f} s of audio is longer than the limit of "
            f"{max_seconds:.0f} s",
        )
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as e:
        raise AudioInputError("unreadable", f"{path}: could not decode the audio ({e})") from e
    if samples.shape[0] == 0:
        raise AudioInputError("truncated", f"{path}: the header promises audio but none is there")
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    if rate != sample_rate:
        mono = soxr.resample(mono, rate, sample_rate, quality="HQ")
    pcm = (np.clip(mono, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    return LoadedAudio(
        pcm16=pcm,
        sample_rate=sample_rate,
        source_rate=rate,
        source_channels=info.channels,
        source_subtype=info.subtype,
    )


def resample_pcm16(pcm16: bytes, from_rate: int, to_rate: int) -> bytes:
    """Mono 16-bit PCM at ``from_rate`` converted to ``to_rate`` (unchanged when equal)."""
    if from_rate == to_rate:
        return pcm16
    samples = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype="<i2").astype(np.float32)
    resampled = soxr.resample(samples / 32768.0, from_rate, to_rate, quality="HQ")
    return (np.clip(resampled, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def write_wav(path: Path, pcm16: bytes, sample_rate: int) -> None:
    """Write mono 16-bit PCM to a WAV file (parent directories are created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(pcm16)
