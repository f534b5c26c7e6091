"""A worker's health says whether LiveKit can dispatch clerks to it, outage included.

A real ``livekit-server`` and the real AgentServer registration; the sessions' manager is
never asked to start one, so no models are loaded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipelines.voice_loop import VoiceLoopConfig
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.worker.agent_server import DispatchedSessions

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

SECRET = "worker-health-secret-0123456789abcdef"


@pytest.fixture
async def livekit(livekit_binary: Path, tmp_path: Path) -> AsyncIterator[LocalLiveKitServer]:
    server = LocalLiveKitServer(
        binary=livekit_binary, api_key="health", api_secret=SECRET, work_dir=tmp_path
    )
    async with server:
        yield server


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
    livekit: LocalLiveKitServer,
) -> None:
    endpoint = LiveKitEndpoint(url=livekit.url, api_key="health", api_secret=SECRET)
    manager = SessionManager(
        runtime=Any,  # type: ignore[arg-type]  # no session is started here
        endpoint=endpoint,
        capacity=2,
        loop_config=VoiceLoopConfig(),
    )
    worker = DispatchedSessions(
        manager=manager, endpoint=endpoint, language="en", stores=lambda: frozenset({"SH-01"})
    )
    await worker.start()
    try:
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
    finally:
        await worker.stop(drain=False)
