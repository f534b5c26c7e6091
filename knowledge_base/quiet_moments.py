"""Quiet moments in a clerk's voice session, when a notice may be spoken.

A notice never cuts into the clerk's own speech, into a question being answered, into the
assistant's speech, nor into a conversation still going on (the last turn ended less than
``pause_seconds`` ago). The adapter reads these facts from the session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SessionMoment:
    """What the clerk's voice session is doing right now."""

    clerk_speaking: bool
    assistant_speaking: bool
    answering: bool
    """A question is being transcribed or answered (text not yet spoken)."""
    seconds_since_last_turn: float | None
    """Seconds since the clerk or the assistant last finished speaking (``None``: no turn yet)."""


DEFAULT_PAUSE_SECONDS = 4.0
"""A pause this long ends a conversation; keep it at least the follow-up window."""


def not_quiet_because(moment: SessionMoment, *, pause_seconds: float) -> str | None:
    """Why this is not a moment to speak a notice, or ``None`` when it is."""
    if moment.clerk_speaking:
        return "the clerk is speaking"
    if moment.answering:
        return "a question is being answered"
    if moment.assistant_speaking:
        return "the assistant is speaking"
    since = moment.seconds_since_last_turn
    if since is not None and since < pause_seconds:
        return "a conversation is going on"
    return None


def is_quiet(moment: SessionMoment, *, pause_seconds: float = DEFAULT_PAUSE_SECONDS) -> bool:
    """True at a pause: nobody speaking, nothing being answered, the last turn long enough ago."""
    return not_quiet_because(moment, pause_seconds=pause_seconds) is None
