"""Audio bookkeeping for one listener: the moments before speech, and 16-bit PCM resampling."""

from __future__ import annotations

from collections import deque

import numpy as np
import soxr


class PrerollBuffer:
    """The most recent whole frames of audio, at most ``limit_bytes`` (the newest frame always).

    Speech is detected a little after it starts; what was heard just before is where an
    utterance's first syllables are.
    """

    def __init__(self, limit_bytes: int) -> None:
        self._limit = limit_bytes
        self._frames: deque[bytes] = deque()
        self._bytes = 0

    def add(self, audio: bytes) -> None:
        """Remember ``audio``, forgetting the oldest frames beyond the limit."""
        self._frames.append(audio)
        self._bytes += len(audio)
        while self._bytes > self._limit and len(self._frames) > 1:
            self._bytes -= len(self._frames.popleft())

    def audio(self) -> bytes:
        """Everything held, oldest first."""
        return b"".join(self._frames)

    def recent(self, num_bytes: int) -> bytes:
        """The last ``num_bytes`` held."""
        return self.audio()[-num_bytes:]


def resample_pcm16(pcm: bytes, rate: int, target: int) -> bytes:
    """Mono 16-bit PCM at ``rate`` as the same audio at ``target`` (unchanged if equal)."""
    if rate == target:
        return pcm
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16)
    return np.asarray(soxr.resample(samples, rate, target), dtype=np.int16).tobytes()
