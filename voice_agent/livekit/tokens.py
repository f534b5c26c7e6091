"""Access tokens with least privilege: one room, the role's grants, attributes the agent trusts.

A token is minted only after the role's policy allows the room
(:mod:`voice_agent.livekit.room_access`, where the table of what each role may do is). The
``role``, ``store_id`` and (a regional manager's) ``region_id`` attributes set here are what
the agent trusts; no role but the agent may change its own.

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

from livekit import api

from voice_agent.livekit.dispatch import clerk_room_config
from voice_agent.livekit.errors import RoomNameError, TokenPolicyError
from voice_agent.livekit.roles import OWN_ROOM_ROLES, ParticipantRole, parse_role
from voice_agent.livekit.room_access import check_room_allowed, grants_for
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

ROLE_ATTRIBUTE = "role"
STORE_ATTRIBUTE = "store_id"
REGION_ATTRIBUTE = "region_id"
"""A regional manager's region (required in their tokens)."""


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
