"""``/v1/sessions``: the agent sessions the caller oversees (managers and HQ)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter

from voice_agent.agent.history import SessionInfo
from voice_agent.agent.manager import SessionManager
from voice_agent.livekit.errors import RoomNameError
from voice_agent.livekit.rooms import parse_clerk_room
from voice_agent.service.auth import Principal
from voice_agent.service.deps import ManagerDep, ManagerPrincipal
from voice_agent.service.errors import PermissionDeniedError
from voice_agent.service.schemas import EventList, RefusalPublic, SessionList, SessionPublic

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


@router.get("")
async def list_sessions(principal: ManagerPrincipal, manager: ManagerDep) -> SessionList:
    """Sessions of the caller's store, region or (HQ) the whole process, and refusals."""
    return SessionList(
        sessions=[
            SessionPublic.of(info)
            for info in manager.list()
            if principal.can_manage_store(info.store_id)
        ],
        capacity=manager.capacity,
        active=manager.active,
        refusals=[
            RefusalPublic.of(refusal)
            for refusal in manager.refusals()
            if principal.can_manage_store(_store_of_room(refusal.room))
        ],
    )


@router.delete("/{room}")
async def stop_session(
    room: str, principal: ManagerPrincipal, manager: ManagerDep
) -> SessionPublic:
    """Stop the agent in ``room`` (a manager of the room's store or region, or HQ)."""
    _check_scope(principal, manager, room)
    return SessionPublic.of(await manager.stop(room))


@router.get("/{room}/events")
async def session_events(room: str, principal: ManagerPrincipal, manager: ManagerDep) -> EventList:
    """The last events of the live or recently ended session in ``room``."""
    info = _check_scope(principal, manager, room)
    return EventList(
        room=room,
        state=info.state,
        events=[event.model_dump(mode="json") for event in manager.events(room)],
        server_time=datetime.now(UTC),
        monotonic_now=time.monotonic(),
    )


def _check_scope(principal: Principal, manager: SessionManager, room: str) -> SessionInfo:
    # Scope first (from the room's name), so a 404 never tells others which rooms exist.
    store_id = _store_of_room(room)
    if not principal.can_manage_store(store_id):
        raise PermissionDeniedError(
            f"{principal.describe()} may not manage room {room!r} (store {store_id or 'none'})"
        )
    return manager.get(room)


def _store_of_room(room: str) -> str | None:
    try:
        return parse_clerk_room(room).store_id
    except RoomNameError:
        return None  # not a clerk room: no store's manager oversees it, only HQ
