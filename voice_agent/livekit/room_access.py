"""Who may join which room, and what they may do inside it: one policy per role.

Every token is bound to one room (LiveKit grants name a single room; there is no wildcard),
so "a manager may join the rooms of their store" is enforced when the token is minted
(:mod:`voice_agent.livekit.tokens`): the room's store (read from its name, see
:mod:`voice_agent.livekit.rooms`) must be the manager's store, or one of the regional
manager's stores.

What each role may do:

=================  ======================  =====================================================
role               rooms                   inside the room
=================  ======================  =====================================================
clerk              only their own room     publish microphone audio and data, subscribe
agent              any clerk room          publish microphone audio and data, subscribe; visible
store_manager      rooms of their store    publish microphone audio and data, subscribe
regional_manager   rooms of their region   publish microphone audio and data, subscribe
hq                 any room, or none       list rooms; in its room: admin, publish, subscribe
=================  ======================  =====================================================

A briefing room (``briefing-<id>``) admits the agent, headquarters, and the clerks, store
managers and regional managers whose store (or region) is among the briefing's stores
(``briefing_store_ids``, read from the stored briefing by the caller); clerks there only
listen (subscribe, no publishing), managers may speak.

No role may create rooms (the server creates a room on first join) or record; none but the
agent may change its own metadata and attributes (it says in its metadata whether it
listens).
"""

from __future__ import annotations

from collections.abc import Collection

from livekit import api

from voice_agent.livekit.errors import RoomNameError, TokenPolicyError
from voice_agent.livekit.roles import ParticipantRole
from voice_agent.livekit.rooms import parse_briefing_room, parse_clerk_room

MICROPHONE = "microphone"
"""LiveKit track source name of a microphone (``TrackSource.SOURCE_MICROPHONE``)."""


def grants_for(role: ParticipantRole, *, room: str | None) -> api.VideoGrants:
    """The video grants of ``role`` in ``room`` (``None``: HQ's list-only token)."""
    if room is None:
        if role is not ParticipantRole.HQ:
            raise TokenPolicyError(f"role {role.value!r} needs a room", code="room_required")
        return api.VideoGrants(
            room_list=True, can_publish=False, can_subscribe=False, can_publish_data=False
        )
    grants = api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=True,
        can_publish_sources=[MICROPHONE],
        can_publish_data=True,
        can_subscribe=True,
        can_update_own_metadata=False,
        hidden=False,
    )
    if role is ParticipantRole.HQ:
        grants.room_list = True
        grants.room_admin = True
    if role is ParticipantRole.AGENT:
        grants.can_update_own_metadata = True  # it says whether it listens (see earpiece)
    if role is ParticipantRole.CLERK and parse_briefing_room(room) is not None:
        grants.can_publish = False  # clerks listen to a briefing
        grants.can_publish_sources = []
        grants.can_publish_data = False
    return grants


def check_room_allowed(
    *,
    role: ParticipantRole,
    identity: str,
    room: str | None,
    store_id: str | None,
    region_store_ids: Collection[str] = (),
    briefing_store_ids: Collection[str] = (),
) -> None:
    """Raise :class:`TokenPolicyError` unless ``role`` may join ``room``.

    Args:
        role: Who asks for the token.
        identity: Their participant identity.
        room: The room the token is for; only HQ may ask for none.
        store_id: The caller's store (clerks and store managers: required).
        region_store_ids: A regional manager's stores (required for that role).
        briefing_store_ids: For a briefing room: the stores of the briefing's scope.
    """
    if role is ParticipantRole.HQ:
        return
    if room is None:
        raise TokenPolicyError(f"role {role.value!r} needs a room", code="room_required")
    if parse_briefing_room(room) is not None:
        _check_briefing_room(role, room, store_id, region_store_ids, briefing_store_ids)
        return
    try:
        target = parse_clerk_room(room)
    except RoomNameError as e:
        raise TokenPolicyError(
            f"role {role.value!r} may only join clerk rooms: {e.message}", code="room_not_allowed"
        ) from e
    if role in (ParticipantRole.CLERK, ParticipantRole.STORE_MANAGER) and store_id is None:
        raise TokenPolicyError(f"role {role.value!r} needs a store_id", code="store_required")
    if (
        role is not ParticipantRole.REGIONAL_MANAGER
        and store_id is not None
        and target.store_id != store_id
    ):
        raise TokenPolicyError(
            f"{role.value} of store {store_id} may not join {room!r} (store {target.store_id})",
            code="room_not_allowed",
        )
    if role is ParticipantRole.CLERK and target.identity != identity:
        raise TokenPolicyError(
            f"clerk {identity!r} may only join their own room, not {room!r}",
            code="room_not_allowed",
        )
    if role is ParticipantRole.REGIONAL_MANAGER:
        if not region_store_ids:
            raise TokenPolicyError(
                "regional_manager needs the stores of their region (region_store_ids)",
                code="region_required",
            )
        if target.store_id not in region_store_ids:
            raise TokenPolicyError(
                f"regional manager may not join {room!r}: store {target.store_id} is not in "
                f"their region ({', '.join(sorted(region_store_ids))})",
                code="room_not_allowed",
            )


def _check_briefing_room(
    role: ParticipantRole,
    room: str,
    store_id: str | None,
    region_store_ids: Collection[str],
    briefing_store_ids: Collection[str],
) -> None:
    if role is ParticipantRole.AGENT:
        return
    if not briefing_store_ids:
        raise TokenPolicyError(
            f"{room!r} is a briefing room: its stores (briefing_store_ids) are required",
            code="room_not_allowed",
        )
    own = set(region_store_ids) if role is ParticipantRole.REGIONAL_MANAGER else {store_id}
    if not own & set(briefing_store_ids):
        raise TokenPolicyError(
            f"{role.value} of {', '.join(sorted(s for s in own if s)) or 'no store'} may not"
            f" join {room!r}: the briefing is for {', '.join(sorted(briefing_store_ids))}",
            code="room_not_allowed",
        )
