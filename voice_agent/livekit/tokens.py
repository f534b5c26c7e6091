"""Access tokens with least privilege, one policy per role.

Every token is bound to one room (LiveKit grants name a single room; there is no wildcard),
so "a manager may join the rooms of their store" is enforced here, when the token is minted:
the room's store (read from its name, see :mod:`voice_agent.livekit.rooms`) must be the
manager's store, or one of the regional manager's stores.

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

No role may create rooms (the server creates a room on first join), record, or change
its own metadata and attributes: the ``role``, ``store_id`` and (a regional manager's)
``region_id`` attributes set here are what the agent trusts.

A clerk, or a store or regional manager in their own room (``store-<STORE>-clerk-<their
identity>``), gets the assistant: with ``dispatch_agent`` their token asks LiveKit to
dispatch it, naming their role (:func:`voice_agent.livekit.dispatch.clerk_room_config`).

The agent is deliberately *not* hidden: LiveKit hides a hidden participant from the
others, so clerks could not subscribe to its replies. It joins with participant kind
``agent`` instead, which clients can show as "assistant" without any extra privilege.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import timedelta
from enum import StrEnum

from livekit import api

from voice_agent.livekit.dispatch import clerk_room_config
from voice_agent.livekit.errors import RoomNameError, TokenPolicyError
from voice_agent.livekit.rooms import (
    parse_briefing_room,
    parse_clerk_room,
    validate_identity,
    validate_room_name,
    validate_store_id,
)

DEFAULT_TTL = timedelta(hours=1)
MAX_TTL = timedelta(hours=12)
"""A clerk's shift at most; longer sessions get a fresh token."""
MICROPHONE = "microphone"
"""LiveKit track source name of a microphone (``TrackSource.SOURCE_MICROPHONE``)."""

ROLE_ATTRIBUTE = "role"
STORE_ATTRIBUTE = "store_id"
REGION_ATTRIBUTE = "region_id"
"""A regional manager's region (required in their tokens)."""


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


def build_access_token(
    *,
    api_key: str,
    api_secret: str,
    identity: str,
    role: ParticipantRole | str,
    room: str | None,
    store_id: str | None = None,
    region_id: str | None = None,
    region_store_ids: Collection[str] = (),
    ttl: timedelta = DEFAULT_TTL,
    name: str | None = None,
    dispatch_agent: bool = False,
    briefing_store_ids: Collection[str] = (),
) -> api.AccessToken:
    """An unsigned :class:`livekit.api.AccessToken` after the policy check (see module doc).

    :func:`mint_token` signs it; this step is public so tests and tools can inspect claims.

    Raises:
        TokenPolicyError: The role may not join ``room``, ``ttl`` is out of range, or a
            regional manager's token names no ``region_id``.
        RoomNameError: ``identity``, ``store_id`` or ``room`` is malformed.
    """
    role = parse_role(role)
    validate_identity(identity)
    if store_id is not None:
        validate_store_id(store_id)
    if room is not None:
        validate_room_name(room)
    if not timedelta(0) < ttl <= MAX_TTL:
        raise TokenPolicyError(
            f"ttl must be positive and at most {MAX_TTL}, got {ttl}", code="bad_ttl"
        )
    if role is ParticipantRole.REGIONAL_MANAGER and not region_id:
        raise TokenPolicyError(
            "regional_manager needs their region (region_id)", code="region_required"
        )
    check_room_allowed(
        role=role,
        identity=identity,
        room=room,
        store_id=store_id,
        region_store_ids=region_store_ids,
        briefing_store_ids=briefing_store_ids,
    )
    attributes = {ROLE_ATTRIBUTE: role.value}
    if store_id is not None:
        attributes[STORE_ATTRIBUTE] = store_id
    if role is ParticipantRole.REGIONAL_MANAGER and region_id is not None:
        attributes[REGION_ATTRIBUTE] = region_id
    token = (
        api.AccessToken(api_key, api_secret)
        .with_identity(identity)
        .with_name(name or identity)
        .with_ttl(ttl)
        .with_grants(grants_for(role, room=room))
        .with_attributes(attributes)
        .with_metadata(json.dumps(attributes, sort_keys=True))
    )
    if role is ParticipantRole.AGENT:
        token.with_kind("agent")
    in_briefing = room is not None and parse_briefing_room(room) is not None
    if dispatch_agent and not in_briefing and _own_room(role, identity, room):
        token.with_room_config(
            clerk_room_config(identity=identity, store_id=store_id, role=role.value)
        )
    return token


def _own_room(role: ParticipantRole, identity: str, room: str | None) -> bool:
    """The person's own room, where they get a session (a clerk's token opens no other)."""
    if role is ParticipantRole.CLERK:
        return True
    if role not in OWN_ROOM_ROLES or room is None:
        return False
    try:
        return parse_clerk_room(room).identity == identity
    except RoomNameError:
        return False


def mint_token(
    *,
    api_key: str,
    api_secret: str,
    identity: str,
    role: ParticipantRole | str,
    room: str | None,
    store_id: str | None = None,
    region_id: str | None = None,
    region_store_ids: Collection[str] = (),
    ttl: timedelta = DEFAULT_TTL,
    name: str | None = None,
    dispatch_agent: bool = False,
    briefing_store_ids: Collection[str] = (),
) -> str:
    """A signed JWT that lets ``identity`` join ``room`` as ``role`` and nothing more.

    Args:
        api_key: LiveKit API key (the token's issuer).
        api_secret: Its secret (signs the token).
        identity: Participant identity, e.g. ``ana``.
        role: ``clerk``, ``store_manager``, ``regional_manager``, ``hq`` or ``agent``.
        room: The one room the token opens; ``None`` only for an HQ list-only token.
        store_id: The caller's store; required for clerks and store managers.
        region_id: A regional manager's region (required for that role; carried in the
            ``region_id`` attribute, which the webhook checks against the room's store).
        region_store_ids: The stores of a regional manager's region.
        ttl: Lifetime; positive and at most :data:`MAX_TTL`.
        name: Display name (defaults to the identity).
        dispatch_agent: For a clerk, or a store or regional manager in their own room
            (``store-<STORE>-clerk-<their identity>``): when their join creates the room,
            LiveKit dispatches the assistant to it (agent dispatch to a worker).
        briefing_store_ids: For a briefing room, the stores of the briefing's scope.

    Raises:
        TokenPolicyError: The role may not have this token.
        RoomNameError: ``identity``, ``store_id`` or ``room`` is malformed.

    Example:
        >>> mint_token(api_key="k", api_secret="s" * 32, identity="ana", role="clerk",
        ...            room="store-SH-01-clerk-ana", store_id="SH-01")  # doctest: +SKIP
    """
    return build_access_token(
        api_key=api_key,
        api_secret=api_secret,
        identity=identity,
        role=role,
        room=room,
        store_id=store_id,
        region_id=region_id,
        region_store_ids=region_store_ids,
        ttl=ttl,
        name=name,
        dispatch_agent=dispatch_agent,
        briefing_store_ids=briefing_store_ids,
    ).to_jwt()
