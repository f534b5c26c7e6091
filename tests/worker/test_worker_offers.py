"""A worker answers LiveKit's job offers even while its sessions hold the main loop.

LiveKit gives a worker 3 s to answer an offer. A busy node's main loop (sessions starting,
listening, speaking) can be held longer; offers answered there timed out and the clerk
waited for the store service to dispatch again. The AgentServer runs on a loop of its own.
A real ``livekit-server`` and the real AgentServer; the session itself is never started
(no models), only the job's assignment is looked at.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from livekit import rtc

from tests.livekit.livekit_helpers import room_token
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.worker.agent_server import DispatchedSessions

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

HELD_SECS = 6.0
"""Twice LiveKit's 3 s offer timeout."""


async def test_an_offer_made_while_the_main_loop_is_held_is_taken(
    livekit: LocalLiveKitServer, idle_worker: DispatchedSessions
) -> None:
    clerk = rtc.Room()
    try:
        token = room_token(livekit, "ana", dispatch_agent=True)
        await clerk.connect(livekit.url, token)  # the room starts: LiveKit offers the job
        time.sleep(HELD_SECS)  # noqa: ASYNC251 - holds the main loop, as busy sessions would
        async with asyncio.timeout(15):
            while idle_worker.jobs_started == 0:  # noqa: ASYNC110 - polls a job-thread counter
                await asyncio.sleep(0.1)
        assert idle_worker.jobs_started == 1
    finally:
        await clerk.disconnect()
