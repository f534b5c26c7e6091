"""Who joins a LiveKit room: the participant roles, each with its own token policy.

Which rooms each role may join, and what it may do inside, is
:mod:`voice_agent.livekit.room_access`'s; minting the token, :mod:`voice_agent.livekit.tokens`'s.
"""

from __future__ import annotations

from enum import StrEnum

from voice_agent.livekit.errors import TokenPolicyError


class ParticipantRole(StrEnum):
    """Who joins a room; decides the grants of their token."""

    CLERK = "clerk"
    STORE_MANAGER = "store_manager"
    REGIONAL_MANAGER = "regional_manager"
    HQ = "hq"
    AGENT = "agent"


OWN_ROOM_ROLES = frozenset(
    {ParticipantRole.CLERK, ParticipantRole.STORE_MANAGER, ParticipantRole.REGIONAL_MANAGER}
)
"""Roles whose holder gets a session in their own room (``store-<STORE>-clerk-<identity>``)."""


def parse_role(role: ParticipantRole | str) -> ParticipantRole:
    """``role`` as a :class:`ParticipantRole`, or :class:`TokenPolicyError` naming the choices."""
    try:
        return ParticipantRole(role)
    except ValueError as e:
        choices = ", ".join(r.value for r in ParticipantRole)
        raise TokenPolicyError(
            f"unknown role {role!r}: expected one of {choices}", code="bad_role"
        ) from e
