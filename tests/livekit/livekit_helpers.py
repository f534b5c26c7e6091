"""Audio helpers for the LiveKit tests (synthetic speech-like signals, WAV writing, levels)."""

import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000


def speech_like(secs: float, *, rate: int = SAMPLE_RATE, level: float = 0.25) -> np.ndarray:
    """A voiced, syllable-like signal: harmonics of 140 Hz with a 4 Hz envelope (float32)."""
    t = np.arange(int(secs * rate)) / rate
    voice = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 8))
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    signal = voice * envelope
    return (level * signal / np.max(np.abs(signal))).astype(np.float32)


def write_wav(
    path: Path, samples: np.ndarray, *, rate: int = SAMPLE_RATE, channels: int = 1
) -> Path:
    """Write float samples in [-1, 1] as 16-bit PCM, duplicated to ``channels``."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1).reshape(-1)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return path


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS level of int16 samples in dB full scale."""
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    return 20 * np.log10(max(rms, 1e-9) / 32768)
