"""Dispatching the assistant again keeps the role of the room's owner.

A store manager's own room is dispatched with ``role: store_manager`` when the manager
joins; when the assistant has to be dispatched again (its worker died, or it left while
the manager stayed), the new job must name the same role, or the manager is answered
as a clerk (and gets no escalations). The same holds for a regional manager's own room
(or they would hear no feedback alerts).
"""

from __future__ import annotations

import asyncio

from livekit import api
from livekit_helpers import joined, room_token

from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.dispatch import AGENT_NAME, dispatched_role
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.tokens import mint_token
from voice_agent.worker.redispatch import Redispatcher


async def _dispatched_roles(server: LocalLiveKitServer, room: str) -> list[str]:
    client = api.LiveKitAPI(server.url.replace("ws", "http", 1), server.api_key, server.api_secret)
    try:
        dispatches = await client.agent_dispatch.list_dispatch(room_name=room)
    finally:
        await client.aclose()
    # LiveKit also lists its own automatic dispatch (no agent name) of every new room.
    return [dispatched_role(d.metadata) for d in dispatches if d.agent_name == AGENT_NAME]


def _redispatcher(server: LocalLiveKitServer) -> Redispatcher:
    endpoint = LiveKitEndpoint(url=server.url, api_key=server.api_key, api_secret=server.api_secret)
    return Redispatcher(endpoint=endpoint, grace_secs=0.1, checks=3)


async def _wait_for_dispatch(server: LocalLiveKitServer, room: str) -> list[str]:
    for _ in range(100):
        roles = await _dispatched_roles(server, room)
        if roles:
            return roles
        await asyncio.sleep(0.1)
    raise AssertionError(f"no dispatch to {room} within 10 s")


async def test_a_store_manager_left_alone_gets_the_assistant_again_as_a_store_manager(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = clerk_room_name(store_id="SH-01", identity="mgr-lin")
    token = room_token(livekit_server, "mgr-lin", room=room, role="store_manager")
    redispatcher = _redispatcher(livekit_server)
    async with joined(livekit_server, token):
        redispatcher.assistant_left(room)
        roles = await _wait_for_dispatch(livekit_server, room)
    await redispatcher.close()
    assert roles == ["store_manager"]


async def test_a_regional_manager_left_alone_gets_the_assistant_again_as_a_regional_manager(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = clerk_room_name(store_id="HZ-01", identity="rm-zhao")
    token = mint_token(
        api_key=livekit_server.api_key,
        api_secret=livekit_server.api_secret,
        identity="rm-zhao",
        role="regional_manager",
        room=room,
        region_id="east-china",
        region_store_ids=("SH-01", "SH-02", "HZ-01"),
    )
    redispatcher = _redispatcher(livekit_server)
    async with joined(livekit_server, token):
        redispatcher.assistant_left(room)
        roles = await _wait_for_dispatch(livekit_server, room)
    await redispatcher.close()
    assert roles == ["regional_manager"]


async def test_a_dead_worker_s_clerk_gets_the_assistant_again_as_a_clerk(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = clerk_room_name(store_id="SH-01", identity="ana")
    redispatcher = _redispatcher(livekit_server)
    async with joined(livekit_server, room_token(livekit_server, "ana", room=room)):
        redispatcher.worker_lost([room])
        roles = await _wait_for_dispatch(livekit_server, room)
    await redispatcher.close()
    assert roles == ["clerk"]
