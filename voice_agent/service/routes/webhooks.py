"""``POST /livekit/webhook``: LiveKit tells us who joined and left.

Only verified requests count (401 otherwise, and nothing happens). With agent dispatch
(the default) LiveKit starts the assistant on a worker; without it (the fallback), a clerk
joining their own room (``store-<STORE>-clerk-<identity>`` with the ``clerk`` role in
their token) starts the agent here. A store manager joining their own room
(``store-<STORE>-clerk-<their identity>`` with the ``store_manager`` role) gets a session
too, as a store manager: that is where escalations are spoken to them. So does a regional
manager (``regional_manager`` role) in their own room at a store of the region their
token's ``region_id`` names, as a regional manager: that is where feedback alerts are
spoken to them; their room at a store of another region gets none. Either way, that
person leaving, or the room closing, stops the session at once (a clerk already back in
the room under a new connection has not left). Everyone else (the agent itself, a manager
listening in to a clerk's room) is ignored. A refused session (capacity) is still answered
with 200, so LiveKit does not retry; the reason is in the body and the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Header, Request
from loguru import logger

from knowledge_base.answering import Role
from voice_agent.agent.errors import (
    CapacityReachedError,
    SessionNotFoundError,
    ShuttingDownError,
)
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.session import AGENT_IDENTITY
from voice_agent.livekit.errors import RoomNameError, WebhookError, WebhookSignatureError
from voice_agent.livekit.roles import OWN_ROOM_ROLES, ParticipantRole
from voice_agent.livekit.rooms import ClerkRoom, parse_clerk_room
from voice_agent.livekit.tokens import REGION_ATTRIBUTE
from voice_agent.livekit.webhooks import (
    ParticipantJoined,
    ParticipantLeft,
    RoomFinished,
    WebhookEvent,
)
from voice_agent.service.deps import ContextDep
from voice_agent.service.errors import AuthenticationError, BadRequestError
from voice_agent.service.printable import printable
from voice_agent.service.schemas import WebhookResult
from voice_agent.session_language import CallerFor
from voice_agent.worker.redispatch import Redispatcher

router = APIRouter(prefix="/livekit", tags=["livekit"])

_OWN_ROOM_ROLES = {role.value: Role(role.value) for role in OWN_ROOM_ROLES}
"""Token roles whose holder gets a session in their own room, and the role it answers."""


@router.post("/webhook")
async def receive_webhook(
    request: Request,
    context: ContextDep,
    authorization: Annotated[str | None, Header()] = None,
) -> WebhookResult:
    """Verify a LiveKit webhook and start or stop the agent session it concerns."""
    body = await request.body()
    try:
        event = context.webhook_verifier.verify(body, authorization)
    except WebhookSignatureError as e:
        logger.warning("webhook refused: {}", printable(e.message))
        raise AuthenticationError(e.message, code=e.code) from e
    except WebhookError as e:
        logger.warning("webhook refused: {}", printable(e.message))
        raise BadRequestError(e.message, code=e.code) from e
    result = await handle_event(
        event,
        manager=context.manager,
        callers=context.runtime.caller,
        stores=context.runtime.knowledge.store_regions,
        clerk_connections=context.clerk_connections,
        start_sessions=not context.settings.agent_dispatch,
        redispatcher=context.redispatcher,
    )
    logger.debug(
        "webhook {} {}: {} {}",
        event.kind,
        printable(result.room or ""),
        result.action,
        printable(result.detail),
    )
    return result


async def handle_event(
    event: WebhookEvent,
    *,
    manager: SessionManager,
    callers: CallerFor,
    stores: Mapping[str, str],
    clerk_connections: dict[str, str],
    start_sessions: bool = True,
    redispatcher: Redispatcher | None = None,
) -> WebhookResult:
    """Start, stop or ignore, for one verified webhook event.

    Args:
        event: The verified event.
        manager: Starts and stops the sessions; a session's agent sees the room first hand,
            so a clerk it sees back in the room under another connection is not "gone".
        callers: The profile of a session (role and store in, the store's language out).
        stores: Store ids of the knowledge base, each with its region id; a clerk of any
            other store gets no agent, a regional manager none outside their region.
        clerk_connections: Room -> participant sid of the clerk's latest connection; a
            clerk who reconnects (LiveKit replaces the old connection) is not "gone" when
            the old connection's ``participant_left`` arrives after the new join.
        start_sessions: Start a session when a clerk joins (the fallback without agent
            dispatch); with dispatch LiveKit starts it on a worker, and a clerk leaving
            still stops it here at once.
        redispatcher: Told when the assistant leaves a clerk room (see
            :mod:`voice_agent.worker.redispatch`).
    """
    if isinstance(event, RoomFinished):
        if _started_since(manager, event):
            # Webhooks come late: a clerk back at once is in a new room of the same name.
            return WebhookResult(
                action="ignored", room=event.room, detail="a later room of that name is live"
            )
        clerk_connections.pop(event.room, None)
        return await _stop(manager, event.room, "the room closed")
    if not isinstance(event, ParticipantJoined | ParticipantLeft):
        return WebhookResult(action="ignored", room=event.room, detail=f"{event.kind} event")
    if redispatcher is not None and isinstance(event, ParticipantLeft) and _is_assistant(event):
        try:
            parse_clerk_room(event.room)
        except RoomNameError:
            return WebhookResult(action="ignored", room=event.room, detail="not a clerk room")
        redispatcher.assistant_left(event.room)
        return WebhookResult(
            action="watching",
            room=event.room,
            detail="the assistant left; it is dispatched again if the clerk stays",
        )
    room, why_not = _clerk_of(event, stores)
    if room is None:
        return WebhookResult(action="ignored", room=event.room, detail=why_not)
    if isinstance(event, ParticipantLeft):
        # Webhooks come late and in no promised order: the clerk who left may be back
        # (another connection) before this arrives, even before that one's join does.
        seen = manager.clerk_sid(event.room)
        if seen is not None and seen != event.participant_sid:
            clerk_connections[event.room] = seen  # the agent's view is first hand
        latest = clerk_connections.get(event.room)
        if latest is not None and latest != event.participant_sid:
            return WebhookResult(
                action="ignored", room=event.room, detail="an earlier connection of the clerk left"
            )
        clerk_connections.pop(event.room, None)
        result = await _stop(manager, event.room, f"clerk {event.identity} left")
        if redispatcher is not None and result.action == "stopped":
            redispatcher.session_stopped(event.room)
        return result
    if room.store_id not in stores:
        logger.warning(
            "[{}] no session: store {} is not in the knowledge base", event.room, room.store_id
        )
        return WebhookResult(
            action="refused",
            room=event.room,
            code="unknown_store",
            detail=f"store {room.store_id} is not in the knowledge base",
        )
    clerk_connections[event.room] = event.participant_sid
    if not start_sessions:
        if redispatcher is not None:
            # A worker that dies between taking the job and joining leaves no assistant to
            # leave the room, so no participant_left: watch the room from the clerk's side.
            # A clerk back in a room whose assistant was stopped gets one at once.
            redispatcher.clerk_joined(event.room)
        return WebhookResult(
            action="ignored", room=event.room, detail="LiveKit dispatches the assistant"
        )
    role = _OWN_ROOM_ROLES.get(event.role or "", Role.CLERK)
    caller = callers(role, room.store_id)
    try:
        await manager.start(event.room, event.identity, caller)
    except (CapacityReachedError, ShuttingDownError) as e:
        return WebhookResult(action="refused", room=event.room, code=e.code, detail=e.message)
    who = role.value.replace("_", " ")
    return WebhookResult(action="started", room=event.room, detail=f"{who} {event.identity}")


def _clerk_of(
    event: ParticipantJoined | ParticipantLeft, stores: Mapping[str, str]
) -> tuple[ClerkRoom | None, str]:
    """The clerk room when ``event`` is about its own clerk; else ``None`` and why not.

    ``stores`` maps each store id to its region id (a regional manager's room must be at a
    store of the region their token names).
    """
    if _is_assistant(event):
        return None, "the assistant itself"
    try:
        room = parse_clerk_room(event.room)
    except RoomNameError:
        return None, "not a clerk room"
    if event.role not in _OWN_ROOM_ROLES:
        return None, f"{event.identity} is not a clerk (role {event.role})"
    if event.identity != room.identity:
        return None, f"{event.identity} is not the clerk of this room"
    if event.store_id is not None and event.store_id != room.store_id:
        return None, f"{event.identity} works in {event.store_id}, not {room.store_id}"
    if event.role == ParticipantRole.REGIONAL_MANAGER.value:
        region = event.attributes.get(REGION_ATTRIBUTE)
        if not region:
            return None, f"regional manager {event.identity}'s token names no region"
        if stores.get(room.store_id) != region:
            why = (
                f"regional manager {event.identity} manages {region}; store {room.store_id}"
                f" is in {stores.get(room.store_id) or 'no region we know'}"
            )
            if isinstance(event, ParticipantJoined):
                logger.warning("[{}] no session: {}", event.room, why)
            return None, why
    return room, ""


def _started_since(manager: SessionManager, event: RoomFinished) -> bool:
    """The room's live session started after ``event``'s room closed (a later room).

    LiveKit times events to the second, so a session that started in that second counts
    as later: the one that closed with the room had ended before it closed.
    """
    try:
        info = manager.get(event.room)
    except SessionNotFoundError:
        return False
    return info.ended_at is None and info.started_at >= event.at


def _is_assistant(event: ParticipantJoined | ParticipantLeft) -> bool:
    return (
        event.identity == AGENT_IDENTITY
        or event.participant_kind == "agent"
        or event.role == ParticipantRole.AGENT.value
    )


async def _stop(manager: SessionManager, room: str, why: str) -> WebhookResult:
    try:
        # Do not hold LiveKit's request while the pipeline winds down.
        await manager.stop(room, wait=False)
    except SessionNotFoundError:
        return WebhookResult(action="ignored", room=room, detail=f"{why}; no session running")
    return WebhookResult(action="stopped", room=room, detail=why)
