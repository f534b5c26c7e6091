"""After a restart: people still in their rooms get the assistant back at once.

A ``voice-agent serve`` that ran sessions and died (``kill -9``, a crash, the machine's OOM
killer) leaves its clerks in their rooms on a LiveKit server that kept running: LiveKit
sends no new ``participant_joined`` for them, and keeps the dead assistant in each room for
about 20 s (docs/cluster.md). At start, a service that runs sessions itself looks at every
clerk room once (:func:`resume_rooms`):

- without agent dispatch, a person in their own room counts as having just joined (the
  webhook route's rules: role, store, region, capacity); the new assistant takes the dead one's
  place (LiveKit replaces a participant that joins again under the same identity);
- with agent dispatch, the rooms are handled like a dead worker's: the old assistant is
  removed and the agent dispatched again (to this process's own worker).

The sessions then pick up what was stored: the conversation, and the broadcaster's
deliveries (a notice that was cut off is spoken again; one played awaits "got it").
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from livekit import api
from loguru import logger

from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.livekit.errors import RoomNameError
from voice_agent.livekit.rooms import parse_clerk_room
from voice_agent.livekit.tokens import ROLE_ATTRIBUTE, STORE_ATTRIBUTE
from voice_agent.livekit.webhooks import ParticipantJoined
from voice_agent.service.routes.webhooks import handle_event
from voice_agent.session_language import CallerFor
from voice_agent.worker.redispatch import Redispatcher


async def people_waiting(endpoint: LiveKitEndpoint) -> list[ParticipantJoined]:
    """Each person in their own clerk room right now, as the join LiveKit told us of once."""
    client = api.LiveKitAPI(
        endpoint.url.replace("ws", "http", 1), endpoint.api_key, endpoint.api_secret
    )
    waiting: list[ParticipantJoined] = []
    try:
        listed = await client.room.list_rooms(api.ListRoomsRequest())
        for room in listed.rooms:
            try:
                owner = parse_clerk_room(room.name).identity
            except RoomNameError:
                continue
            try:
                people = await client.room.list_participants(
                    api.ListParticipantsRequest(room=room.name)
                )
            except api.TwirpError:
                continue  # closed meanwhile
            for person in people.participants:
                if person.identity != owner or person.identity == AGENT_IDENTITY:
                    continue
                attributes = dict(person.attributes)
                waiting.append(
                    ParticipantJoined(
                        room=room.name,
                        room_sid=room.sid,
                        identity=person.identity,
                        participant_sid=person.sid,
                        event_id=f"resume-{uuid.uuid4().hex[:8]}",
                        at=datetime.now(UTC),
                        role=attributes.get(ROLE_ATTRIBUTE),
                        store_id=attributes.get(STORE_ATTRIBUTE),
                        attributes=attributes,
                    )
                )
    finally:
        await client.aclose()
    return waiting


async def resume_rooms(
    endpoint: LiveKitEndpoint,
    *,
    manager: SessionManager,
    callers: CallerFor,
    stores: Mapping[str, str],
    clerk_connections: dict[str, str],
    redispatcher: Redispatcher | None,
    start_sessions: bool,
) -> list[str]:
    """Give everyone waiting in their own room the assistant again; the rooms handled.

    Args:
        endpoint: The LiveKit server the sessions run on.
        manager: Starts the sessions (without agent dispatch).
        callers: The profile of a session (role and store in, the store's language out).
        stores: Store ids of the knowledge base, each with its region id.
        clerk_connections: The webhook route's room -> latest connection of its person.
        redispatcher: Replaces the assistant and dispatches it again (agent dispatch).
        start_sessions: Start the sessions here (no agent dispatch).
    """
    waiting = await people_waiting(endpoint)
    if not start_sessions:
        rooms = sorted({person.room for person in waiting})
        if redispatcher is not None and rooms:
            redispatcher.worker_lost(rooms)
    else:
        rooms = []
        for person in waiting:
            result = await handle_event(
                person,
                manager=manager,
                callers=callers,
                stores=stores,
                clerk_connections=clerk_connections,
            )
            if result.action == "started":
                rooms.append(person.room)
    if rooms:
        logger.info("after a restart: the assistant is back for {}", ", ".join(rooms))
    return rooms
