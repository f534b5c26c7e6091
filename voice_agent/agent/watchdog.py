"""When a room connection gives up: not in the room in time, link lost, clerk away.

A pure decision over the connection's state and the time, so the connection can sleep until
the next deadline (or until its state changes) instead of polling: an idle session that is
connected, with its clerk in the room, has no deadline at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class WatchVerdict(StrEnum):
    """Why the connection ends now."""

    NOT_JOINED = "not_joined"
    """The agent is not in the room ``connect_timeout_secs`` after joining began."""
    LINK_LOST = "link_lost"
    """The link to LiveKit stayed down for the resume grace."""
    CLERK_ABSENT = "clerk_absent"
    """The clerk has been out of the room ``absent_timeout_secs``."""


@dataclass(frozen=True, slots=True)
class WatchStep:
    """The watchdog's decision at one moment."""

    verdict: WatchVerdict | None
    """End the connection for this reason now (``None``: not yet)."""
    wait_secs: float | None
    """Seconds until the next deadline (``None``: none; wait for a change of state)."""


def watch_step(
    *,
    now: float,
    began: float,
    connected: bool,
    link_down_since: float | None,
    clerk_absent_since: float | None,
    connect_timeout_secs: float,
    resume_grace_secs: float,
    absent_timeout_secs: float,
) -> WatchStep:
    """Decide at ``now`` (monotonic seconds, as every other time here).

    Args:
        now: The current time.
        began: When joining began.
        connected: The agent is in the room.
        link_down_since: When the SDK began trying to resume a lost link (``None``: up).
        clerk_absent_since: When the clerk was last seen leaving, or joining began while
            the clerk was not there (``None``: the clerk is in the room).
        connect_timeout_secs: A join that takes longer fails.
        resume_grace_secs: How long the SDK may try to resume a lost link.
        absent_timeout_secs: How long the clerk may be away before the connection ends.
    """
    if not connected:
        return _deadline(now, began + connect_timeout_secs, WatchVerdict.NOT_JOINED)
    if link_down_since is not None:
        return _deadline(now, link_down_since + resume_grace_secs, WatchVerdict.LINK_LOST)
    if clerk_absent_since is not None:
        return _deadline(now, clerk_absent_since + absent_timeout_secs, WatchVerdict.CLERK_ABSENT)
    return WatchStep(verdict=None, wait_secs=None)


def _deadline(now: float, at: float, verdict: WatchVerdict) -> WatchStep:
    if now >= at:
        return WatchStep(verdict=verdict, wait_secs=None)
    return WatchStep(verdict=None, wait_secs=at - now)
