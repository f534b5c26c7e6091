"""A worker's health says whether LiveKit can dispatch clerks to it, outage included.

A real ``livekit-server`` and the real AgentServer registration; the sessions' manager is
never asked to start one, so no models are loaded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import httpx
import pytest

from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.worker.agent_server import DispatchedSessions

pytestmark = [pytest.mark.slow, pytest.mark.livekit]


async def status_becomes(url: str, status: int, within_secs: float) -> str:
    """Poll ``url`` until it answers ``status``; its body."""
    deadline = time.monotonic() + within_secs
    seen: object = None
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                response = await client.get(url)
                seen = response.status_code
                if response.status_code == status:
                    return response.text
            except httpx.HTTPError as e:
                seen = e
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {within_secs} s (last: {seen})")


async def test_health_fails_while_livekit_is_down_and_recovers_when_it_is_back(
    livekit: LocalLiveKitServer, idle_worker: DispatchedSessions
) -> None:
    worker = idle_worker
    url = f"http://127.0.0.1:{worker.health_port}/"
    await status_becomes(url, 200, within_secs=10)
    assert worker.health().ok

    assert livekit.pid is not None
    os.kill(livekit.pid, signal.SIGKILL)
    assert "failed to connect" in await status_becomes(url, 503, within_secs=15)
    assert not worker.health().ok
    assert "not registered" in worker.health().detail

    await asyncio.to_thread(livekit.restart)  # same ports: the worker rejoins by itself
    await status_becomes(url, 200, within_secs=40)
    assert worker.health().ok
