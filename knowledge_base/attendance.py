"""Attendance at a briefing: who joined, when, and for how long.

A participant may join, drop and rejoin (or join from two devices at once): their
intervals are clipped to the briefing, merged where they overlap, and summed. A presence
still open when the briefing ends counts until its end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Presence:
    """One stretch of a participant in the briefing room."""

    identity: str
    joined_at: datetime
    left_at: datetime | None = None
    """``None``: still there when the briefing ended."""


@dataclass(frozen=True, slots=True)
class Attendance:
    """How long one participant attended."""

    identity: str
    first_joined_at: datetime
    last_left_at: datetime
    seconds: float
    """Time present in the briefing, overlaps counted once."""
    stretches: int
    """Separate stretches after merging (1 = never dropped out)."""

    @property
    def minutes(self) -> float:
        """Minutes attended, to one decimal."""
        return round(self.seconds / 60, 1)

    def to_dict(self) -> dict[str, object]:
        """Plain values for JSON."""
        return {
            "identity": self.identity,
            "first_joined_at": self.first_joined_at.isoformat(),
            "last_left_at": self.last_left_at.isoformat(),
            "seconds": round(self.seconds, 3),
            "minutes": self.minutes,
            "stretches": self.stretches,
        }


def attendance(
    presences: Iterable[Presence], *, started_at: datetime, ended_at: datetime
) -> list[Attendance]:
    """Attendance per participant (in order of first joining); absent ones are left out."""
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for presence in presences:
        start = max(presence.joined_at, started_at)
        end = min(presence.left_at or ended_at, ended_at)
        if end > start:
            spans.setdefault(presence.identity, []).append((start, end))
    result = []
    for identity, intervals in spans.items():
        merged: list[tuple[datetime, datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        result.append(
            Attendance(
                identity=identity,
                first_joined_at=merged[0][0],
                last_left_at=merged[-1][1],
                seconds=sum((end - start).total_seconds() for start, end in merged),
                stretches=len(merged),
            )
        )
    return sorted(result, key=lambda a: (a.first_joined_at, a.identity))
