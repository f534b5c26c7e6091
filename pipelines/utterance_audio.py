"""Audio bookkeeping for one listener: the moments before speech, and 16-bit PCM resampling."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

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


def join_utterances(pieces: Sequence[tuple[int, bytes]], *, max_gap_bytes: int) -> bytes:
    """Consecutive recordings of one listener's input as one recording.

    Each piece is ``(start, audio)``: where its first byte is in the listener's input. A
    piece recorded with a pre-roll overlaps the one before; the overlap is taken once. Between
    pieces that are apart, silence stands for what was not recorded, at most
    ``max_gap_bytes`` of it.
    """
    joined = bytearray()
    end: int | None = None
    for start, audio in pieces:
        if end is None:
            joined += audio
        elif start >= end:
            joined += bytes(min(start - end, max_gap_bytes)) + audio
        else:
            joined += audio[end - start :]
        end = start + len(audio) if end is None else max(end, start + len(audio))
    return bytes(joined)


def resample_pcm16(pcm: bytes, rate: int, target: int) -> bytes:
    """Mono 16-bit PCM at ``rate`` as the same audio at ``target`` (unchanged if equal)."""
    if rate == target:
        return pcm
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16)
    return np.asarray(soxr.resample(samples, rate, target), dtype=np.int16).tobytes()
