"""Energy-based onsets and offsets of audio heard over time.

A pure, synchronous state machine: feed it ``(time, level)`` per received frame and, when
no frame arrives, the current time (frames stop when a publisher goes quiet). Times are
seconds on any one clock; the simulated clerk uses seconds since its session started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

SILENCE_DBFS = -120.0
"""Level reported for digital silence."""


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level of int16 ``samples`` in dB full scale (:data:`SILENCE_DBFS` for silence)."""
    if samples.size == 0:
        return SILENCE_DBFS
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    if rms <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20.0 * math.log10(rms / 32768.0))


class ActivityChange(StrEnum):
    """What a call to :class:`ActivityDetector` observed."""

    ONSET = "onset"
    OFFSET = "offset"


@dataclass(slots=True)
class ActivitySegment:
    """One stretch of sound above the threshold."""

    start: float
    """Seconds: arrival of the first voiced frame."""
    end: float | None = None
    """Seconds: arrival of the last voiced frame; ``None`` while still sounding."""
    peak_dbfs: float = SILENCE_DBFS
    """Loudest frame level, dB full scale."""

    def contains(self, t: float) -> bool:
        """True if ``t`` falls within the segment (an open segment extends to infinity)."""
        return self.start <= t and (self.end is None or t <= self.end)


class ActivityDetector:
    """Splits a stream of frame levels into segments of sound.

    A segment starts at the first of ``min_onset_frames`` consecutive voiced frames and
    ends at the last voiced frame once ``hangover_secs`` passed without another one, so
    pauses between sentences shorter than the hangover stay inside one segment.
    """

    def __init__(
        self,
        *,
        threshold_dbfs: float = -45.0,
        hangover_secs: float = 0.5,
        min_onset_frames: int = 2,
    ) -> None:
        """Configure the detector.

        Args:
            threshold_dbfs: Frames at or above this RMS level (dB full scale) count as voiced.
            hangover_secs: Seconds without a voiced frame that end a segment.
            min_onset_frames: Consecutive voiced frames needed to start one (rejects clicks).
        """
        if hangover_secs <= 0 or min_onset_frames < 1:
            raise ValueError("hangover_secs must be positive and min_onset_frames at least 1")
        self._threshold = threshold_dbfs
        self._hangover = hangover_secs
        self._min_onset_frames = min_onset_frames
        self._segments: list[ActivitySegment] = []
        self._run_start: float | None = None
        self._run_frames = 0
        self._run_peak = SILENCE_DBFS
        self._last_voiced: float | None = None

    @property
    def segments(self) -> list[ActivitySegment]:
        """Segments so far, oldest first (the last may still be open)."""
        return list(self._segments)

    @property
    def active(self) -> bool:
        """True while a segment is open."""
        return bool(self._segments) and self._segments[-1].end is None

    def process(self, t: float, level_dbfs: float) -> ActivityChange | None:
        """Account for one frame arriving at ``t`` with RMS level ``level_dbfs``."""
        change = self.poll(t)
        if level_dbfs < self._threshold:
            self._run_start, self._run_frames, self._run_peak = None, 0, SILENCE_DBFS
            return change
        self._last_voiced = t
        if self.active:
            segment = self._segments[-1]
            segment.peak_dbfs = max(segment.peak_dbfs, level_dbfs)
            return change
        if self._run_start is None:
            self._run_start = t
        self._run_frames += 1
        self._run_peak = max(self._run_peak, level_dbfs)
        if self._run_frames >= self._min_onset_frames:
            self._segments.append(ActivitySegment(start=self._run_start, peak_dbfs=self._run_peak))
            self._run_start, self._run_frames, self._run_peak = None, 0, SILENCE_DBFS
            return ActivityChange.ONSET
        return change

    def poll(self, now: float) -> ActivityChange | None:
        """Close the open segment if nothing voiced arrived for the hangover; call often."""
        if (
            self.active
            and self._last_voiced is not None
            and now - self._last_voiced >= self._hangover
        ):
            self._segments[-1].end = self._last_voiced
            return ActivityChange.OFFSET
        return None

    def finish(self) -> list[ActivitySegment]:
        """Close any open segment at its last voiced frame and return all segments."""
        if self.active and self._last_voiced is not None:
            self._segments[-1].end = self._last_voiced
        return self.segments
