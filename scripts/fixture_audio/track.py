"""A mono timeline that clips are mixed into, each recorded as a manifest event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .audio import RATE, active_rms, db, seconds
from .voices import Voice


@dataclass
class Track:
    """A mono timeline: a bed of silence that events are mixed into at given times."""

    events: list[dict[str, Any]] = field(default_factory=list)
    audio: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @property
    def end(self) -> float:
        """Seconds of audio on the track so far."""
        return self.audio.size / RATE

    def extend_to(self, duration: float) -> None:
        """Pad with silence up to ``duration`` seconds (never shortens)."""
        n = round(duration * RATE)
        if n > self.audio.size:
            self.audio = np.concatenate([self.audio, np.zeros(n - self.audio.size, np.float32)])

    def place(self, at: float, clip: np.ndarray, **event: Any) -> dict[str, Any]:
        """Mix ``clip`` in at ``at`` seconds and record it as an event."""
        start = round(at * RATE)
        self.extend_to((start + clip.size) / RATE)
        self.audio[start : start + clip.size] += clip
        record = {**event, "start_s": seconds(start), "end_s": seconds(start + clip.size)}
        self.events.append(record)
        return record

    def append(self, gap: float, clip: np.ndarray, **event: Any) -> dict[str, Any]:
        """Place ``clip`` ``gap`` seconds after the current end."""
        return self.place(self.end + gap, clip, **event)

    def speech(
        self,
        gap: float,
        clip: np.ndarray,
        text: str,
        voice: Voice,
        *,
        speaker: str = "clerk",
        **extra: Any,
    ) -> dict[str, Any]:
        """Append ``clip`` as ``speaker`` saying ``text``, with its active-speech level."""
        return self.append(
            gap,
            clip,
            kind="speech",
            speaker=speaker,
            text=text,
            voice=voice.describe(),
            level_dbfs=round(db(active_rms(clip)), 1),
            **extra,
        )


def fit(bed: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A random ``n``-sample excerpt of ``bed`` (tiled with crossfades if it is shorter)."""
    while bed.size < n + RATE:
        overlap = round(0.5 * RATE)
        ramp = np.linspace(0, 1, overlap, dtype=np.float32)
        head, tail = bed[:overlap] * ramp, bed[-overlap:] * ramp[::-1]
        bed = np.concatenate([bed[:-overlap], head + tail, bed[overlap:]])
    offset = int(rng.integers(0, bed.size - n))
    return bed[offset : offset + n]
