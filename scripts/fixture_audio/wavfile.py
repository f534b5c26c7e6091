"""WAV writing: 16-bit PCM, and raw RIFF headers for the formats ``wave`` cannot write."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np

from .audio import RATE


def to_int16(x: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to clipped 16-bit integers."""
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)


def write_wav(path: Path, x: np.ndarray, *, rate: int = RATE) -> None:
    """Write 16-bit PCM; ``x`` is (samples,) for mono or (samples, channels)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = 1 if x.ndim == 1 else x.shape[1]
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(to_int16(x).tobytes())


def wav_header(rate: int, channels: int, width: int, tag: int, data_bytes: int) -> bytes:
    """A RIFF/WAVE header: 44 bytes for PCM (tag 1); other tags get cbSize and a fact chunk."""
    fmt = struct.pack(
        "<HHIIHH", tag, channels, rate, rate * channels * width, channels * width, width * 8
    )
    if tag != 1:
        fmt += struct.pack("<H", 0)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if tag != 1:
        frames = data_bytes // (channels * width)
        chunks += b"fact" + struct.pack("<II", 4, frames)
    riff_size = 4 + len(chunks) + 8 + data_bytes
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVE"
        + chunks
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def write_float_wav(path: Path, x: np.ndarray, rate: int) -> None:
    """Write 32-bit IEEE float mono, which ``wave`` cannot write."""
    data = x.astype("<f4").tobytes()
    path.write_bytes(wav_header(rate, 1, 4, 3, len(data)) + data)
