"""Room names: one room per clerk, named after the store and the clerk; briefing rooms.

A clerk's room is ``store-<STORE>-clerk-<identity>`` (``store-SH-01-clerk-ana``), so the
room alone tells which store it belongs to: token policy and dashboards read it back with
:func:`parse_clerk_room`. A voice briefing's room is ``briefing-<id>``
(``briefing-20261201-5f3a9c1e``); who may join it is the briefing's stored scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice_agent.livekit.errors import RoomNameError

STORE_ID_PATTERN = r"[A-Z0-9]+(?:-[A-Z0-9]+)*"
"""Store ids are upper-case segments joined by hyphens (``SH-01``, ``BER-01``)."""
IDENTITY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}"
"""Participant identities: letters, digits and ``_.@-``, at most 64 characters."""

ROOM_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}"
"""Any room name (HQ may open rooms that are not clerk rooms): no spaces, no control
characters, at most 128 characters."""

# fullmatch, never match with "$": "$" also matches before a trailing newline.
_STORE_ID = re.compile(STORE_ID_PATTERN)
_IDENTITY = re.compile(IDENTITY_PATTERN)
_ROOM = re.compile(ROOM_PATTERN)
# The store part is upper-case only, so "-clerk-" ends it unambiguously.
_CLERK_ROOM = re.compile(
    rf"store-(?P<store_id>{STORE_ID_PATTERN})-clerk-(?P<identity>{IDENTITY_PATTERN})"
)


_BRIEFING_ID = re.compile(r"[0-9]{8}-[0-9a-f]{8}")
_BRIEFING_ROOM = re.compile(r"briefing-(?P<briefing_id>[0-9]{8}-[0-9a-f]{8})")


@dataclass(frozen=True, slots=True)
class ClerkRoom:
    """The parts of a clerk room name."""

    store_id: str
    identity: str
    """Identity of the clerk the room belongs to."""

    @property
    def name(self) -> str:
        """The room name."""
        return f"store-{self.store_id}-clerk-{self.identity}"


def validate_store_id(store_id: str) -> str:
    """Return ``store_id`` if it looks like a store id, else raise :class:`RoomNameError`."""
    if not _STORE_ID.fullmatch(store_id):
        raise RoomNameError(
            f"store id {store_id!r} is not valid: expected upper-case segments like 'SH-01'",
            code="bad_store_id",
        )
    return store_id


def validate_identity(identity: str) -> str:
    """Return ``identity`` if it is a valid participant identity, else raise."""
    if not _IDENTITY.fullmatch(identity):
        raise RoomNameError(
            f"identity {identity!r} is not valid: expected 1-64 letters, digits or "
            "'_.@-', starting with a letter or digit",
            code="bad_identity",
        )
    return identity


def validate_room_name(room: str) -> str:
    """Return ``room`` if LiveKit and our logs can take it as a room name, else raise."""
    if not _ROOM.fullmatch(room):
        raise RoomNameError(
            f"room {room!r} is not valid: expected 1-128 letters, digits or '_.@-', "
            "starting with a letter or digit (no spaces, newlines or control characters)"
        )
    return room


def clerk_room_name(*, store_id: str, identity: str) -> str:
    """The room of one clerk's session, e.g. ``store-SH-01-clerk-ana``."""
    return ClerkRoom(validate_store_id(store_id), validate_identity(identity)).name


def parse_clerk_room(room: str) -> ClerkRoom:
    """Split a clerk room name into store and clerk identity.

    Raises:
        RoomNameError: ``room`` is not ``store-<STORE>-clerk-<identity>``.
    """
    match = _CLERK_ROOM.fullmatch(room)
    if match is None:
        raise RoomNameError(
            f"room {room!r} is not a clerk room: expected 'store-<STORE>-clerk-<identity>', "
            "e.g. 'store-SH-01-clerk-ana'"
        )
    return ClerkRoom(store_id=match["store_id"], identity=match["identity"])


def briefing_room_name(briefing_id: str) -> str:
    """The room of a voice briefing, e.g. ``briefing-20261201-5f3a9c1e``."""
    if not _BRIEFING_ID.fullmatch(briefing_id):
        raise RoomNameError(
            f"briefing id {briefing_id!r} is not valid: expected YYYYMMDD-<8 hex digits>",
            code="bad_briefing_id",
        )
    return f"briefing-{briefing_id}"


def parse_briefing_room(room: str) -> str | None:
    """The briefing id of a briefing room's name, or ``None`` for any other room."""
    match = _BRIEFING_ROOM.fullmatch(room)
    return match["briefing_id"] if match else None
