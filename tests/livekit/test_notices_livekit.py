"""An urgent publication spoken to a clerk in a real LiveKit room, and acknowledged.

The real service (local livekit-server, webhooks, uvicorn, real models) serves the
published sample chain from SQLite; a clerk on the roster is in their room with the agent.
Publishing an urgent version makes the agent speak the notice into the room; the clerk's
earpiece acknowledgement (``{"action": "ack"}``) is stored with the times.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from knowledge_base.delivery import DeliveryState
from tests.livekit.notice_helpers import Earpiece, Served, eventually, serving
from voice_agent.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.livekit]


async def _heard_and_acknowledged(served: Served, earpiece: Earpiece, before: float) -> None:
    def played() -> bool:
        d = served.delivery()
        return d is not None and d.state is DeliveryState.PLAYED

    def acknowledged() -> bool:
        d = served.delivery()
        return d is not None and d.state is DeliveryState.ACKNOWLEDGED

    await eventually(played, within=60, what="the notice was played to the end")
    assert earpiece.voiced_secs - before > 2.0  # the clerk heard the notice
    await earpiece.acknowledge()
    await eventually(acknowledged, within=20, what="the acknowledgement was stored")
    stored = served.delivery()
    assert stored is not None and stored.plays == 1
    assert stored.delivered_at is not None and stored.played_at is not None
    assert stored.acknowledged_at is not None
    assert stored.delivered_at <= stored.played_at <= stored.acknowledged_at


async def test_an_urgent_version_is_heard_by_the_connected_clerk_and_the_ack_stored(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path) as served:
        earpiece = await served.joins()
        try:
            await eventually(earpiece.agent_joined, within=30, what="the agent joined")
            await asyncio.sleep(1.0)  # the clerk subscribes to the agent's track
            before = earpiece.voiced_secs
            served.publish_urgent()
            await _heard_and_acknowledged(served, earpiece, before)
        finally:
            await earpiece.leave()


async def test_a_clerk_not_connected_at_publishing_hears_the_notice_on_joining(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path) as served:
        served.publish_urgent()
        await eventually(
            lambda: served.delivery() is not None, within=20, what="the notice was stored"
        )
        delivery = served.delivery()
        assert delivery is not None and delivery.state is DeliveryState.PENDING
        earpiece = await served.joins()
        try:
            await _heard_and_acknowledged(served, earpiece, 0.0)
        finally:
            await earpiece.leave()
