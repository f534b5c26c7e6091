"""How long each phase of a ``bench broadcast`` round may take, and the round as a whole.

A clerk not through a phase by its deadline is counted missing from it, and the round ends
(reporting) at the last deadline at the latest: an acknowledgement that never comes cannot
keep it waiting. ``joined_secs`` counts from the earpieces starting to join; the other three
from the publish. Each is capped by the round's ``limit_secs`` (``--limit-secs``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

PUBLISH_GRACE_SECS = 30.0
"""What the parent's publish call (and the earpieces seeing it) may add to the round."""
PROCESS_GRACE_SECS = 30.0
"""What starting and ending the earpieces' process may add to the round."""


@dataclass(frozen=True, slots=True)
class RoundDeadlines:
    """Per-phase deadlines of one round, in seconds (see the module docstring)."""

    joined_secs: float = 60.0
    """Every earpiece in its room and hearing the assistant, from the start of joining."""
    first_audio_secs: float = 30.0
    """The notice's first voiced audio at the earpiece, from the publish."""
    played_secs: float = 90.0
    """The delivery stored as played to the end, from the publish."""
    acknowledged_secs: float = 120.0
    """The earpiece's acknowledgement stored, from the publish (the round's end)."""
    leave_secs: float = 10.0
    """Leaving all rooms at the end (each earpiece's leave, at once)."""

    def __post_init__(self) -> None:
        if min(self.joined_secs, self.first_audio_secs, self.leave_secs) <= 0:
            raise ValueError("every deadline must be positive")
        if not self.first_audio_secs <= self.played_secs <= self.acknowledged_secs:
            raise ValueError("deadlines must follow the phases: first audio <= played <= ack")

    @classmethod
    def capped(cls, limit_secs: float, **deadlines: float) -> RoundDeadlines:
        """The given deadlines (by field name; the defaults otherwise), none over ``limit_secs``.

        ``leave_secs`` is not capped: leaving comes after the round.
        """
        defaults = {f.name: float(f.default) for f in fields(cls)}  # type: ignore[arg-type]
        given = defaults | deadlines
        return cls(
            **{
                name: value if name == "leave_secs" else min(value, limit_secs)
                for name, value in given.items()
            }
        )

    @property
    def round_secs(self) -> float:
        """The longest a round's earpieces may run, teardown included (the parent's bound)."""
        phases = self.joined_secs + self.acknowledged_secs + self.leave_secs
        return phases + PUBLISH_GRACE_SECS + PROCESS_GRACE_SECS

    def to_dict(self) -> dict[str, float]:
        """The deadlines as reported, keyed by phase."""
        return {
            "joined": self.joined_secs,
            "first_audio": self.first_audio_secs,
            "played": self.played_secs,
            "acknowledged": self.acknowledged_secs,
            "leave": self.leave_secs,
        }
