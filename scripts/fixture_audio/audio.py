"""Signal helpers: levels, trimming, resampling, filters, synthetic noise, rooms and coughs.

Audio is handled as float32 numpy arrays in [-1, 1] at :data:`RATE` unless a name says
otherwise.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable

import numpy as np
import soxr

RATE = 16000
"""Hertz; every fixture outside ``odd/`` is 16 kHz mono signed 16-bit PCM."""
SPEECH_DBFS = -20.0
"""Active-speech RMS of a clerk's voice near the microphone (dB full scale)."""


def seconds(samples: int, rate: int = RATE) -> float:
    """Samples to seconds; 5 decimals keep the exact sample index (1 sample = 62.5 µs)."""
    return round(samples / rate, 5)


def stable_seed(*parts: str) -> int:
    """A seed that depends only on ``parts`` (not on Python's randomized ``hash``)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def silence(duration: float) -> np.ndarray:
    """Digital silence of ``duration`` seconds."""
    return np.zeros(round(duration * RATE), dtype=np.float32)


def rms(x: np.ndarray) -> float:
    """Root mean square over the whole clip (0 for an empty one)."""
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


def active_rms(x: np.ndarray, frame: int = 320) -> float:
    """RMS over the 20 ms frames within 30 dB of the loudest one (speech, not its pauses)."""
    n = x.size // frame
    if n == 0:
        return rms(x)
    energies = np.sqrt(np.mean(np.square(x[: n * frame].reshape(n, frame), dtype=np.float64), 1))
    active = energies[energies >= energies.max() * 10 ** (-30 / 20)]
    return float(np.sqrt(np.mean(np.square(active))))


def db(value: float) -> float:
    """An amplitude ratio in decibels (floored at -240 dB)."""
    return 20 * math.log10(max(value, 1e-12))


def gain(decibels: float) -> float:
    """Decibels to an amplitude ratio."""
    return float(10 ** (decibels / 20))


def set_level(x: np.ndarray, dbfs: float, *, measure: Callable[[np.ndarray], float] = active_rms):
    """Scale ``x`` so that ``measure(x)`` is ``dbfs``; the peak is limited to -1 dBFS."""
    level = measure(x)
    if level <= 0:
        return x.astype(np.float32)
    y = x * (gain(dbfs) / level)
    peak = float(np.max(np.abs(y)))
    if peak > gain(-1.0):
        y = y * (gain(-1.0) / peak)
    return y.astype(np.float32)


def trim(x: np.ndarray, *, threshold_db: float = -40.0, margin: float = 0.01) -> np.ndarray:
    """Cut leading and trailing near-silence (10 ms frames below the peak by threshold_db)."""
    frame = RATE // 100
    n = x.size // frame
    if n == 0:
        return x
    energies = np.sqrt(np.mean(np.square(x[: n * frame].reshape(n, frame), dtype=np.float64), 1))
    loud = np.nonzero(energies >= energies.max() * gain(threshold_db))[0]
    pad = round(margin * RATE)
    start = max(0, loud[0] * frame - pad)
    end = min(x.size, (loud[-1] + 1) * frame + pad)
    return x[start:end]


def resample(x: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample with soxr (HQ); a no-op at equal rates."""
    if rate_in == rate_out:
        return x.astype(np.float32)
    return soxr.resample(x.astype(np.float32), rate_in, rate_out, quality="HQ").astype(np.float32)


def band(x: np.ndarray, low: float | None, high: float | None, rate: int = RATE) -> np.ndarray:
    """Brick-wall band-pass in the frequency domain (enough for noise colouring)."""
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    mask = np.ones_like(freqs)
    if low is not None:
        mask[freqs < low] = 0
    if high is not None:
        mask[freqs > high] = 0
    return np.fft.irfft(spectrum * mask, n=x.size).astype(np.float32)


def coloured_noise(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    """Noise with power falling as 1/f**exponent (1 pink, 2 brown), unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    freqs[0] = freqs[1]
    spectrum /= freqs ** (exponent / 2)
    spectrum[freqs < 20] = 0
    y = np.fft.irfft(spectrum, n=n)
    return (y / (rms(y) or 1.0)).astype(np.float32)


def convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Full linear convolution via the FFT."""
    n = x.size + h.size - 1
    size = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[:n]
    return y.astype(np.float32)


def room(rng: np.random.Generator, rt60: float, direct: float) -> np.ndarray:
    """A synthetic room impulse response: a direct path plus exponentially decaying noise."""
    n = round(rt60 * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail[: round(0.005 * RATE)] = 0
    h = tail / np.sqrt(np.sum(tail**2)) * (1 - direct)
    h[0] += direct
    return h.astype(np.float32)


def distant(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Make close speech sound far away: reverberant and dull."""
    return band(convolve(x, room(rng, rt60=0.5, direct=0.35)), 120, 3500)


def fade(x: np.ndarray, duration: float = 0.01) -> np.ndarray:
    """Linear fade-in and fade-out of ``duration`` seconds each."""
    n = min(round(duration * RATE), x.size // 2)
    if n == 0:
        return x
    y = x.copy()
    ramp = np.linspace(0, 1, n, dtype=np.float32)
    y[:n] *= ramp
    y[-n:] *= ramp[::-1]
    return y


def cough(rng: np.random.Generator, duration: float) -> np.ndarray:
    """A cough-like burst: a sharp broadband onset, then a decaying voiced, filtered rasp."""
    n = round(duration * RATE)
    t = np.arange(n) / RATE
    noise = band(rng.standard_normal(n).astype(np.float32), 250, 4000)
    f0 = 110 + 40 * rng.random()
    buzz = np.sign(np.sin(2 * np.pi * f0 * t)) * 0.3
    attack = np.minimum(1.0, t / 0.008)
    decay = np.exp(-t / (duration * 0.35))
    y = (noise * (0.7 + 0.3 * rng.random()) + buzz * noise * 0.8) * attack * decay
    return fade(y.astype(np.float32), 0.004)
