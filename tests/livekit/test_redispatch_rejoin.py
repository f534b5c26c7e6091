"""A clerk back in their room after leaving has the assistant dispatched at once.

When a clerk leaves, the store service stops their session; the assistant leaves the room
a moment later. A clerk who comes back (a dropped earpiece, a wrong button) must not wait
for the grace period that covers an assistant whose own connection only dropped: that
session rejoins by itself, a stopped one never does. Real LiveKit server, real dispatches
(no worker takes them here); the grace is 30 s in these tests, so a dispatch seen within
seconds came from the short path of a stopped session.
"""

from __future__ import annotations

import asyncio

from livekit import api
from livekit_helpers import joined, room_token

from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.livekit.dispatch import AGENT_NAME
from voice_agent.livekit.earpiece import AGENT_STATE_ATTRIBUTE, LEAVING
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.worker.redispatch import Redispatcher

ROOM = clerk_room_name(store_id="SH-01", identity="ivo")


async def dispatch_ids(server: LocalLiveKitServer, room: str) -> list[str]:
    """The assistant's dispatches to ``room`` (LiveKit's own automatic one is not listed)."""
    client = api.LiveKitAPI(server.url.replace("ws", "http", 1), server.api_key, server.api_secret)
    try:
        listed = await client.agent_dispatch.list_dispatch(room_name=room)
    finally:
        await client.aclose()
    return [d.id for d in listed if d.agent_name == AGENT_NAME]


async def dispatches(server: LocalLiveKitServer, room: str) -> int:
    """How many dispatches of the assistant wait for ``room``."""
    return len(await dispatch_ids(server, room))


async def dispatches_after(server: LocalLiveKitServer, room: str, secs: float) -> int:
    """Dispatches to ``room`` once one is seen, or after ``secs`` without any."""
    for _ in range(int(secs / 0.1)):
        if await dispatches(server, room):
            break
        await asyncio.sleep(0.1)
    return await dispatches(server, room)


def redispatcher(server: LocalLiveKitServer) -> Redispatcher:
    endpoint = LiveKitEndpoint(url=server.url, api_key=server.api_key, api_secret=server.api_secret)
    return Redispatcher(endpoint=endpoint, grace_secs=30.0, join_secs=30.0)


async def test_a_clerk_who_comes_back_after_the_stopped_assistant_left_gets_one_at_once(
    livekit_server: LocalLiveKitServer,
) -> None:
    watcher = redispatcher(livekit_server)
    watcher.session_stopped(ROOM)  # the clerk left
    watcher.assistant_left(ROOM)  # the stopped assistant followed; nobody is in the room
    await asyncio.sleep(0.5)
    async with joined(livekit_server, room_token(livekit_server, "ivo", room=ROOM)):
        watcher.clerk_joined(ROOM)
        assert await dispatches_after(livekit_server, ROOM, 10) == 1
    await watcher.close()


async def test_a_clerk_already_back_when_the_stopped_assistant_leaves_gets_one_at_once(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = clerk_room_name(store_id="SH-01", identity="una")
    watcher = redispatcher(livekit_server)
    watcher.session_stopped(room)
    async with joined(livekit_server, room_token(livekit_server, "una", room=room)):
        watcher.assistant_left(room)
        assert await dispatches_after(livekit_server, room, 10) == 1
    await watcher.close()


async def test_a_dispatch_no_worker_takes_is_followed_by_another(
    livekit_server: LocalLiveKitServer,
) -> None:
    # No worker runs here, as when every worker was full at the offer: LiveKit offers a
    # dispatch once, so one without a job is followed by a new one.
    room = clerk_room_name(store_id="SH-01", identity="vic")
    watcher = redispatcher(livekit_server)
    watcher.session_stopped(room)
    async with joined(livekit_server, room_token(livekit_server, "vic", room=room)):
        watcher.clerk_joined(room)
        assert await dispatches_after(livekit_server, room, 10) == 1
        first = await dispatch_ids(livekit_server, room)
        await asyncio.sleep(3.0)
        later = await dispatch_ids(livekit_server, room)
    await watcher.close()
    assert len(later) == 2 and set(first) < set(later)


async def test_an_assistant_saying_it_is_leaving_does_not_hold_back_a_returning_clerk(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = clerk_room_name(store_id="SH-01", identity="ole")
    watcher = redispatcher(livekit_server)
    agent = room_token(livekit_server, AGENT_IDENTITY, room=room, role="agent")
    async with joined(livekit_server, agent) as leaving:
        await leaving.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: LEAVING})
        watcher.session_stopped(room)
        async with joined(livekit_server, room_token(livekit_server, "ole", room=room)):
            watcher.clerk_joined(room)
            assert await dispatches_after(livekit_server, room, 10) == 1
    await watcher.close()


async def test_an_assistant_whose_own_connection_dropped_gets_the_grace_to_rejoin(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = clerk_room_name(store_id="SH-01", identity="pia")
    watcher = redispatcher(livekit_server)
    async with joined(livekit_server, room_token(livekit_server, "pia", room=room)):
        watcher.assistant_left(room)  # no session was stopped: it may only be rejoining
        watcher.clerk_joined(room)
        assert await dispatches_after(livekit_server, room, 2) == 0
    await watcher.close()
