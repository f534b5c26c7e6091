"""The simulated clerk's recording: received audio placed on its clock by arrival time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16000
"""Hertz: what the clerk subscribes at and records."""
_GAP_TOLERANCE_SECS = 0.06
"""Arrival later than this past the recorded audio is a gap, filled with silence."""


@dataclass(slots=True)
class ArrivalRecording:
    """Received audio of one participant, placed on the session clock by arrival time."""

    chunks: list[tuple[int, np.ndarray]] = field(default_factory=list)
    written: int = 0
    """Samples placed so far (the next chunk's position unless a gap is detected)."""

    def add(self, arrived_at: float, samples: np.ndarray) -> None:
        """Place ``samples`` that finished arriving at ``arrived_at`` (session seconds)."""
        position = round(arrived_at * SAMPLE_RATE) - samples.size
        if position > self.written + _GAP_TOLERANCE_SECS * SAMPLE_RATE:
            self.written = position
        self.chunks.append((self.written, samples))
        self.written += samples.size


def mix(recordings: Sequence[ArrivalRecording]) -> np.ndarray:
    """All participants' recordings summed into one int16 track, sample 0 at t = 0."""
    length = max((r.written for r in recordings), default=0)
    mixed = np.zeros(length, dtype=np.int32)
    for recording in recordings:
        for position, samples in recording.chunks:
            mixed[position : position + samples.size] += samples
    return np.clip(mixed, -32768, 32767).astype(np.int16)
