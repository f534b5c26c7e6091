"""How moments are stored: ISO-8601 text in UTC, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def encode_time(moment: datetime) -> str:
    """Return ``moment`` as UTC ISO-8601 text with microseconds (fixed width, sortable).

    Raises:
        ValueError: ``moment`` has no time zone (a naive time would be stored ambiguously).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"refusing to store a naive datetime: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def decode_time(text: str) -> datetime:
    """Parse text written by :func:`encode_time` (an aware UTC datetime)."""
    return datetime.fromisoformat(text)
