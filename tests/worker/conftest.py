"""Fixtures of the worker's tests.

Storage runs on SQLite and PostgreSQL (tests/storage/engines.py). ``livekit`` is a real
``livekit-server`` of the test's own; ``idle_worker`` is the real AgentServer registered with
it whose sessions' manager is never asked to start one, so no models are loaded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.answer_processor import CallerProfile
from pipelines.voice_loop import VoiceLoopConfig
from tests.storage.engines import database, database_url
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.worker.agent_server import DispatchedSessions

__all__ = ["database", "database_url"]

API_KEY = "worker-tests"
SECRET = "worker-tests-secret-0123456789abcdef"


@pytest.fixture
async def livekit(livekit_binary: Path, tmp_path: Path) -> AsyncIterator[LocalLiveKitServer]:
    server = LocalLiveKitServer(
        binary=livekit_binary, api_key=API_KEY, api_secret=SECRET, work_dir=tmp_path
    )
    async with server:
        yield server


@pytest.fixture
async def idle_worker(livekit: LocalLiveKitServer) -> AsyncIterator[DispatchedSessions]:
    endpoint = LiveKitEndpoint(url=livekit.url, api_key=API_KEY, api_secret=SECRET)
    manager = SessionManager(
        runtime=Any,  # type: ignore[arg-type]  # no session is started by these tests
        endpoint=endpoint,
        capacity=2,
        loop_config=VoiceLoopConfig(),
    )
    worker = DispatchedSessions(
        manager=manager,
        endpoint=endpoint,
        callers=lambda role, store: CallerProfile(role=role, store_id=store),
        stores=lambda: frozenset({"SH-01"}),
    )
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop(drain=False)
