"""Cut the near-silence a speech synthesizer puts before the first word.

Piper starts every rendering with 25-65 ms below -70 dBFS (measured on the packaged
``en_US-joe-medium``: 65 ms before "Yes,", 30 ms before "Twenty percent off."). Before an
answer's first piece that is time the clerk waits for nothing, so each rendering keeps only
``KEEP_SECS`` of it: enough for the onset's own rise, which starts below this level.
"""

from __future__ import annotations

import numpy as np

WINDOW_SECS = 0.005
"""Length of the windows whose level is compared with ``SPEECH_DBFS``."""
SPEECH_DBFS = -60.0
"""A window at or above this RMS level (dB relative to full scale) is the first sound."""
KEEP_SECS = 0.01
"""Near-silence kept before the first sound."""


def trim_leading_silence(pcm16: bytes, sample_rate: int) -> bytes:
    """``pcm16`` (mono, 16-bit) from ``KEEP_SECS`` before its first window at speech level.

    Audio with no such window (silence, or a rendering shorter than one window) is returned
    unchanged: it is not this function's to drop.
    """
    samples = np.frombuffer(pcm16, dtype=np.int16)
    window = max(1, int(sample_rate * WINDOW_SECS))
    whole = len(samples) // window
    if whole == 0:
        return pcm16
    frames = samples[: whole * window].astype(np.float64).reshape(whole, window) / 32768.0
    levels = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-20)
    loud = np.flatnonzero(levels >= SPEECH_DBFS)
    if loud.size == 0:
        return pcm16
    start = max(0, int(loud[0]) * window - int(sample_rate * KEEP_SECS))
    return samples[start:].tobytes()
