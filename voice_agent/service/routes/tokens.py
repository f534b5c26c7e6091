"""``POST /v1/tokens``: LiveKit tokens for the caller, within what their API key allows.

- A clerk key mints only a clerk token for itself, for its own room.
- A store or regional manager mints their own token, or a clerk's, for clerk rooms of
  their store or region.
- HQ mints any role's token (never the agent's: the service mints those itself).
- A briefing room (``briefing-<id>``, open or not yet closed): a clerk key mints its own
  clerk token, a store manager their own or a clerk's of their store, a regional manager
  their own, HQ an ``hq`` token, each only when the briefing's scope admits the role and
  the store (:meth:`knowledge_base.briefing_scope.BriefingScope.admits`); 404 for an
  unknown briefing, 409 for a closed one.

:func:`voice_agent.livekit.tokens.mint_token` then applies the room policy of each role.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from loguru import logger

from knowledge_base.answering import Role
from knowledge_base.briefing_scope import BriefingScope, scope_from_dict
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.livekit.errors import RoomNameError, TokenPolicyError
from voice_agent.livekit.roles import ParticipantRole
from voice_agent.livekit.rooms import (
    clerk_room_name,
    parse_briefing_room,
    parse_clerk_room,
    validate_room_name,
)
from voice_agent.livekit.tokens import mint_token
from voice_agent.service.auth import Principal
from voice_agent.service.deps import ContextDep, CurrentPrincipal
from voice_agent.service.errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from voice_agent.service.schemas import TokenCreate, TokenPublic
from voice_agent.storage.broadcast_briefings import SqlBriefingRepository

router = APIRouter(prefix="/v1/tokens", tags=["tokens"])


@dataclass(frozen=True, slots=True)
class TokenPlan:
    """What to mint, after the API-key policy."""

    identity: str
    role: ParticipantRole
    room: str | None
    store_id: str | None = None
    region_id: str | None = None
    region_store_ids: frozenset[str] = field(default_factory=frozenset)
    briefing_store_ids: tuple[str, ...] = ()


@router.post("", status_code=201)
async def create_token(
    body: TokenCreate, principal: CurrentPrincipal, context: ContextDep, request: Request
) -> TokenPublic:
    """Mint a LiveKit token (see the module docstring for who may mint what)."""
    briefing_id = parse_briefing_room(body.room) if body.room else None
    if briefing_id is not None:
        repository = SqlBriefingRepository(database=request.app.state.database)
        record = await asyncio.to_thread(repository.get, briefing_id)
        if record is None:
            raise NotFoundError(f"no briefing {briefing_id!r}", code="unknown_briefing")
        if record.ended_at is not None:
            raise ConflictError(f"briefing {briefing_id!r} is closed", code="briefing_closed")
        plan = plan_briefing_token(
            principal, body, scope=scope_from_dict(record.scope), opened_by=record.opened_by
        )
    else:
        plan = plan_token(principal, body, knowledge=context.runtime.knowledge)
    ttl = timedelta(minutes=body.ttl_minutes or context.settings.token_ttl_minutes)
    endpoint = context.manager.endpoint
    try:
        token = mint_token(
            api_key=endpoint.api_key,
            api_secret=endpoint.api_secret,
            identity=plan.identity,
            role=plan.role,
            room=plan.room,
            store_id=plan.store_id,
            region_id=plan.region_id,
            region_store_ids=plan.region_store_ids,
            ttl=ttl,
            dispatch_agent=context.settings.agent_dispatch,
            briefing_store_ids=plan.briefing_store_ids,
        )
    except TokenPolicyError as e:
        raise PermissionDeniedError(e.message, code=e.code) from e
    except RoomNameError as e:
        raise BadRequestError(e.message, code=e.code) from e
    logger.info(
        "token minted by {} for {} as {} in {}",
        principal.describe(),
        plan.identity,
        plan.role.value,
        plan.room or "(no room)",
    )
    return TokenPublic(
        token=token,
        url=endpoint.url,
        room=plan.room,
        identity=plan.identity,
        role=plan.role.value,
        expires_at=datetime.now(UTC) + ttl,
    )


def plan_token(principal: Principal, body: TokenCreate, *, knowledge: KnowledgeBase) -> TokenPlan:
    """Apply the API-key policy to a token request.

    Raises:
        PermissionDeniedError: The key may not have this token.
        BadRequestError: The request lacks a room it needs, or names a malformed one.
    """
    if body.room is not None:
        try:
            validate_room_name(body.room)
        except RoomNameError as e:
            raise BadRequestError(e.message, code=e.code) from e
    role = ParticipantRole(body.role or principal.role.value)
    identity = body.identity or principal.identity
    if principal.role is Role.CLERK:
        return _clerk_plan(principal, role, identity, body.room)
    if principal.role is Role.HQ and role is ParticipantRole.HQ:
        return TokenPlan(identity=identity, role=role, room=body.room)  # no room: list-only
    if body.room is None:
        raise BadRequestError(f"a {role.value} token needs a room", code="room_required")
    store_id = _store_of(body.room)
    if store_id not in knowledge.stores:
        raise BadRequestError(
            f"room {body.room!r} names unknown store {store_id!r}", code="unknown_store"
        )
    if principal.role is not Role.HQ:
        if not principal.can_manage_store(store_id):
            raise PermissionDeniedError(
                f"{principal.describe()} may not mint tokens for room {body.room!r} "
                f"(store {store_id})"
            )
        own_role = ParticipantRole(principal.role.value)
        if role not in (ParticipantRole.CLERK, own_role):
            raise PermissionDeniedError(
                f"{principal.describe()} may mint clerk or {own_role.value} tokens, "
                f"not {role.value}"
            )
        if role is own_role and identity != principal.identity:
            raise PermissionDeniedError(
                f"{principal.describe()} may mint a {role.value} token only for themselves"
            )
    if role is ParticipantRole.REGIONAL_MANAGER:
        region = knowledge.region_of(store_id)
        stores = frozenset(s.id for s in region.stores)
        return TokenPlan(
            identity=identity,
            role=role,
            room=body.room,
            region_id=region.id,
            region_store_ids=stores,
        )
    return TokenPlan(identity=identity, role=role, room=body.room, store_id=store_id)


def plan_briefing_token(
    principal: Principal, body: TokenCreate, *, scope: BriefingScope, opened_by: str
) -> TokenPlan:
    """Apply the API-key policy and the briefing's scope to a briefing-room token request.

    The manager who opened the briefing may always join it (as themselves, in their role).

    Raises:
        PermissionDeniedError: The key may not have this token, or the scope does not admit it.
    """
    assert body.room is not None
    role = ParticipantRole(body.role or principal.role.value)
    identity = body.identity or principal.identity
    own = role.value == principal.role.value
    if principal.role is Role.STORE_MANAGER:
        allowed = (own and identity == principal.identity) or role is ParticipantRole.CLERK
    else:
        allowed = own and identity == principal.identity
    if not allowed:
        raise PermissionDeniedError(
            f"{principal.describe()} may not mint a {role.value} token for {identity!r} in a"
            " briefing room (a store manager may mint their clerks' tokens; everyone else only"
            " their own)"
        )
    if principal.role is Role.REGIONAL_MANAGER:
        overseen: frozenset[str] = principal.region_store_ids
    else:
        overseen = frozenset({principal.store_id} if principal.store_id else ())
    opener = own and identity == principal.identity == opened_by
    if not opener and not scope.admits(Role(role.value), overseen):
        raise PermissionDeniedError(
            f"briefing {body.room!r} is for {', '.join(r.value for r in scope.roles)} of"
            f" {', '.join(scope.store_ids)}; not for {principal.describe()} as {role.value}",
            code="not_in_briefing_scope",
        )
    regional = role is ParticipantRole.REGIONAL_MANAGER
    return TokenPlan(
        identity=identity,
        role=role,
        room=body.room,
        store_id=None if regional else principal.store_id,
        region_id=principal.region if regional else None,
        region_store_ids=overseen if regional else frozenset(),
        # The opener's own stores count too (a scope they oversee only in part).
        briefing_store_ids=tuple(dict.fromkeys((*scope.store_ids, *(overseen if opener else ())))),
    )


def _clerk_plan(
    principal: Principal, role: ParticipantRole, identity: str, room: str | None
) -> TokenPlan:
    if role is not ParticipantRole.CLERK or identity != principal.identity:
        raise PermissionDeniedError(
            f"{principal.describe()} may only mint a clerk token for themselves"
        )
    assert principal.store_id is not None  # settings require a store for clerk keys
    own_room = clerk_room_name(store_id=principal.store_id, identity=principal.identity)
    if room is not None and room != own_room:
        raise PermissionDeniedError(
            f"{principal.describe()} may only mint a token for their own room {own_room!r}, "
            f"not {room!r}"
        )
    return TokenPlan(identity=identity, role=role, room=own_room, store_id=principal.store_id)


def _store_of(room: str) -> str:
    try:
        return parse_clerk_room(room).store_id
    except RoomNameError as e:
        raise BadRequestError(e.message, code=e.code) from e
